package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.SwtpmSocket;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm socket --key/--migration-key} end to end, the server run as its command line runs it: state files
 * encrypted at rest and read again after a restart; a wrong key, no key, a key of the other size or a tampered
 * file refused at start-up with one line and every file left byte for byte; no key material in a level-20 log;
 * migration blobs between two servers with the same migration key, and a clean refusal under another key.
 */
class StateEncryptionServerTest {
    static final String KEY_HEX = "8899aabbccddeeff0011223344556677" + "0123456789abcdef0123456789abcdef";
    static final String PASSPHRASE = "a libvirt secret";

    /** One {@code jtpm socket} run in this JVM. */
    static final class Server implements AutoCloseable {
        final int port = FreePorts.pair();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<TpmInstance> ready = new CompletableFuture<>();
        final CompletableFuture<Integer> exit;

        Server(Path state, String... extra) {
            List<String> args = new ArrayList<>(List.of("--tpm2", "--tpmstate", "dir=" + state,
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1"));
            args.addAll(List.of(extra));
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            exit = CompletableFuture.supplyAsync(() -> {
                int rc = SwtpmSocket.run(args, Map.of(), System.out, e, ready::complete);
                ready.complete(null);
                return rc;
            });
        }

        /** True when the server serves; false when it exited first. */
        boolean started() { return ready.join() != null; }

        String errors() { return err.toString(StandardCharsets.UTF_8); }

        SwtpmControl ctrl() { return new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port + 1)); }

        String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

        @Override
        public void close() throws Exception {
            if (ready.join() != null && !exit.isDone()) ctrl().shutdown();
            exit.join();
        }
    }

