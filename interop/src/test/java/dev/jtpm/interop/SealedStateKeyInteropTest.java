package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EVE's per-VM vTPM pattern: the vTPM's state key sealed by the device TPM (here a real swtpm) to its PCRs
 * ({@code jtpm seal-key}), unsealed when {@code jtpm socket --key sealed=FILE,…,tcti=…} starts. The vTPM starts while
 * the device's PCRs are as they were, its state is unreadable without the key, and after a PCR extend it refuses
 * with one clear line and leaves every state file as it was.
 */
class SealedStateKeyInteropTest {

    @TempDir Path dir;

    @Test
    void sealedKey_startsWithRightPcrs_refusesAfterExtend_filesUntouched() throws Exception {
        Tools.require("swtpm");
        Tools.require("tpm2_pcrextend");
        try (SwtpmReference device = new SwtpmReference()) {
            Path sealed = dir.resolve("vtpm-key.sealed");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream saved = System.out;
            int rc;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                rc = dev.jtpm.cli.Main.execute("seal-key", "--tcti", device.tcti(), "--pcrs", "sha256:0,7", "--out", sealed.toString());
            } finally {
                System.setOut(saved);
            }
            assertThat(rc).as(out.toString()).isZero();
            assertThat(out.toString()).startsWith("sealed a 256-bit state key to sha256:0,7");
            assertThat(Files.readAllBytes(sealed)).startsWith("JTPMSEAL".getBytes(StandardCharsets.US_ASCII));

            Path state = Files.createDirectories(dir.resolve("vtpm"));
            String key = "sealed=" + sealed + ",mode=aes-256-cbc,tcti=" + device.tcti();
            try (var s = new StateEncryptionServerTest.Server(state, "--key", key, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).as(s.errors()).isTrue();
                StateEncryptionSwtpmTest.makePersistentKey(s.tcti());
            }
            Map<String, String> files = StateEncryptionServerTest.digests(state);
            assertThat(files).containsKey("tpm2-00.permall");

            // without the key: the state is encrypted
            try (var s = new StateEncryptionServerTest.Server(state, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).isFalse();
                assertThat(s.errors()).contains("state is encrypted but no key was given");
            }
            // the device's PCRs as sealed: starts, the vTPM's key is there
            try (var s = new StateEncryptionServerTest.Server(state, "--key", key, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).as(s.errors()).isTrue();
                assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
            }
            files = StateEncryptionServerTest.digests(state);

            // the device's PCR 7 changes (another boot path): the key stays sealed
            Tools.tpm2(device.tcti(), "tpm2_pcrextend", "7:sha256=" + "ab".repeat(32)).ok();
            try (var s = new StateEncryptionServerTest.Server(state, "--key", key, "--flags", "not-need-init,startup-clear")) {
                assertThat(s.started()).isFalse();
                assertThat(s.exit.join()).isEqualTo(1);
                assertThat(s.errors().lines().toList()).hasSize(1);
                assertThat(s.errors()).startsWith("jtpm socket: --key: the state key in " + sealed + " cannot be unsealed: "
                        + "the TPM's PCRs differ from those the key was sealed to");
            }
            assertThat(StateEncryptionServerTest.digests(state)).as("files untouched").isEqualTo(files);
            // a PCR not in the selection does not matter
            Tools.tpm2(device.tcti(), "tpm2_pcrextend", "16:sha256=" + "cd".repeat(32)).ok();
        }
    }
}
