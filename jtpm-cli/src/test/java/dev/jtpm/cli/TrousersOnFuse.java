package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The TrouSerS tests' harness: {@code jtpm cuse --fuse-mount} without {@code --tpm2} serving a TPM 1.2 state as a device
 * file, and a script run against it in a private mount namespace ({@code unshare -m}; the script sources
 * {@code tpm12_tcsd_env.sh}, which binds the file over /dev/tpm0 and starts TrouSerS' tcsd). Needs root, /dev/fuse and
 * the Debian packages trousers and tpm-tools; without them a test is skipped with a notice (a failure when CI=true).
 */
final class TrousersOnFuse {
    private TrousersOnFuse() {}

    /** Skips (or, with CI=true, fails) the calling test unless this machine can run TrouSerS on a FUSE device. */
    static void requireStack(String test) {
        require(Files.isExecutable(Path.of("/usr/sbin/tcsd")) && Files.isExecutable(Path.of("/usr/sbin/tpm_version"))
                && Files.isExecutable(Path.of("/usr/sbin/tpm_nvinfo")), test, "the Debian packages trousers and tpm-tools are not installed");
        require(Files.exists(Path.of("/dev/fuse")), test, "/dev/fuse is missing");
        require("root".equals(System.getProperty("user.name")), test, "not root (unshare -m)");
    }

    private static void require(boolean ok, String test, String what) {
        if (ok) return;
        String msg = test + " skipped: " + what;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg + " — and CI=true requires it");
        System.err.println("NOTICE: " + msg);
        Assumptions.abort(msg);
    }

    /**
     * Serves {@code state} with {@code jtpm cuse} (its log in {@code dir}/jtpm.log), runs the test resource {@code script}
     * with the device file and {@code dir} as arguments, and answers what the script printed once it ended.
     */
    static String run(Path dir, Path state, String script) throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of("cuse", "-n", "tpm0", "--fuse-mount", mnt.toString(), "--tpmstate", "dir=" + state, "--flags",
                "not-need-init,startup-clear"));
        Process jtpm = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("jtpm.log").toFile()).start();
        try {
            Path device = mnt.resolve("tpm0");
            for (int i = 0; i < 600 && !Files.exists(device) && jtpm.isAlive(); i++) Thread.sleep(50);
            if (!Files.exists(device)) {
                String log = Files.readString(dir.resolve("jtpm.log"));
                require(!log.contains("mount"), "TrouSerS test", "FUSE mounts are not permitted here: " + log.strip());
            }
            assertThat(device).exists();
            Process p = new ProcessBuilder("unshare", "-m", "bash", resource(script).toString(), device.toString(), dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            jtpm.destroy();
            if (!jtpm.waitFor(10, TimeUnit.SECONDS)) jtpm.destroyForcibly();
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TrousersOnFuse.class.getResource("/" + name).toURI());
    }
}
