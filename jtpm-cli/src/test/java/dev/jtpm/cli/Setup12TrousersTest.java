package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.Setup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TrouSerS on a TPM 1.2 that {@code jtpm setup} (without {@code --tpm2}) manufactured: {@code jtpm cuse} serves the
 * state as in {@link Tpm12TrousersTest}, and tpm-tools' {@code tpm_nvinfo} lists the EK and platform certificate
 * indices (0x1000f000, 0x1000f002), {@code tpm_nvread} refuses the EK certificate without the owner password (nvLocked,
 * OWNERREAD) and reads it with swtpm_setup's default owner password "ooo" (TrouSerS' SHA-1 of it is the secret jtpm setup
 * set), openssl parses it behind its TCG header, and a second owner is refused. Needs what Tpm12TrousersTest needs.
 */
class Setup12TrousersTest {
    @TempDir
    Path dir;

    private static void require(boolean ok, String what) {
        if (ok) return;
        String msg = "Setup12TrousersTest skipped: " + what;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg + " — and CI=true requires it");
        System.err.println(msg);
        Assumptions.abort(msg);
    }

    @Test
    void tpmTools_readTheCertificatesJtpmSetupWrote() throws Exception {
        require(Files.isExecutable(Path.of("/usr/sbin/tcsd")) && Files.isExecutable(Path.of("/usr/sbin/tpm_nvinfo")),
                "the Debian packages trousers and tpm-tools are not installed");
        require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        require("root".equals(System.getProperty("user.name")), "not root (unshare -m)");
        Path state = Files.createDirectories(dir.resolve("state")), ca = Files.createDirectories(dir.resolve("ca"));
        LocalCa.open(ca);
        var out = new ByteArrayOutputStream();
        int rc = Setup.run(List.of("--tpm-state", state.toString(), "--take-ownership", "--create-ek-cert", "--create-platform-cert",
                "--lock-nvram", "--localca-dir", ca.toString()), Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", "/nonexistent"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(rc).as(out.toString(StandardCharsets.UTF_8)).isZero();
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
                require(!log.contains("mount"), "FUSE mounts are not permitted here: " + log.strip());
            }
            assertThat(device).exists();
            Path script = Path.of(getClass().getResource("/tpm12_setup_trousers.sh").toURI());
            Process p = new ProcessBuilder("unshare", "-m", "bash", script.toString(), device.toString(), dir.toString())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(text).as(text).contains("DONE", "STEP nvinfo rc=0", "NVRAM index   : 0x1000f000", "NVRAM index   : 0x1000f002",
                    "Permissions   : 0x00020002 (OWNERREAD|OWNERWRITE)", "STEP nvread_ekcert rc=0",
                    "EKCERT PARSED").doesNotContain("STEP nvread_noauth rc=0", "STEP takeownership_again rc=0");
        } finally {
            jtpm.destroy();
            if (!jtpm.waitFor(10, TimeUnit.SECONDS)) jtpm.destroyForcibly();
        }
    }
}
