package dev.jtpm.libtpms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.wire.StateBlob;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * libtpms' volatile state as swtpm 0.7.1 (libtpms 0.9.2) wrote it here: swtpm started with startup-clear, PCR 10
 * extended in SHA-1 and SHA-256, an orderly counter incremented three times, an endorsement ECC primary and an
 * external public-only ECC key loaded (tpm2_loadexternal), CMD_STORE_VOLATILE (fixtures resume.permall,
 * resume.volatilestate; the two public areas as tpm2_readpublic -o wrote them). Read, mapped, and restored into a
 * jtpm engine that then answers as swtpm did.
 */
class LibtpmsVolatileStateTest {

    private static final LibtpmsStateFormat FORMAT = new LibtpmsStateFormat();

    private static byte[] payload(String name) throws Exception {
        return StateBlob.decodeFile(LibtpmsStateTest.fixture(name), Optional.empty());
    }

    @Test
    void readsWhatSwtpmWrote() throws Exception {
        LibtpmsVolatileState v = LibtpmsVolatileState.parse(payload("resume.volatilestate"));
        assertThat(v.version()).isEqualTo(4);
        assertThat(v.initialized()).isTrue();
        assertThat(v.sequences()).isZero();
        assertThat(v.loadedSessions()).isZero();
        assertThat(v.objects()).extracting(LibtpmsVolatileState.TransientObject::slot).containsExactly(0, 1);
        assertThat(v.objects().get(0).eps()).isTrue();
        assertThat(v.objects().get(0).primary()).isTrue();
        assertThat(v.objects().get(1).body().sensitive()).isNull(); // tpm2_loadexternal of a public key
        assertThat(v.pcrs()).hasSize(24);
        assertThat(HexFormat.of().formatHex(v.pcrs().get(10).get(TpmAlg.SHA256).toArray()))
                .isEqualTo("ee4b0e933b56cdf12a42b1e3f3b9ed1aa70cf9f3cf37325693255c8bfbcb8ba8");
        assertThat(v.orderlyRam()).extracting(LibtpmsState.OrderlyRam::handle).contains(0x01500003);
        assertThat(v.seeds()).hasSize(3);
    }

