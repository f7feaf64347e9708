package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.Setup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    @Test
    void tpmTools_readTheCertificatesJtpmSetupWrote() throws Exception {
        TrousersOnFuse.requireStack("Setup12TrousersTest");
        Path state = Files.createDirectories(dir.resolve("state")), ca = Files.createDirectories(dir.resolve("ca"));
        LocalCa.open(ca);
        var out = new ByteArrayOutputStream();
        int rc = Setup.run(List.of("--tpm-state", state.toString(), "--take-ownership", "--create-ek-cert", "--create-platform-cert",
                "--lock-nvram", "--localca-dir", ca.toString()), Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", "/nonexistent"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(rc).as(out.toString(StandardCharsets.UTF_8)).isZero();
        String text = TrousersOnFuse.run(dir, state, "tpm12_setup_trousers.sh");
        assertThat(text).as(text).contains("DONE", "STEP nvinfo rc=0", "NVRAM index   : 0x1000f000", "NVRAM index   : 0x1000f002",
                "Permissions   : 0x00020002 (OWNERREAD|OWNERWRITE)", "STEP nvread_ekcert rc=0",
                "EKCERT PARSED").doesNotContain("STEP nvread_noauth rc=0", "STEP takeownership_again rc=0");
    }
}
