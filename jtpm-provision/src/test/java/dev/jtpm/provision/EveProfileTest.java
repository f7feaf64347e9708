package dev.jtpm.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmtPublic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtpm setup --profile eve}: EVE tpmmgr's keys at its handles with its templates, idempotent. */
class EveProfileTest {

    @TempDir Path dir;

    @Test
    void freshState_allFiveKeys_withEvesAttributesAndSchemes() throws Exception {
        var r = SetupTest.setup("--tpm2", "--tpmstate", dir.toString(), "--profile", "eve");
        assertThat(r.exit()).as(r.err()).isZero();
        var t = new SetupTest.Loaded(dir, Optional.empty());
        assertThat(t.handles(0x81000000)).contains(0x81000001, 0x81000002, 0x81000003, 0x81000004, 0x81000005);

        TpmtPublic ek = t.readPublic(0x81000001);
        assertThat(ek.objectAttributes().value()).isEqualTo(0x000300B2);
        assertThat(HexFormat.of().formatHex(ek.authPolicy().toArray()))
                .isEqualTo("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
        assertThat(((TpmsRsaParms) ek.parameters()).keyBits()).isEqualTo(2048);
        assertThat(((TpmsRsaParms) ek.parameters()).symmetric().algorithm()).isEqualTo(TpmAlg.AES);

        assertThat(t.readPublic(0x81000002).objectAttributes().value()).isEqualTo(0x00030472);
        TpmtPublic aik = t.readPublic(0x81000003);
        assertThat(aik.objectAttributes().value()).isEqualTo(0x00050472);
        assertThat(((TpmsRsaParms) aik.parameters()).scheme().scheme()).isEqualTo(TpmAlg.RSASSA);
        TpmtPublic quote = t.readPublic(0x81000004);
        assertThat(quote.objectAttributes().value()).isEqualTo(0x00050472);
        assertThat(((TpmsEccParms) quote.parameters()).scheme().scheme()).isEqualTo(TpmAlg.ECDSA);
        assertThat(((TpmsEccParms) quote.parameters()).curveID()).isEqualTo(0x0003);
        TpmtPublic ecdh = t.readPublic(0x81000005);
        assertThat(ecdh.objectAttributes().value()).isEqualTo(0x00060460);
        assertThat(((TpmsEccParms) ecdh.parameters()).scheme().scheme()).isEqualTo(TpmAlg.NULL);
        assertThat(r.out()).contains("Successfully created EVE EK with handle 0x81000001.");
    }

    @Test
    void secondRun_keepsMatchingKeys_remakesAMissingOne_stateElseUntouched() throws Exception {
        assertThat(SetupTest.setup("--tpm2", "--tpmstate", dir.toString(), "--profile", "eve").exit()).isZero();
        var first = new SetupTest.Loaded(dir, Optional.empty());
        TpmtPublic aik = first.readPublic(0x81000003);

        var again = SetupTest.setup("--tpm2", "--tpmstate", dir.toString(), "--profile", "eve");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("EVE AIK at 0x81000003 kept.").doesNotContain("Successfully created");

        // remove the quote key from the state, as if it had been evicted: the next run makes it again
        var t = new SetupTest.Loaded(dir, Optional.empty());
        t.run(new EvictControl(TpmRh.OWNER, 0x81000004, 0x81000004));
        assertThat(t.handles(0x81000000)).doesNotContain(0x81000004);
        t.tpm.powerOff();
        saveState(t, dir);
        var third = SetupTest.setup("--tpm2", "--tpmstate", dir.toString(), "--profile", "eve");
        assertThat(third.out()).contains("Successfully created EVE quote key with handle 0x81000004.")
                .contains("EVE AIK at 0x81000003 kept.");
        var last = new SetupTest.Loaded(dir, Optional.empty());
        assertThat(last.readPublic(0x81000003)).isEqualTo(aik);
        assertThat(last.handles(0x81000000)).contains(0x81000004);
    }

    @Test
    void unknownProfile_oneLineError() {
        var r = SetupTest.setup("--tpm2", "--tpmstate", dir.toString(), "--profile", "android");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jtpm setup: unknown --profile 'android' (eve)");
        r = SetupTest.setup("--tpm2", "--tpmstate", dir.toString(), "--profile", "eve", "--create-spk");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jtpm setup: --create-spk and --profile eve both want handle 0x81000001");
    }

    private static void saveState(SetupTest.Loaded t, Path dir) throws Exception {
        var store = dev.jtpm.server.DirectoryStateStore.open(dir, dev.jtpm.server.DirectoryStateStore.DEFAULT_MODE, Optional.empty(), false);
        try (store) {
            assertThat(store.lock(0)).isTrue();
            for (var k : dev.jtpm.engine.platform.StateKind.values()) {
                byte[] blob = t.mem.load(k);
                if (blob != null) store.store(k, blob);
            }
        }
        assertThat(Files.exists(dir.resolve("tpm2-00.permall"))).isTrue();
    }
}
