package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's rootless access: {@code jtpm rm --server type=unixio,path=…,mode=0660,gid=G} in front of a TPM (here an
 * in-process one, standing in for /dev/tpmrm0) lets a user in group G use the TPM with tpm2-tools, and refuses a user
 * outside it by the socket file's permissions. The users are made up with setpriv (no account is created): uid 23457 in
 * group 23456, and uid 23458 in no group. tpm2-tools 5.4's swtpm TCTI reaches TCP only, so each tool reaches the Unix
 * socket through the command TCTI and a small stdio relay, as {@code jtpm pipe --backend swtpm:path=…} would from a
 * user's own installation.
 */
class RootlessAccessTest {
    private static final int GROUP = 23456, MEMBER = 23457, STRANGER = 23458;

    private static final String RELAY = """
            import os, socket, sys, threading
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[1])
            def up():
                while True:
                    b = os.read(0, 65536)
                    if not b:
                        s.shutdown(socket.SHUT_WR)
                        return
                    s.sendall(b)
            threading.Thread(target=up, daemon=True).start()
            while True:
                b = s.recv(65536)
                if not b:
                    break
                os.write(1, b)
            """;

    @Test
    void groupMembersUseTheTpm_othersAreRefusedByTheSocketsPermissions() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            String msg = "interop: RootlessAccessTest needs root (to act as other users with setpriv)";
            if (Tools.onCi()) throw new AssertionError(msg + " — CI runs as root");
            System.err.println("NOTICE: skipping, " + msg);
            Assumptions.abort(msg);
        }
        Tools.require("setpriv");
        Tools.require("python3");
        Tools.require("tpm2_getrandom");
        Path d = Files.createTempDirectory("jtpm-rootless");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path relay = Files.writeString(d.resolve("relay.py"), RELAY);
        Path sock = d.resolve("tpmrm.sock"), ctrl = d.resolve("tpmrm.ctrl");
        Path log = d.resolve("rm.log");
        Process rm = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "rm", "--backend", "in-process",
                "--server", "type=unixio,path=" + sock + ",mode=0660,gid=" + GROUP,
                "--ctrl", "type=unixio,path=" + ctrl + ",mode=0660,gid=" + GROUP)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            waitForSocket(sock, rm, log);
            waitForSocket(ctrl, rm, log);   // the RM binds its data and control listeners one after the other
            assertThat(Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(GROUP);
            assertThat((Integer) Files.getAttribute(sock, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777).isEqualTo(0660);
            assertThat(Files.getAttribute(ctrl, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(GROUP);
            String tcti = "cmd:python3 " + relay + " " + sock;

            Tools.Run member = as(MEMBER, true, "tpm2_getrandom", "-T", tcti, "--hex", "16");
            assertThat(member.ok().out()).matches("[0-9a-f]{32}");
            Tools.Run pcrs = as(MEMBER, true, "tpm2_pcrread", "-T", tcti, "sha256:0");
            assertThat(pcrs.ok().out()).contains("0 : 0x0000000000000000000000000000000000000000000000000000000000000000");
            // a member's transient objects belong to its connection: the primary one tool run made is gone for the next
            Path own = Files.createDirectory(d.resolve("member"));
            Files.setAttribute(own, "unix:uid", MEMBER);
            as(MEMBER, true, "tpm2_createprimary", "-T", tcti, "-C", "o", "-c", own.resolve("p.ctx").toString()).ok();
            assertThat(Files.size(own.resolve("p.ctx"))).isPositive();
            assertThat(as(MEMBER, true, "tpm2_getcap", "-T", tcti, "handles-transient").ok().out().trim()).isEmpty();

            Tools.Run stranger = as(STRANGER, false, "tpm2_getrandom", "-T", tcti, "--hex", "16");
            assertThat(stranger.exit()).isNotZero();
            assertThat(stranger.err()).contains("Permission denied");
            assertThat(rm.isAlive()).as("the resource manager keeps serving").isTrue();
            assertThat(as(MEMBER, true, "tpm2_getrandom", "-T", tcti, "--hex", "4").ok().out()).matches("[0-9a-f]{8}");
        } finally {
            rm.destroy();
            rm.waitFor();
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).as("the socket file is removed at exit").isFalse();
    }

    /** Runs a program as {@code uid} (its own group; plus {@link #GROUP} when {@code inGroup}), without capabilities. */
    private static Tools.Run as(int uid, boolean inGroup, String... command) {
        String[] prefix = {"setpriv", "--reuid=" + uid, "--regid=" + uid, inGroup ? "--groups=" + GROUP : "--clear-groups",
                "--inh-caps=-all", "--"};
        String[] all = new String[prefix.length + command.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(command, 0, all, prefix.length, command.length);
        return Tools.run(Map.of("TSS2_LOG", "all+NONE", "HOME", "/nonexistent"), null, all);
    }

    private static void waitForSocket(Path sock, Process rm, Path log) throws Exception {
        for (int i = 0; i < 800; i++) {
            if (Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(sock));
                    return;
                } catch (IOException e) {
                    // not yet
                }
            }
            if (!rm.isAlive()) break;
            Thread.sleep(25);
        }
        throw new AssertionError("jtpm rm did not start: " + Files.readString(log));
    }
}
