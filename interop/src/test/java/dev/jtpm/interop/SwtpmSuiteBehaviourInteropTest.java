package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What swtpm 0.7.1's own test suite checks (docs/peer-suites.md), written as jtpm tests against the same real
 * clients (swtpm_ioctl, tpm2-tools) and, where the answer is swtpm's, side by side with swtpm itself:
 * a wrong {@code --key} lets the server start and fails CMD_INIT with swtpm_ioctl's exact message, files untouched
 * (_test_tpm2_save_load_encrypted_state); CMD_SET_BUFFERSIZE shows in TPM2_GetCapability (_test_tpm2_setbuffersize);
 * the {@code file://} single-file backend keeps a TPM across restarts and is laid out as swtpm lays it out (swtpm's
 * --print-states reads jtpm's file); {@code --chroot} (swtpm 0.8's test_tpm2_chroot_socket).
 */
class SwtpmSuiteBehaviourInteropTest {
    private static final String KEY_A = "first pass phrase", KEY_B = "another pass phrase";

    private static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                m.put(f.getFileName().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return m;
    }

    /** What swtpm_ioctl -i says to a server started with the wrong key, and what it says after -s. */
    private record InitOutcome(int initExit, String initErr, boolean aliveAfterInit, boolean filesUntouched, int shutdownExit) {}

