package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm install --prefix DIR}: the swtpm, swtpm_setup and swtpm_ioctl launchers it writes are world-readable
 * and executable, and work when run as an unprivileged user (nobody, as libvirt runs swtpm as tss) on a state
 * directory that user owns: {@code swtpm socket} with libvirt's options serves TPM commands and writes its state as
 * that user, {@code swtpm_ioctl --unix} reaches its control socket and shuts it down; {@code swtpm} with another
 * first word answers with one clear line.
 */
class InstallLaunchersTest {
    private static final String USER = "nobody";

    @Test
    void launchersRunJtpmAsAnUnprivilegedUser() throws Exception {
        VmHost.require(VmHost.which("runuser") != null, "runuser");
        if (!"root".equals(System.getProperty("user.name"))) {
            String msg = "running the launchers as another user needs root (runuser)";
            if (VmHost.onCi()) throw new AssertionError(msg + " — required on CI");
            System.err.println("NOTICE: skipping, " + msg);
            Assumptions.abort(msg);
        }
        Path dir = VmHost.tempDir("jtpm-install-");
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(dev.jtpm.cli.Main.execute("install", "--prefix", dir.toString())).isZero();
            Path bin = dir.resolve("bin");
            for (String name : List.of("swtpm", "swtpm_setup", "swtpm_ioctl")) {
                assertThat(Files.getPosixFilePermissions(bin.resolve(name)))
                        .as(name).contains(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
            }

            Run version = asUser(bin.resolve("swtpm").toString(), "--version");
            assertThat(version.exit).isZero();
            assertThat(version.out).contains("jtpm");
            Run unknown = asUser(bin.resolve("swtpm").toString(), "frobnicate");
            assertThat(unknown.exit).isEqualTo(1);
            assertThat(unknown.out).contains("unknown command 'frobnicate'").contains("socket");
            Run capabilities = asUser(bin.resolve("swtpm").toString(), "socket", "--print-capabilities");
            assertThat(capabilities.exit).isZero();
            assertThat(capabilities.out).contains("\"tpm-2.0\"");

            Path state = dir.resolve("state");
            Files.createDirectory(state);
            UserPrincipalLookupService users = state.getFileSystem().getUserPrincipalLookupService();
            Files.getFileAttributeView(state, PosixFileAttributeView.class).setOwner(users.lookupPrincipalByName(USER));
            Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path ctrl = state.resolve("ctrl.sock");
            int port = freePort();
            Process tpm = new ProcessBuilder("runuser", "-u", USER, "--", bin.resolve("swtpm").toString(), "socket",
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=unixio,path=" + ctrl + ",mode=0600",
                    "--tpmstate", "dir=" + state + ",mode=0600",
                    "--log", "file=" + state.resolve("swtpm.log") + ",level=20",
                    "--flags", "not-need-init,startup-clear", "--tpm2")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
            try {
                while (!Files.exists(ctrl)) { // jtpm's socket file appears once it listens
                    assertThat(tpm.isAlive()).as("swtpm launcher as %s: %s", USER, Files.readString(dir.resolve("out.txt"))).isTrue();
                    Thread.sleep(10);
                }
                Run flags = asUser(bin.resolve("swtpm_ioctl").toString(), "--unix", ctrl.toString(), "-c");
                assertThat(flags.exit).as(flags.out).isZero();
                assertThat(flags.out).contains("ptm capability is 0x");

                byte[] random = getRandom(port, 16);
                assertThat(random).hasSize(16);

                Run shutdown = asUser(bin.resolve("swtpm_ioctl").toString(), "--unix", ctrl.toString(), "-s");
                assertThat(shutdown.exit).as(shutdown.out).isZero();
                assertThat(tpm.waitFor(60, TimeUnit.SECONDS)).as("jtpm exits after CMD_SHUTDOWN").isTrue();
                assertThat(tpm.exitValue()).isZero();
            } finally {
                tpm.destroyForcibly();
            }
            List<Path> written;
            try (var files = Files.list(state)) {
                written = files.filter(p -> p.getFileName().toString().startsWith("tpm2-")).toList();
            }
            assertThat(written).as("state files").isNotEmpty();
            for (Path p : written) assertThat(Files.getOwner(p).getName()).as(p.toString()).isEqualTo(USER);
        } finally {
            VmHost.delete(dir);
        }
    }

    record Run(int exit, String out) {}

    private static Run asUser(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** TPM2_GetRandom over the raw data channel. */
    private static byte[] getRandom(int port, int n) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(GuestTpm.getRandom(n));
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[10];
            in.readFully(header);
            byte[] rest = new byte[GuestTpm.u32At(header, 2) - 10];
            in.readFully(rest);
            return GuestTpm.randomBytes(GuestTpm.cat(header, rest));
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
