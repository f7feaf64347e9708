package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's TPM 1.2 walk-through with the real stack: {@code jtpm cuse --fuse-mount} without {@code --tpm2} serves
 * a TPM 1.2 device file, bound over /dev/tpm0 in a private mount namespace, and Debian's TrouSerS {@code tcsd} and
 * {@code tpm-tools} run against it: tpm_version, tpm_createek, tpm_takeownership -y -z, tpm_getpubek -z,
 * tpm_sealdata/tpm_unsealdata (also bound to PCRs 0 and 7), tpm_nvdefine/tpm_nvwrite/tpm_nvread/tpm_nvinfo (owner and
 * area passwords), tpm_setenable/tpm_setactive. Needs root
 * (unshare -m), /dev/fuse and the Debian packages trousers and tpm-tools; skipped with a notice without them (a failure
 * when CI=true).
 */
class Tpm12TrousersTest {
    @TempDir Path dir;

    @Test
    void tcsdAndTpmTools_takeOwnershipOfTheTpm12() throws Exception {
        TrousersOnFuse.requireStack("Tpm12TrousersTest");
        Path state = Files.createDirectories(dir.resolve("state"));
        String out = TrousersOnFuse.run(dir, state, "tpm12_trousers.sh");
        assertThat(out).as(out).contains("DONE", "STEP version rc=0", "STEP createek rc=0", "STEP takeownership rc=0",
                "STEP getpubek rc=0", "Chip Version:        1.2.18.158", "TPM Vendor ID:       IBM",
                "Key Size:          2048 bits");
        assertThat(out).as("a second owner is refused").doesNotContain("STEP takeownership_again rc=0");
        assertThat(out).as(out).contains("STEP sealdata rc=0", "STEP unsealdata rc=0", "UNSEALED SAME",
                "STEP sealdata_pcr rc=0", "STEP unsealdata_pcr rc=0");
        assertThat(out).as(out).contains("STEP nvdefine rc=0", "STEP nvwrite rc=0", "STEP nvread rc=0",
                "hello from a TPM", "STEP nvdefine_auth rc=0", "STEP nvwrite_auth rc=0", "STEP nvread_auth rc=0",
                "area secret ok", "STEP nvinfo rc=0", "(AUTHREAD|AUTHWRITE)", "STEP setenable_status rc=0",
                "Disabled status: false", "STEP setenable rc=0", "STEP setactive_status rc=0",
                "Volatile Deactivated Status: false");
        assertThat(out).as("a wrong area password").doesNotContain("STEP nvread_auth_wrong rc=0");
        assertThat(state.resolve("tpm-00.permall")).as("swtpm's TPM 1.2 file name").exists();
    }
}
