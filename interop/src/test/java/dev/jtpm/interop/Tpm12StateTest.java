package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.TpmInstance;
import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A TPM 1.2 served as {@code jtpm socket} serves it keeps its owner, SRK, sealed blobs, NV data and counters across a
 * server restart, in swtpm's TPM 1.2 files; TPM_SaveState then Startup(ST_STATE) across a restart restores the PCRs.
 */
class Tpm12StateTest {
    private static SwtpmSocketTransport connect(TpmInstance i) {
        return new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", i.dataPort()), new Endpoint.Tcp("127.0.0.1", i.ctrlPort()));
    }

    @Test
    void ownerSealedDataNvAndSaveState_surviveARestart() throws Exception {
        Path dir = JtpmServer.tempDir();
        byte[] owner = new byte[20], srk = new byte[20], data = new byte[20];
        Arrays.fill(owner, (byte) 1);
        Arrays.fill(data, (byte) 2);
        byte[] sealed, pcr5;
        TpmInstance first = Tpm12Pair.startJtpm(dir);
        try (SwtpmSocketTransport t = connect(first)) {
            Tpm12Client c = new Tpm12Client(t, new Random(1));
            assertThat(c.send(Ordinal.Startup, params((short) 1)).rc()).isZero();
            Tpm12Client.Response ek = c.createEndorsementKeyPair();
            RSAPublicKey ekPub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
            assertThat(c.takeOwnership(ekPub, owner, srk).rc()).isZero();
            sealed = c.seal(srk, data, new byte[0], "kept".getBytes()).body();
            byte[] noPcrs = params((short) 3, new byte[3], (byte) 0x1f, new byte[20]);
            assertThat(c.send(Ordinal.NV_DefineSpace, params(params((short) 0x18, 0x11, noPcrs, noPcrs, (short) 0x17, 0x20002, false, false,
                    false, 8), new byte[20])).rc()).isZero();
            assertThat(c.send(Ordinal.NV_WriteValue, params(0x11, 0, 8, "nv-value".getBytes())).rc()).isZero();
            pcr5 = c.send(Ordinal.Extend, params(5, data)).body();
            assertThat(c.send(Ordinal.SaveState, new byte[0]).rc()).isZero();
        } finally {
            first.close();
        }
        assertThat(dir.resolve("tpm-00.permall")).exists();
        assertThat(dir.resolve("tpm-00.savestate")).exists();
        assertThat(Files.exists(dir.resolve("tpm2-00.permall"))).isFalse();
        TpmInstance second = Tpm12Pair.startJtpm(dir);
        try (SwtpmSocketTransport t = connect(second)) {
            Tpm12Client c = new Tpm12Client(t, new Random(2));
            assertThat(c.send(Ordinal.Startup, params((short) 2)).rc()).as("Startup(ST_STATE)").isZero();
            assertThat(c.send(Ordinal.PcrRead, params(5)).body()).isEqualTo(pcr5);
            assertThat(dir.resolve("tpm-00.savestate")).as("used once").doesNotExist();
            assertThat(c.send(Ordinal.GetCapability, params(5, 4, 0x111)).body()[4]).as("owner").isEqualTo((byte) 1);
            Tpm12Client.Response un = c.unseal(srk, data, sealed);
            assertThat(un.rc()).isZero();
            assertThat(new String(un.body(), 4, un.body().length - 4)).isEqualTo("kept");
            assertThat(new String(Arrays.copyOfRange(c.send(Ordinal.NV_ReadValue, params(0x11, 0, 8)).body(), 4, 12))).isEqualTo("nv-value");
            assertThat(c.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000006), c.oiap(), owner, false).rc()).isZero();
        } finally {
            second.close();
        }
    }
}
