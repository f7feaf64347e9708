package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Process hygiene of {@code jtpm socket} as a real process, driven by swtpm_ioctl: the pid file ({@code file=} and
 * {@code fd=}) written in place and the file removed at exit, Unix socket files removed at exit, socket and state
 * file modes, {@code --daemon} (parent exits once the detached child serves, or with the child's error line),
 * {@code --runas} (root becomes the user after binding; anyone else gets one line), {@code --terminate}, {@code
 * --migration incoming,release-lock-outgoing} with CMD_LOCK_STORAGE, {@code --print-capabilities}, and one line
 * for bad options.
 */
class SocketHygieneProcessTest {

    static List<String> java(String... socketArgs) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.jtpm.cli.Main", "socket"));
        cmd.addAll(List.of(socketArgs));
        return cmd;
    }

    record Proc(Process p, Path err) {
        String errors() throws IOException { return Files.readString(err, StandardCharsets.UTF_8); }

        int waitExit() throws InterruptedException {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            return p.waitFor();
        }
    }

    static Proc start(Map<String, String> env, List<String> cmd) throws IOException {
        Path err = Files.createTempFile("jtpm-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectOutput(err.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        return new Proc(pb.start(), err);
    }

    /** Waits for a file to appear while the process lives; true when it did. */
    static boolean awaitFile(Process p, Path f) throws InterruptedException {
        while (!Files.exists(f)) {
            if (p != null && !p.isAlive()) return Files.exists(f);
            Thread.sleep(10);
        }
        return true;
    }

    static String ioctl(Path sock, String... args) {
        List<String> cmd = new ArrayList<>(List.of("swtpm_ioctl", "--unix", sock.toString()));
        cmd.addAll(List.of(args));
        return Tools.run(Map.of(), null, cmd.toArray(String[]::new)).ok().out();
    }

    static String mode(Path f) throws IOException { return PosixFilePermissions.toString(Files.getPosixFilePermissions(f)); }

    @Test
    void pidFileAndSockets_writtenInPlace_removedAtExit_modesHonoured() throws Exception {
        Tools.require("swtpm_ioctl");
        Path dir = Files.createTempDirectory("jtpm-hyg");
        Path pid = dir.resolve("pid"), ctrl = dir.resolve("ctrl.sock"), data = dir.resolve("data.sock"), state = dir.resolve("state");
        Files.writeString(pid, "");
        Object inode = Files.getAttribute(pid, "unix:ino");
        Proc p = start(Map.of(), java("--tpm2", "--tpmstate", "dir=" + state + ",mode=0600", "--pid", "file=" + pid,
                "--ctrl", "type=unixio,path=" + ctrl + ",mode=0660", "--server", "type=unixio,path=" + data + ",mode=0600",
                "--flags", "not-need-init,startup-clear"));
        while (Files.size(pid) == 0 && p.p().isAlive()) Thread.sleep(10);
        assertThat(Files.readString(pid)).as(p.errors()).isEqualTo(Long.toString(p.p().pid()));
        assertThat(Files.getAttribute(pid, "unix:ino")).as("written in place, as swtpm_setup watches it").isEqualTo(inode);
        assertThat(mode(ctrl)).isEqualTo("rw-rw----");
        assertThat(mode(data)).isEqualTo("rw-------");
        assertThat(ioctl(ctrl, "-v")).isEmpty();
        assertThat(mode(state.resolve("tpm2-00.volatilestate"))).isEqualTo("rw-------");
        ioctl(ctrl, "-s");
        assertThat(p.waitExit()).isZero();
        assertThat(pid).doesNotExist();
        assertThat(ctrl).doesNotExist();
        assertThat(data).doesNotExist();
        assertThat(mode(state.resolve("tpm2-00.permall"))).isEqualTo("rw-------");
    }

    @Test
    void pidFd_getsThePid() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-hyg");
        Path pid = dir.resolve("pid"), ctrl = dir.resolve("ctrl.sock");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "exec 5>\"$0\"; exec \"$@\"", pid.toString()));
        cmd.addAll(java("--tpm2", "--tpmstate", "dir=" + dir.resolve("state"), "--pid", "fd=5",
                "--ctrl", "type=unixio,path=" + ctrl));
        Proc p = start(Map.of(), cmd);
        while ((!Files.exists(pid) || Files.size(pid) == 0) && p.p().isAlive()) Thread.sleep(10);
        assertThat(Files.readString(pid)).as(p.errors()).isEqualTo(Long.toString(p.p().pid()));
        awaitFile(p.p(), ctrl);
        ioctl(ctrl, "-s");
        assertThat(p.waitExit()).isZero();
    }

    @Test
    void daemon_detachesOnceReady_andReportsTheChildsError() throws Exception {
        Tools.require("swtpm_ioctl");
        Path dir = Files.createTempDirectory("jtpm-hyg");
        Path pid = dir.resolve("pid"), ctrl = dir.resolve("ctrl.sock"), state = dir.resolve("state");
        Proc parent = start(Map.of(), java("--tpm2", "--daemon", "--tpmstate", "dir=" + state, "--pid", "file=" + pid,
                "--ctrl", "type=unixio,path=" + ctrl, "--flags", "startup-clear"));
        assertThat(parent.waitExit()).as(parent.errors()).isZero();
        assertThat(pid).as("ready before the parent exits").exists();
        assertThat(ctrl).exists();
        long child = Long.parseLong(Files.readString(pid).trim());
        assertThat(child).isNotEqualTo(parent.p().pid());
        ProcessHandle h = ProcessHandle.of(child).orElseThrow();
        String stat = Files.readString(Path.of("/proc/" + child + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(Long.parseLong(f[3])).as("a session of its own (setsid)").isEqualTo(child);
        assertThat(h.parent().map(ProcessHandle::pid).orElse(-1L)).isNotEqualTo(ProcessHandle.current().pid());
        // a second daemon on the same state: the child cannot lock it, the parent says why and fails
        Proc second = start(Map.of(), java("--tpm2", "-d", "--tpmstate", "dir=" + state,
                "--ctrl", "type=unixio,path=" + dir.resolve("other.sock")));
        assertThat(second.waitExit()).isEqualTo(1);
        assertThat(second.errors().lines().toList()).hasSize(1);
        assertThat(second.errors()).startsWith("jtpm socket: state directory").contains("is in use");
        ioctl(ctrl, "-s");
        h.onExit().get(60, TimeUnit.SECONDS);
        assertThat(pid).doesNotExist();
        assertThat(ctrl).doesNotExist();
    }

    @Test
    void runas_rootBecomesTheUserAfterBinding() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        Tools.require("swtpm_ioctl");
        Path dir = Files.createTempDirectory("jtpm-hyg");
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName("nobody"));
        Path ctrl = dir.resolve("ctrl.sock"), state = dir.resolve("state");
        Proc p = start(Map.of(), java("--tpm2", "--runas", "nobody", "--tpmstate", "dir=" + state,
                "--ctrl", "type=unixio,path=" + ctrl, "--flags", "not-need-init,startup-clear"));
        assertThat(awaitFile(p.p(), state.resolve("tpm2-00.permall"))).as(p.errors()).isTrue();
        String status = Files.readString(Path.of("/proc/" + p.p().pid() + "/status"));
        assertThat(status).containsPattern("Uid:\\s+65534\\s+65534\\s+65534\\s+65534").containsPattern("Gid:\\s+65534\\s+65534");
        assertThat(Files.getOwner(state.resolve("tpm2-00.permall")).getName()).isEqualTo("nobody");
        assertThat(Files.getOwner(ctrl).getName()).as("bound as root").isEqualTo("root");
        ioctl(ctrl, "-s");
        assertThat(p.waitExit()).isZero();
        assertThat(ctrl).as("removed by nobody from nobody's directory").doesNotExist();
        Proc bad = start(Map.of(), java("--tpm2", "--runas", "no-such-user-here", "--tpmstate", "dir=" + state,
                "--ctrl", "type=unixio,path=" + ctrl));
        assertThat(bad.waitExit()).isEqualTo(1);
        assertThat(bad.errors()).isEqualTo("jtpm socket: --runas: user 'no-such-user-here' does not exist\n");
    }

    @Test
    void runas_otherUserWithoutRoot_isOneLine() throws Exception {
        Assumptions.assumeTrue(Tools.find("setpriv") != null && "root".equals(System.getProperty("user.name")), "needs setpriv and root");
        Path dir = Files.createTempDirectory("jtpm-hyg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(java("--tpm2", "--runas", "root", "--tpmstate", "dir=" + dir.resolve("state"),
                "--ctrl", "type=unixio,path=" + dir.resolve("c.sock")));
        Proc p = start(Map.of(), cmd);
        assertThat(p.waitExit()).isEqualTo(1);
        assertThat(p.errors()).isEqualTo("jtpm socket: --runas root: only root can change the user (this process runs as uid 65534)\n");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void terminate_exitsWhenTheDataClientLeaves() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-hyg");
        int port = FreePorts.pair();
        Path pid = dir.resolve("pid");
        Proc p = start(Map.of(), java("--tpm2", "--terminate", "--tpmstate", "dir=" + dir.resolve("state"),
                "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1", "--pid", "file=" + pid,
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear"));
        assertThat(awaitFile(p.p(), pid)).as(p.errors()).isTrue();
        try (java.net.Socket c = new java.net.Socket("127.0.0.1", port)) {
            c.getOutputStream().write(java.util.HexFormat.of().parseHex("80010000000c0000017b0004")); // TPM2_GetRandom(4)
            byte[] r = c.getInputStream().readNBytes(16);
            assertThat(java.util.HexFormat.of().formatHex(r, 0, 10)).isEqualTo("80010000001000000000");
        }
        assertThat(p.waitExit()).isZero();
        assertThat(pid).doesNotExist();
    }

    @Test
    void migrationLocks_incomingDefers_releaseLockOutgoingGivesItUp() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-hyg");
        Path state = dir.resolve("state"), sa = dir.resolve("a.sock"), sb = dir.resolve("b.sock");
        Proc a = start(Map.of(), java("--tpm2", "--migration", "release-lock-outgoing", "--tpmstate", "dir=" + state,
                "--ctrl", "type=unixio,path=" + sa, "--flags", "not-need-init,startup-clear"));
        assertThat(awaitFile(a.p(), sa)).as(a.errors()).isTrue();
        Proc b = start(Map.of(), java("--tpm2", "--migration", "incoming", "--tpmstate", "dir=" + state,
                "--ctrl", "type=unixio,path=" + sb));
        assertThat(awaitFile(b.p(), sb)).as("incoming starts without the lock: " + b.errors()).isTrue();
        try {
            SwtpmControl ca = new SwtpmControl(new Endpoint.Unix(sa)), cb = new SwtpmControl(new Endpoint.Unix(sb));
            assertThat(cb.send(new CtrlRequest.LockStorage(0)).result()).as("A holds it").isEqualTo(Ptm.TPM_FAIL);
            // QEMU's outgoing order on a running TPM: PERMANENT, VOLATILE, SAVESTATE (none here: TPM_RETRY), and the
            // savestate answer releases A's lock
            byte[] perm = ca.stateBlob(Ptm.BLOB_TYPE_PERMANENT);
            byte[] vol = ca.stateBlob(Ptm.BLOB_TYPE_VOLATILE);
            assertThat(ca.send(new CtrlRequest.GetStateBlob(Ptm.STATE_FLAG_DECRYPTED, Ptm.BLOB_TYPE_SAVESTATE, 0)).result())
                    .isEqualTo(Ptm.TPM_RETRY);
            assertThat(cb.send(new CtrlRequest.LockStorage(300)).result()).isZero();
            assertThat(ca.send(new CtrlRequest.LockStorage(0)).result()).as("B holds it now").isEqualTo(Ptm.TPM_FAIL);
            assertThat(cb.stop()).isZero();
            assertThat(cb.setStateBlob(Ptm.BLOB_TYPE_PERMANENT, perm)).isZero();
            assertThat(cb.setStateBlob(Ptm.BLOB_TYPE_VOLATILE, vol)).isZero();
            assertThat(cb.init(Ptm.INIT_FLAG_DELETE_VOLATILE)).isZero();
            ca.shutdown();
            cb.shutdown();
            assertThat(a.waitExit()).isZero();
            assertThat(b.waitExit()).isZero();
        } finally {
            a.p().destroyForcibly();
            b.p().destroyForcibly();
        }
    }

    /** libvirt 9's command line for an encrypted vTPM: secrets on inherited descriptors (qemu_tpm.c). */
    @Test
    void libvirtCommandLine_keysOnPwdFds() throws Exception {
        Tools.require("swtpm_ioctl");
        Path dir = Files.createTempDirectory("jtpm-hyg");
        Path pw = Files.writeString(dir.resolve("secret"), "libvirt secret value");
        Path mpw = Files.writeString(dir.resolve("msecret"), "libvirt secret value");
        Path ctrl = dir.resolve("vm-swtpm.sock"), state = dir.resolve("tpm2"), log = dir.resolve("vm-swtpm.log");
        Path pid = dir.resolve("vm-swtpm.pid");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "exec 5<\"$1\" 6<\"$2\"; shift 2; exec \"$@\"", "sh",
                pw.toString(), mpw.toString()));
        cmd.addAll(java("--ctrl", "type=unixio,path=" + ctrl + ",mode=0600", "--tpmstate", "dir=" + state + ",mode=0600",
                "--log", "file=" + log + ",level=20", "--terminate", "--tpm2", "--pid", "file=" + pid,
                "--key", "pwdfd=5,mode=aes-256-cbc", "--migration-key", "pwdfd=6,mode=aes-256-cbc"));
        Proc p = start(Map.of(), cmd);
        try {
            assertThat(awaitFile(p.p(), pid)).as(p.errors()).isTrue();
            SwtpmControl c = new SwtpmControl(new Endpoint.Unix(ctrl));
            assertThat(c.init(0)).isZero();
            assertThat(c.config()).isEqualTo(Ptm.CONFIG_FLAG_FILE_KEY | Ptm.CONFIG_FLAG_MIGRATION_KEY);
            dev.jtpm.wire.StateKey key = dev.jtpm.wire.StateKey.fromPassphrase(Files.readAllBytes(pw), 32,
                    dev.jtpm.wire.StateKey.Kdf.PBKDF2);
            byte[] blob = c.stateBlob(Ptm.BLOB_TYPE_PERMANENT);
            byte[] fromBlob = dev.jtpm.wire.StateBlob.decodeMigration(blob, false, java.util.Optional.empty(),
                    java.util.Optional.of(key));
            byte[] file = Files.readAllBytes(state.resolve("tpm2-00.permall"));
            assertThat(dev.jtpm.wire.StateBlob.decodeFile(file, java.util.Optional.of(key))).isEqualTo(fromBlob);
            assertThat(mode(state.resolve("tpm2-00.permall"))).isEqualTo("rw-------");
            assertThat(mode(ctrl)).isEqualTo("rw-------");
            ioctl(ctrl, "-s");
            assertThat(p.waitExit()).isZero();
            assertThat(ctrl).doesNotExist();
            assertThat(pid).doesNotExist();
            assertThat(Files.readString(log)).doesNotContain("libvirt secret");
        } finally {
            p.p().destroyForcibly();
        }
    }

    @Test
    void printCapabilities_andBadOptions() throws Exception {
        Proc caps = start(Map.of(), java("--print-capabilities"));
        assertThat(caps.waitExit()).isZero();
        assertThat(caps.errors()).contains("\"cmdarg-key-fd\"", "\"cmdarg-pwd-fd\"", "\"cmdarg-migration\"",
                "\"flags-opt-disable-auto-shutdown\"", "\"cmdarg-print-states\"");
        String[][] bad = {
            {"--tpm2", "--ctrl", "type=unixio,path=/tmp/x.sock", "--tpmstate", "dir=/tmp/jtpm-none", "--migration", "outgoing"},
            {"--tpm2", "--ctrl", "type=unixio,path=/tmp/x.sock", "--tpmstate", "dir=/tmp/jtpm-none", "--pid", "file=/a,fd=4"},
            {"--tpm2", "--ctrl", "type=unixio,path=/tmp/x.sock", "--tpmstate", "backend-uri=nfs://h/tmp/f"},
            {"--tpm2", "--daemon", "--ctrl", "type=unixio,clientfd=5", "--tpmstate", "dir=/tmp/jtpm-none"},
            {"--tpm2", "--ctrl", "type=unixio,path=/tmp/x.sock", "--tpmstate", "dir=/tmp/jtpm-none", "--key", "pwdfile=/no/such/file"},
            {"--tpm2", "--ctrl", "type=unixio,path=/tmp/x.sock", "--tpmstate", "dir=/tmp/jtpm-none", "--key", "file=/etc/hostname,mode=aes-512-cbc"},
            {"--tpm2", "--ctrl", "type=unixio,path=/tmp/x.sock", "--tpmstate", "dir=/tmp/jtpm-none,mode=999"},
        };
        for (String[] args : bad) {
            Proc p = start(Map.of(), java(args));
            assertThat(p.waitExit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(p.errors().lines().toList()).as(p.errors()).hasSize(1);
            assertThat(p.errors()).startsWith("jtpm socket: ");
        }
        assertThat(Path.of("/tmp/jtpm-none")).doesNotExist();
    }
}