    static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().equals(".lock")) continue; // the (empty) lock file, as swtpm's
                out.put(f.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    /**
     * jtpm's {@code mode=aes-256-gcm}: the state restarts with the key; a wrong key or a flipped bit is one line
     * ("AES-GCM tag mismatch") with the files untouched; swtpm, which knows only AES-CBC + HMAC, refuses the file
     * rather than misreading it; and the same key bytes in CBC mode still read the GCM file (the file says its cipher;
     * files are written in the mode given).
     */
    @Test
    void gcmState_restarts_refusesWrongKeysAndIsRefusedBySwtpm() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-gcm");
        Path keys = Files.createTempDirectory("jtpm-gcm-keys");
        Path keyFile = Files.writeString(keys.resolve("key"), KEY_HEX + "\n");
        String gcm = "file=" + keyFile + ",mode=aes-256-gcm";
        try (Server s = new Server(dir, "--key", gcm, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            StateEncryptionSwtpmTest.makePersistentKey(s.tcti());
        }
        byte[] permall = Files.readAllBytes(dir.resolve("tpm2-00.permall"));
        List<dev.jtpm.wire.StateBlob.Tlv> tlvs = dev.jtpm.wire.StateBlob.decode(permall).tlvs();
        assertThat(tlvs.stream().map(dev.jtpm.wire.StateBlob.Tlv::tag).toList()).as("cipher, data, nonce; no HMAC")
                .containsExactly(dev.jtpm.wire.StateBlob.TAG_JTPM_CIPHER, dev.jtpm.wire.StateBlob.TAG_ENCRYPTED_DATA,
                        dev.jtpm.wire.StateBlob.TAG_IVEC_ENCRYPTED_DATA);
        // the file says its cipher: the same key bytes in CBC mode read it (and write CBC), then GCM again
        for (String k : List.of("file=" + keyFile + ",mode=aes-256-cbc", gcm)) {
            try (Server s = new Server(dir, "--key", k, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).as(k + ": " + s.errors()).isTrue();
                assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
            }
        }
        Path wrong = Files.writeString(keys.resolve("wrong"), KEY_HEX.replace('8', '9'));
        Path tampered = Files.createTempDirectory("jtpm-gcm-tampered");
        byte[] t = Files.readAllBytes(dir.resolve("tpm2-00.permall"));
        t[t.length - 20] ^= 0x01;
        Files.write(tampered.resolve("tpm2-00.permall"), t);
        for (Path d : List.of(dir, tampered)) {
            Map<String, String> files = digests(d);
            String k = d == dir ? "file=" + wrong + ",mode=aes-256-gcm" : gcm;
            try (Server s = new Server(d, "--key", k, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).isFalse();
                assertThat(s.errors().lines().toList()).hasSize(1);
                assertThat(s.errors()).contains("tpm2-00.permall: wrong key or corrupted state (AES-GCM tag mismatch)");
            }
            assertThat(digests(d)).isEqualTo(files);
        }
        // swtpm refuses the GCM file (it needs the HMAC of its AES-CBC format) and leaves it as it was
        Map<String, String> files = digests(dir);
        int port = FreePorts.pair();
        Tools.Run sw = Tools.run(Map.of(), null, "timeout", "20", "swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir,
                "--server", "type=tcp,port=" + port, "--ctrl", "type=tcp,port=" + (port + 1), "--key",
                "file=" + keyFile + ",mode=aes-256-cbc", "--flags", "not-need-init,startup-clear");
        assertThat(sw.exit()).as("swtpm: " + sw.err()).isEqualTo(1);
        assertThat(sw.err()).contains("Could not find HMAC");
        assertThat(digests(dir)).isEqualTo(files);
    }

    @Test
    void encryptedState_restarts_andBadKeysAreOneLineWithFilesUntouched() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-enc");
        Path keys = Files.createTempDirectory("jtpm-keys");
        Path keyFile = Files.writeString(keys.resolve("key"), KEY_HEX + "\n");
        Path log = keys.resolve("server.log");
        String key = "file=" + keyFile + ",mode=aes-256-cbc";
        try (Server s = new Server(dir, "--key", key, "--flags", "not-need-init,startup-clear",
                "--log", "file=" + log + ",level=20")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            StateEncryptionSwtpmTest.makePersistentKey(s.tcti());
            assertThat(s.ctrl().config()).as("GET_CONFIG: file key").isEqualTo(Ptm.CONFIG_FLAG_FILE_KEY);
        }
        byte[] permall = Files.readAllBytes(dir.resolve("tpm2-00.permall"));
        assertThat(BigEndian.u16(permall, 4)).as("encrypted with a 256-bit key").isEqualTo(0x09);
        String logText = Files.readString(log);
        assertThat(logText).as("level 20 logs traffic").isNotEmpty();
        assertThat(logText.toLowerCase()).doesNotContain(KEY_HEX.substring(0, 16)).doesNotContain(KEY_HEX.substring(32, 48));
        try (Server s = new Server(dir, "--key", key, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
        }
        Map<String, String> before = digests(dir);
        Path wrong = Files.writeString(keys.resolve("wrong"), KEY_HEX.replace('8', '9'));
        Path tampered = Files.createTempDirectory("jtpm-tampered");
        byte[] t = permall.clone();
        t[t.length / 2] ^= 0x40;
        Files.write(tampered.resolve("tpm2-00.permall"), t);
        record Bad(Path dir, List<String> args, String message) {}
        List<Bad> cases = List.of(
                new Bad(dir, List.of(), "tpm2-00.permall: state is encrypted but no key was given"),
                new Bad(dir, List.of("--key", "file=" + wrong + ",mode=aes-256-cbc"),
                        "tpm2-00.permall: wrong key or corrupted state (HMAC mismatch)"),
                new Bad(dir, List.of("--key", "file=" + keyFile + ",mode=aes-128-cbc"), "--key: the key has 256 bits but the mode needs 128"),
                new Bad(dir, List.of("--key", "pwdfile=" + keyFile + ",mode=aes-cbc"),
                        "tpm2-00.permall: wrong key: the state needs a 256-bit key, the key given has 128 bits"),
                new Bad(dir, List.of("--key", "file=" + keyFile + ",mode=aes-512-cbc"), "--key: unknown encryption mode 'aes-512-cbc'"),
                new Bad(tampered, List.of("--key", key), "tpm2-00.permall: wrong key or corrupted state (HMAC mismatch)"));
        for (Bad b : cases) {
            Map<String, String> files = digests(b.dir());
            List<String> extra = new ArrayList<>(b.args());
            extra.addAll(List.of("--flags", "not-need-init,startup-clear"));
            try (Server s = new Server(b.dir(), extra.toArray(String[]::new))) {
                assertThat(s.started()).isFalse();
                assertThat(s.exit.join()).isEqualTo(1);
                assertThat(s.errors().lines().toList()).as(b.message()).hasSize(1);
                assertThat(s.errors()).startsWith("jtpm socket: ").contains(b.message());
            }
            assertThat(digests(b.dir())).as("files untouched: " + b.message()).isEqualTo(files);
        }
        assertThat(digests(dir)).isEqualTo(before);
    }

    @Test
    void migrationBlobs_betweenTwoServers_sameKeyWorks_otherKeyChangesNothing() throws Exception {
        Path keys = Files.createTempDirectory("jtpm-keys");
        Path mig = Files.writeString(keys.resolve("mig"), PASSPHRASE);
        Path mig2 = Files.writeString(keys.resolve("mig2"), PASSPHRASE + "!");
        Path fa = Files.writeString(keys.resolve("fa"), KEY_HEX);
        Path fb = Files.writeString(keys.resolve("fb"), "secret of b");
        Path a = Files.createTempDirectory("jtpm-a"), b = Files.createTempDirectory("jtpm-b"), c = Files.createTempDirectory("jtpm-c");
        byte[] perm;
        boolean still;
        try (Server s = new Server(a, "--key", "file=" + fa + ",mode=aes-256-cbc", "--migration-key", "pwdfile=" + mig,
                "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            StateEncryptionSwtpmTest.makePersistentKey(s.tcti());
            assertThat(s.ctrl().config()).isEqualTo(Ptm.CONFIG_FLAG_FILE_KEY | Ptm.CONFIG_FLAG_MIGRATION_KEY);
            SwtpmControl.Reply r = s.ctrl().send(new CtrlRequest.GetStateBlob(0, Ptm.BLOB_TYPE_PERMANENT, 0));
            assertThat(r.result()).isZero();
            still = (r.u32(4) & Ptm.STATE_FLAG_ENCRYPTED) != 0;
            assertThat(still).as("still under A's file key").isTrue();
            perm = Arrays.copyOfRange(r.bytes(), 16, r.bytes().length);
            assertThat(BigEndian.u16(perm, 4)).isEqualTo(0x04 | 0x02 | 0x01 | 0x08);
            // with DECRYPTED the inner file-key layer is gone, the migration layer stays
            SwtpmControl.Reply d = s.ctrl().send(new CtrlRequest.GetStateBlob(Ptm.STATE_FLAG_DECRYPTED, Ptm.BLOB_TYPE_PERMANENT, 0));
            assertThat(d.u32(4)).isZero();
            assertThat(BigEndian.u16(Arrays.copyOfRange(d.bytes(), 16, d.bytes().length), 4)).isEqualTo(0x04 | 0x02);
            perm = Arrays.copyOfRange(d.bytes(), 16, d.bytes().length);
        }
        // B: another file key, the same migration key: takes the blob and shows A's persistent key
        try (Server s = new Server(b, "--key", "pwdfile=" + fb, "--migration-key", "pwdfile=" + mig)) {
            assertThat(s.started()).as(s.errors()).isTrue();
            SwtpmControl ctl = s.ctrl();
            assertThat(ctl.send(new CtrlRequest.SetStateBlob(0, Ptm.BLOB_TYPE_PERMANENT, perm)).result()).isZero();
            assertThat(ctl.init(0)).isZero();
            Tools.tpm2(s.tcti(), "tpm2_startup", "-c").ok();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
        }
        assertThat(BigEndian.u16(Files.readAllBytes(b.resolve("tpm2-00.permall")), 4)).as("under B's 128-bit key").isEqualTo(0x01);
        // C: another migration key: refused with swtpm's TPM_DECRYPT_ERROR, C unchanged and still serving
        try (Server s = new Server(c, "--migration-key", "pwdfile=" + mig2, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            Tools.tpm2(s.tcti(), "tpm2_getrandom", "--hex", "8").ok();
            SwtpmControl ctl = s.ctrl();
            ctl.stop();
            Map<String, String> files = digests(c);
            assertThat(ctl.send(new CtrlRequest.SetStateBlob(0, Ptm.BLOB_TYPE_PERMANENT, perm)).result())
                    .isEqualTo(Ptm.TPM_DECRYPT_ERROR);
            assertThat(digests(c)).isEqualTo(files);
            assertThat(ctl.init(0)).isZero();
            Tools.tpm2(s.tcti(), "tpm2_startup", "-c").ok();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).doesNotContain("0x81000001");
        }
    }
}