    @Test
    void jtpmResumesAsSwtpmWould() throws Exception {
        NvStore nv = NvStore.inMemory();
        byte[] permanent = FORMAT.convert(StateKind.PERMANENT, payload("resume.permall"), null);
        nv.store(StateKind.PERMANENT, permanent);
        nv.store(StateKind.VOLATILE, FORMAT.convert(StateKind.VOLATILE, payload("resume.volatilestate"), permanent));
        Tpm tpm = new Tpm(Platform.of(nv));
        assertThat(tpm.init()).isTrue();
        assertThat(tpm.isStarted()).isTrue();
        // TPM2_Startup(CLEAR): TPM_RC_INITIALIZE, the TPM is running
        assertThat(rc(tpm.execute(hex("80010000000c000001440000"), 0))).isEqualTo(0x100);
        // TPM2_PCR_Read(SHA-256 PCR 10): swtpm's value
        byte[] pcr = tpm.execute(hex("8001000000140000017e00000001000b03000400"), 0);
        assertThat(rc(pcr)).isZero();
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(pcr, pcr.length - 32, pcr.length)))
                .isEqualTo("ee4b0e933b56cdf12a42b1e3f3b9ed1aa70cf9f3cf37325693255c8bfbcb8ba8");
        // TPM2_ReadPublic of the two loaded objects: the public areas swtpm gave
        for (int handle : new int[] {TpmRh.TRANSIENT_FIRST, TpmRh.TRANSIENT_FIRST + 1}) {
            byte[] r = tpm.execute(hex("80010000000e00000173" + "%08x".formatted(handle)), 0);
            assertThat(rc(r)).isZero();
            byte[] pub = LibtpmsStateTest.fixture("resume-%08x.pub".formatted(handle));
            assertThat(Arrays.copyOfRange(r, 10, 10 + pub.length)).as("0x%08x", handle).isEqualTo(pub);
        }
        // TPM2_NV_Read of the orderly counter (its value only in libtpms' RAM): 3
        byte[] r = tpm.execute(hex("80020000002300000 14e4000000101500003000000094000000900000100000008 0000"
                .replace(" ", "")), 0);
        assertThat(rc(r)).isZero();
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(r, 16, 24))).isEqualTo("0000000000000003");
    }

    @Test
    void refusesTheVolatileStateOfAnotherTpm() throws Exception {
        byte[] other = FORMAT.convert(StateKind.PERMANENT, payload("setup-ek.permall"), null);
        assertThatThrownBy(() -> FORMAT.convert(StateKind.VOLATILE, payload("resume.volatilestate"), other))
                .isInstanceOf(IOException.class).hasMessageContaining("another TPM");
    }

    @Test
    void refusesADamagedOrTruncatedVolatileState() throws Exception {
        byte[] v = payload("resume.volatilestate");
        assertThatThrownBy(() -> LibtpmsVolatileState.parse(Arrays.copyOf(v, v.length - 5)))
                .isInstanceOf(UnsupportedStateException.class).hasMessageContaining("checksum");
        byte[] flipped = v.clone();
        flipped[300] ^= 1;
        assertThatThrownBy(() -> LibtpmsVolatileState.parse(flipped))
                .isInstanceOf(UnsupportedStateException.class).hasMessageContaining("checksum");
        // cut short with a checksum that matches what is left: the structures themselves are truncated
        byte[] cut = Arrays.copyOf(v, 420);
        byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(Arrays.copyOf(cut, 400));
        System.arraycopy(sha1, 0, cut, 400, 20);
        assertThatThrownBy(() -> LibtpmsVolatileState.parse(cut))
                .isInstanceOf(UnsupportedStateException.class).hasMessageContaining("truncated");
    }

    @Test
    void recognisesOnlyLibtpmsMagics() throws Exception {
        byte[] permall = payload("resume.permall"), vol = payload("resume.volatilestate");
        assertThat(FORMAT.recognises(StateKind.PERMANENT, permall)).isTrue();
        assertThat(FORMAT.recognises(StateKind.VOLATILE, vol)).isTrue();
        assertThat(FORMAT.recognises(StateKind.VOLATILE, permall)).isFalse();
        assertThat(FORMAT.recognises(StateKind.PERMANENT, vol)).isFalse();
        byte[] jtpm = FORMAT.convert(StateKind.PERMANENT, permall, null);
        assertThat(FORMAT.recognises(StateKind.PERMANENT, jtpm)).isFalse();
        assertThat(FORMAT.recognises(StateKind.SAVESTATE, permall)).isFalse();
    }

    @Test
    void readsAFileWithoutSwtpmsHeader() throws Exception {
        // swtpm before its blob header (v0.1..0.2) wrote libtpms' bytes as they are; swtpm reads such files still
        byte[] permall = payload("resume.permall");
        assertThat(StateImport.headerless(permall, Optional.empty())).isEqualTo(permall);
        assertThat(StateImport.headerless(new byte[] {0, 2, 1, 2, 3, 4, 5, 6}, Optional.empty())).isNull();
        assertThat(LibtpmsState.parse(permall).persistent().epSeedCompatLevel()).isEqualTo(1);
    }

    /**
     * Mutations of swtpm's volatile state (one to four octets changed, or cut short, the SHA-1 then made to match so
     * that the structures themselves are read): every one is read and mapped, or refused with
     * UnsupportedStateException, never another exception.
     */
    @Test
    void mutatedStatesAreReadOrRefusedWithOneLine() throws Exception {
        byte[] v = payload("resume.volatilestate");
        byte[] permanent = FORMAT.convert(StateKind.PERMANENT, payload("resume.permall"), null);
        dev.jtpm.engine.state.PersistentState p = dev.jtpm.engine.state.PersistentState.deserialize(permanent);
        java.util.Random random = new java.util.Random(20261208);
        int mapped = 0, refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] m;
            if (i % 10 == 9) {
                m = Arrays.copyOf(v, 26 + random.nextInt(v.length - 46));
            } else {
                m = v.clone();
                for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) m[random.nextInt(m.length - 20)] = (byte) random.nextInt(256);
            }
            byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(Arrays.copyOf(m, m.length - 20));
            System.arraycopy(sha1, 0, m, m.length - 20, 20);
            try {
                VolatileImport.toJtpm(LibtpmsVolatileState.parse(m), p);
                mapped++;
            } catch (UnsupportedStateException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
                refused++;
            }
        }
        assertThat(mapped).isPositive();
        assertThat(refused).isPositive();
    }

    private static int rc(byte[] response) { return java.nio.ByteBuffer.wrap(response, 6, 4).getInt(); }

    private static byte[] hex(String s) { return HexFormat.of().parseHex(s); }
}