    private static InitOutcome wrongKey(SocketServerProcess.Kind kind) throws Exception {
        Path base = Files.createTempDirectory("jtpm-wrongkey");
        Path dir = Files.createDirectories(base.resolve("state"));
        Path a = Files.writeString(base.resolve("a"), KEY_A), b = Files.writeString(base.resolve("b"), KEY_B);
        try (SocketServerProcess s = new SocketServerProcess(kind, dir, "dir=" + dir, "not-need-init,startup-clear",
                List.of("--key", "pwdfile=" + a))) {
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getrandom", "--hex", "8").exit()).isZero();
            assertThat(Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-s").exit()).isZero();
            assertThat(s.awaitExit()).isZero();
        }
        Map<String, String> before = digests(dir);
        assertThat(before).containsKey("tpm2-00.permall");
        // without not-need-init the state is read at CMD_INIT: the server starts with any key
        try (SocketServerProcess s = new SocketServerProcess(kind, dir, "dir=" + dir, null, List.of("--key", "pwdfile=" + b))) {
            Tools.Run init = Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-i");
            boolean alive = s.process().isAlive();
            boolean untouched = digests(dir).equals(before);
            int shutdown = Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-s").exit();
            s.awaitExit();
            return new InitOutcome(init.exit(), init.err().strip(), alive, untouched && digests(dir).equals(before), shutdown);
        }
    }

    @Test
    void wrongKey_withoutNotNeedInit_startsAndFailsInit_exactlyAsSwtpm() throws Exception {
        InitOutcome jtpm = wrongKey(SocketServerProcess.Kind.JTPM);
        assertThat(jtpm).isEqualTo(new InitOutcome(1, "TPM result from PTM_INIT: 0x101", true, true, 0));
        assertThat(jtpm).isEqualTo(wrongKey(SocketServerProcess.Kind.SWTPM));
    }

    /** TPM_PT_MAX_COMMAND_SIZE and TPM_PT_MAX_RESPONSE_SIZE after CMD_SET_BUFFERSIZE 4000, as tpm2_getcap shows them. */
    private static List<String> bufferSizes(SocketServerProcess.Kind kind) throws Exception {
        Path dir = Files.createTempDirectory("jtpm-bufsize");
        try (SocketServerProcess s = new SocketServerProcess(kind, dir, null)) {
            Tools.Run set = Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-b", "4000");
            assertThat(set.exit()).isZero();
            assertThat(set.out()).contains("TPM buffersize: 4000");
            assertThat(Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-i").exit()).isZero();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_startup", "-c").exit()).isZero();
            String caps = Tools.tpm2(s.tcti(), "tpm2_getcap", "properties-fixed").ok().out();
            List<String> sizes = new java.util.ArrayList<>();
            for (String name : List.of("TPM2_PT_MAX_COMMAND_SIZE", "TPM2_PT_MAX_RESPONSE_SIZE")) {
                Matcher m = Pattern.compile(name + ":\\s*\\n\\s*raw: (0x[0-9A-Fa-f]+)").matcher(caps);
                assertThat(m.find()).as(name + " in " + caps).isTrue();
                sizes.add(m.group(1));
            }
            assertThat(Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-s").exit()).isZero();
            return sizes;
        }
    }

    @Test
    void setBufferSize_isWhatGetCapabilityReports_asOnSwtpm() throws Exception {
        List<String> jtpm = bufferSizes(SocketServerProcess.Kind.JTPM);
        assertThat(jtpm).containsExactly("0xFA0", "0xFA0");
        assertThat(jtpm).isEqualTo(bufferSizes(SocketServerProcess.Kind.SWTPM));
    }

    @Test
    void fileBackend_keepsTheTpmAcrossRestarts_andSwtpmReadsItsLayout() throws Exception {
        Path base = Files.createTempDirectory("jtpm-linear");
        Path dir = Files.createDirectories(base.resolve("x"));
        Path file = base.resolve("tpm.bin");
        String uri = "backend-uri=file://" + file;
        try (SocketServerProcess s = new SocketServerProcess(SocketServerProcess.Kind.JTPM, dir, uri, "not-need-init,startup-clear", List.of())) {
            Path ctx = base.resolve("p.ctx");
            assertThat(Tools.tpm2(s.tcti(), "tpm2_createprimary", "-C", "o", "-c", ctx.toString()).exit()).isZero();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", ctx.toString(), "0x81000005").exit()).isZero();
            assertThat(Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-s").exit()).isZero();
            s.awaitExit();
        }
        assertThat(Files.list(dir).count()).as("nothing written beside the file").isZero();
        byte[] b = Files.readAllBytes(file);
        assertThat(new String(b, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("nilmptws");
        try (SocketServerProcess s = new SocketServerProcess(SocketServerProcess.Kind.JTPM, dir, uri, "not-need-init,startup-clear", List.of())) {
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000005");
            assertThat(Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-s").exit()).isZero();
            s.awaitExit();
        }
        // swtpm parses jtpm's header and entries: its --print-states lists what jtpm's does
        Tools.Run sw = Tools.run(Map.of(), null, "swtpm", "socket", "--tpm2", "--print-states", "--tpmstate", uri);
        Tools.Run jt = Tools.run(Map.of(), null, ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main",
                "socket", "--tpm2", "--print-states", "--tpmstate", uri);
        assertThat(sw.exit()).as(sw.err()).isZero();
        assertThat(jt.out().strip()).isEqualTo(sw.out().strip()).contains("\"permall\"");
    }

    @Test
    void chroot_statePidAndServingAreInsideTheNewRoot() throws Exception {
        Tools.require("mknod");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "--chroot needs root");
        Path root = Files.createTempDirectory("jtpm-chroot");
        Files.createDirectories(root.resolve("dev"));
        assertThat(Tools.run(Map.of(), null, "mknod", "-m", "0666", root.resolve("dev/urandom").toString(), "c", "1", "9").exit()).isZero();
        try (SocketServerProcess s = new SocketServerProcess(SocketServerProcess.Kind.JTPM, root.resolve("x"), "dir=/",
                "not-need-init,startup-clear", List.of("--chroot", root.toString(), "--pid", "file=/swtpm.pid"))) {
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + s.process().pid() + "/root"))).isEqualTo(root);
            for (int i = 0; i < 600 && !Files.exists(root.resolve("swtpm.pid")); i++) Thread.sleep(50); // written once ready
            assertThat(Files.readString(root.resolve("swtpm.pid"))).isEqualTo(Long.toString(s.process().pid()));
            // keys, sessions and signatures work with nothing of the JDK inside the new root
            Path ctx = Files.createTempFile("jtpm-chroot", ".ctx");
            assertThat(Tools.tpm2(s.tcti(), "tpm2_createprimary", "-C", "e", "-G", "ecc", "-c", ctx.toString()).exit()).isZero();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getrandom", "--hex", "16").ok().out()).hasSize(32);
            assertThat(Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", s.ctrl(), "-s").exit()).isZero();
            assertThat(s.awaitExit()).isZero();
        }
        assertThat(root.resolve("tpm2-00.permall")).isRegularFile();
        assertThat(root.resolve("swtpm.pid")).doesNotExist();
    }
}
