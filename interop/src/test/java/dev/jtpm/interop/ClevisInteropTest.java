package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Disk-encryption tooling as people use it: Debian's clevis with its tpm2 pin (`clevis encrypt tpm2`, which drives
 * tpm2-tools: a primary, a sealed JWK under a PolicyPCR policy) binds a secret to PCR 7 of jtpm; `clevis decrypt`
 * releases it while PCR 7 is unchanged and refuses after a PCR_Extend.
 */
class ClevisInteropTest {
    @Test
    void clevisTpm2Pin_sealsToPcr7_andReleasesOnlyWhilePcr7IsUnchanged() {
        Tools.require("clevis");
        Tools.require("clevis-encrypt-tpm2");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            Map<String, String> env = Map.of("TPM2TOOLS_TCTI", s.tcti(), "TSS2_LOG", "all+NONE");
            byte[] secret = "a LUKS passphrase, say".getBytes(StandardCharsets.UTF_8);
            Tools.Run enc = Tools.run(env, secret, "clevis", "encrypt", "tpm2", "{\"pcr_bank\":\"sha256\",\"pcr_ids\":\"7\"}").ok();
            byte[] jwe = enc.out().getBytes(StandardCharsets.UTF_8);
            assertThat(Tools.run(env, jwe, "clevis", "decrypt").ok().out()).isEqualTo(new String(secret, StandardCharsets.UTF_8));
            Tools.tpm2(s.tcti(), "tpm2_pcrextend", "7:sha256=" + "ab".repeat(32)).ok();
            assertThat(Tools.run(env, jwe, "clevis", "decrypt").exit()).isNotZero();
        }
    }
}
