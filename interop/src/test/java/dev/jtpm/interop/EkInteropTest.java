package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * tpm2_createek with the TCG EK Credential Profile templates (RSA 2048 L-1, ECC P-256 L-2): the
 * template's attributes and PolicyA, the same EK from the same endorsement seed, a new one after
 * TPM2_ChangeEPS, and a public key openssl can read.
 */
class EkInteropTest {
    private static final String POLICY_A = "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa";

    private static String field(String yaml, String key) {
        int at = yaml.indexOf(key);
        return yaml.substring(at + key.length(), yaml.indexOf('\n', at)).trim();
    }

    @Test
    void createEk_rsaAndEcc_haveTheProfileTemplate_andAreDeterministicUntilChangeEps() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ek");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            String names[] = new String[2];
            for (String[] alg : new String[][] {{"rsa", "rsa"}, {"ecc", "ecc"}}) {
                String ctx = dir.resolve(alg[0] + ".ctx").toString();
                Tools.tpm2(t, "tpm2_createek", "-G", alg[0], "-c", ctx).ok();
                String pub = Tools.tpm2(t, "tpm2_readpublic", "-c", ctx).ok().out();
                assertThat(field(pub, "raw: 0x3")).isEqualTo("00b2");        // attributes raw: 0x300b2
                assertThat(pub).contains("fixedtpm|fixedparent|sensitivedataorigin|adminwithpolicy|restricted|decrypt");
                assertThat(field(pub, "authorization policy:")).isEqualTo(POLICY_A);
                String pem = dir.resolve(alg[0] + ".pem").toString();
                Tools.tpm2(t, "tpm2_readpublic", "-c", ctx, "-f", "pem", "-o", pem).ok();
                assertThat(Tools.run(java.util.Map.of(), null, "openssl", "pkey", "-pubin", "-in", pem, "-noout", "-text")
                        .ok().out()).containsIgnoringCase(alg[0].equals("rsa") ? "2048 bit" : "NIST CURVE: P-256");
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            }
            String ctx = dir.resolve("again.ctx").toString();
            Tools.tpm2(t, "tpm2_createek", "-G", "ecc", "-c", ctx).ok();
            names[0] = field(Tools.tpm2(t, "tpm2_readpublic", "-c", ctx).ok().out(), "name:");
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_createek", "-G", "ecc", "-c", ctx).ok();
            assertThat(field(Tools.tpm2(t, "tpm2_readpublic", "-c", ctx).ok().out(), "name:")).isEqualTo(names[0]);
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_changeeps").ok();
            Tools.tpm2(t, "tpm2_createek", "-G", "ecc", "-c", ctx).ok();
            names[1] = field(Tools.tpm2(t, "tpm2_readpublic", "-c", ctx).ok().out(), "name:");
            assertThat(names[1]).isNotEqualTo(names[0]);
        }
    }
}
