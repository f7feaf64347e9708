package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the state container against the real swtpm 0.7.1: files swtpm encrypts (hex, binary and
 * passphrase keys, both KDFs, AES-128 and AES-256) decrypt with jtpm's {@link StateBlob}; a file jtpm encrypts
 * (around swtpm's own plain payload) is read by swtpm, which then shows the state it holds; migration blobs
 * swtpm answers with a migration key decode, and blobs jtpm encodes are taken by swtpm's SET_STATEBLOB.
 */
class StateEncryptionSwtpmTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] LIBTPMS_PERMALL_MAGIC = HEX.parseHex("0003ab364723");

    /** A swtpm process on fresh ports with extra options, stopped by close(). */
    static final class Swtpm implements AutoCloseable {
        final Process process;
        final int port;
        final Path log;

        Swtpm(Path dir, String... extra) throws IOException {
            Tools.require("swtpm");
            port = FreePorts.pair();
            log = Files.createTempFile("swtpm", ".log");
            List<String> cmd = new ArrayList<>(List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir,
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1"));
            cmd.addAll(List.of(extra));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        /** True once the control port answers; false when swtpm exited first. */
        boolean started() throws InterruptedException {
            while (process.isAlive()) {
                try (Socket s = new Socket("127.0.0.1", port + 1)) {
                    return true;
                } catch (IOException e) {
                    Thread.sleep(20);
                }
            }
            return false;
        }

        SwtpmControl ctrl() { return new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port + 1)); }

        String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                try {
                    ctrl().shutdown();
                } catch (IOException ignored) {
                    // it may have gone
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    static Path tempDir() throws IOException { return Files.createTempDirectory("jtpm-stateenc"); }

    static byte[] permall(Path dir) throws IOException { return Files.readAllBytes(dir.resolve("tpm2-00.permall")); }

    @Test
    void filesSwtpmEncrypts_decryptWithJtpm_everyKeyForm() throws Exception {
        Path keys = tempDir();
        Path hex256 = Files.writeString(keys.resolve("hex256"), "0x" + "00112233445566778899aabbccddeeff".repeat(2) + "\n");
        Path bin128 = Files.write(keys.resolve("bin128"), HEX.parseHex("f0e1d2c3b4a5968778695a4b3c2d1e0f"));
        Path pwd = Files.writeString(keys.resolve("pwd"), "correct horse battery staple\n");
        String[] options = {
            "file=" + hex256 + ",format=hex,mode=aes-256-cbc",
            "file=" + bin128 + ",format=binary,mode=aes-128-cbc",
            "pwdfile=" + pwd + ",mode=aes-256-cbc",
            "pwdfile=" + pwd + ",kdf=pbkdf2",
            "pwdfile=" + pwd + ",kdf=sha512,mode=aes-256-cbc",
            "pwdfile=" + pwd + ",kdf=sha512,mode=aes-cbc",
        };
        for (String option : options) {
            Path dir = tempDir();
            try (Swtpm s = new Swtpm(dir, "--key", option, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).as(option).isTrue();
            }
            byte[] file = permall(dir);
            StateKey key = StateKey.parse(option, StateKey.FdOpener.PROC_SELF);
            assertThat(BigEndian.u16(file, 4)).as(option).isEqualTo(key.is256() ? 0x09 : 0x01);
            byte[] payload = StateBlob.decodeFile(file, Optional.of(key));
            assertThat(Arrays.copyOf(payload, 6)).as(option).isEqualTo(LIBTPMS_PERMALL_MAGIC);
        }
    }

    @Test
    void fileJtpmEncrypts_isReadBySwtpm_andAWrongKeyIsNot() throws Exception {
        Path plainDir = tempDir();
        try (Swtpm s = new Swtpm(plainDir, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).isTrue();
            makePersistentKey(s.tcti());
        }
        byte[] payload = StateBlob.decodeFile(permall(plainDir), Optional.empty());
        Path keys = tempDir();
        Path keyFile = Files.writeString(keys.resolve("k"), "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        String option = "file=" + keyFile + ",mode=aes-256-cbc";
        for (boolean right : new boolean[] {true, false}) {
            Path dir = tempDir();
            Optional<StateKey> key = Optional.of(right ? StateKey.parse(option, StateKey.FdOpener.PROC_SELF)
                    : StateKey.of(new byte[32]));
            Files.write(dir.resolve("tpm2-00.permall"), StateBlob.encodeFile(payload, key));
            try (Swtpm s = new Swtpm(dir, "--key", option, "--flags", "not-need-init,startup-clear")) {
                if (right) {
                    assertThat(s.started()).isTrue();
                    assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
                } else {
                    assertThat(s.started()).as("swtpm refuses a file under another key").isFalse();
                    assertThat(Files.readString(s.log)).contains("HMAC");
                }
            }
        }
    }

    @Test
    void migrationBlobs_swtpmToJtpmCodec_andJtpmCodecToSwtpm() throws Exception {
        Path keys = tempDir();
        Path fk = Files.writeString(keys.resolve("fk"), "file key passphrase");
        // both AES-256: swtpm 0.7.1 cannot mix a 256-bit file key with a 128-bit migration key (its global IV
        // buffer stays 32 octets and its AES-128 encryption then refuses it: "IV is 32 bytes, but expected 16")
        Path mk = Files.writeString(keys.resolve("mk"), "ffeeddccbbaa99887766554433221100".repeat(2));
        String fileOpt = "pwdfile=" + fk + ",mode=aes-256-cbc", migOpt = "file=" + mk + ",mode=aes-256-cbc";
        Optional<StateKey> fileKey = Optional.of(StateKey.parse(fileOpt, StateKey.FdOpener.PROC_SELF));
        Optional<StateKey> migKey = Optional.of(StateKey.parse(migOpt, StateKey.FdOpener.PROC_SELF));
        Path a = tempDir();
        byte[] filePayload;
        try (Swtpm s = new Swtpm(a, "--key", fileOpt, "--migration-key", migOpt, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).isTrue();
            makePersistentKey(s.tcti());
            filePayload = StateBlob.decodeFile(permall(a), fileKey);
            SwtpmControl c = s.ctrl();
            for (int flags : new int[] {0, Ptm.STATE_FLAG_DECRYPTED}) {
                SwtpmControl.Reply r = c.send(new CtrlRequest.GetStateBlob(flags, Ptm.BLOB_TYPE_PERMANENT, 0));
                assertThat(r.result()).isZero();
                boolean still = (r.u32(4) & Ptm.STATE_FLAG_ENCRYPTED) != 0;
                assertThat(still).isEqualTo(flags == 0);
                byte[] blob = Arrays.copyOfRange(r.bytes(), 16, r.bytes().length);
                int hdr = BigEndian.u16(blob, 4);
                assertThat(hdr).isEqualTo(flags == 0 ? 0x04 | 0x02 | 0x10 | 0x01 | 0x08 : 0x04 | 0x02 | 0x10);
                assertThat(StateBlob.decode(blob).tlvs()).extracting(StateBlob.Tlv::tag).containsExactly(5, 3, 7);
                assertThat(StateBlob.decodeMigration(blob, still, fileKey, migKey)).isEqualTo(filePayload);
            }
        }
        // the reverse: blobs jtpm's codec makes (still file-key encrypted, and decrypted) go into a fresh swtpm
        for (boolean decrypted : new boolean[] {false, true}) {
            Path b = tempDir();
            try (Swtpm s = new Swtpm(b, "--key", fileOpt, "--migration-key", migOpt)) {
                assertThat(s.started()).isTrue();
                SwtpmControl c = s.ctrl();
                byte[] blob = StateBlob.encodeMigration(filePayload, fileKey, migKey, decrypted);
                SwtpmControl.Reply r = c.send(new CtrlRequest.SetStateBlob(decrypted ? 0 : Ptm.STATE_FLAG_ENCRYPTED,
                        Ptm.BLOB_TYPE_PERMANENT, blob));
                assertThat(r.result()).as("decrypted=%s %s", decrypted, Files.readString(s.log)).isZero();
                assertThat(c.init(0)).isZero();
                assertThat(Tools.tpm2(s.tcti(), "tpm2_startup", "-c").exit()).isZero();
                assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
                // and under another migration key swtpm refuses it
                byte[] other = StateBlob.encodeMigration(filePayload, fileKey, Optional.of(StateKey.of(new byte[32])), false);
                c.stop();
                assertThat(c.send(new CtrlRequest.SetStateBlob(Ptm.STATE_FLAG_ENCRYPTED, Ptm.BLOB_TYPE_PERMANENT, other))
                        .result()).isEqualTo(Ptm.TPM_DECRYPT_ERROR);
            }
        }
    }

    static void makePersistentKey(String tcti) throws IOException {
        Path ctx = Files.createTempFile("primary", ".ctx");
        Tools.tpm2(tcti, "tpm2_createprimary", "-C", "o", "-c", ctx.toString()).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", ctx.toString(), "0x81000001").ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
    }
}
