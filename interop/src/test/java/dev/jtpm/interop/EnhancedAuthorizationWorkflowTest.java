package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole workflows that need PolicySecret, PolicyAuthorize and audit sessions, driven by tpm2-tools and checked
 * by openssl: an attestation key under the endorsement key (`tpm2_createak` satisfies the EK's PolicySecret on
 * the endorsement hierarchy), RSA and ECC, whose signatures openssl verifies; a secret sealed to "whatever
 * policy the owner of an openssl key signs", unsealed once openssl signed a PCR policy; an audit session whose
 * digest `tpm2_getsessionauditdigest` signs.
 */
class EnhancedAuthorizationWorkflowTest {
    private Path dir;
    private String t;

    private String f(String name) { return dir.resolve(name).toString(); }

    private static Tools.Run openssl(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(Map.of(), null, cmd);
    }

    @Test
    void createAkUnderCreateEk_rsaAndEcc_signaturesVerifyInOpenssl() throws Exception {
        dir = Files.createTempDirectory("jtpm-ek-ak");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            Files.writeString(dir.resolve("msg"), "attested message");
            for (String alg : new String[] {"rsa", "ecc"}) {
                String scheme = alg.equals("rsa") ? "rsassa" : "ecdsa";
                Tools.tpm2(t, "tpm2_createek", "-c", f("ek.ctx"), "-G", alg, "-u", f("ek.pub")).ok();
                Tools.tpm2(t, "tpm2_createak", "-C", f("ek.ctx"), "-c", f("ak.ctx"), "-G", alg, "-g", "sha256", "-s", scheme,
                        "-u", f("ak.pub"), "-f", "pem", "-n", f("ak.name"), "-r", f("ak.priv")).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                // the AK is restricted: sign the hash of a message the TPM hashed itself (a hash-check ticket)
                Tools.tpm2(t, "tpm2_sign", "-c", f("ak.ctx"), "-g", "sha256", "-f", "plain", "-o", f("sig"), f("msg")).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                openssl("dgst", "-sha256", "-verify", f("ak.pub"), "-signature", f("sig"), f("msg")).ok();
                // a wrong endorsement password fails the EK's PolicySecret: no AK
                Tools.tpm2(t, "tpm2_changeauth", "-c", "e", "endorse").ok();
                assertThat(Tools.tpm2(t, "tpm2_createak", "-C", f("ek.ctx"), "-c", f("ak2.ctx"), "-G", alg, "-P", "wrong",
                        "-u", f("ak2.pub"), "-n", f("ak2.name"), "-r", f("ak2.priv")).exit()).isNotZero();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                Tools.tpm2(t, "tpm2_createak", "-C", f("ek.ctx"), "-c", f("ak2.ctx"), "-G", alg, "-P", "endorse",
                        "-u", f("ak2.pub"), "-n", f("ak2.name"), "-r", f("ak2.priv")).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                Tools.tpm2(t, "tpm2_changeauth", "-c", "e", "-p", "endorse").ok();
            }
        }
    }

    @Test
    void policyAuthorize_withAPolicySignedByOpenssl_unsealsAfterTheSignature() throws Exception {
        dir = Files.createTempDirectory("jtpm-authorize");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            openssl("genrsa", "-out", f("signer.pem"), "2048").ok();
            openssl("rsa", "-in", f("signer.pem"), "-pubout", "-out", f("signer.pub.pem")).ok();
            Tools.tpm2(t, "tpm2_loadexternal", "-G", "rsa", "-C", "o", "-u", f("signer.pub.pem"), "-c", f("signer.ctx"),
                    "-n", f("signer.name")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();      // each tool loads its context files anew
            // the object's policy: "any policy the signer approves"
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policyauthorize", "-S", f("trial.ctx"), "-L", f("authorized.policy"), "-n", f("signer.name")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            Files.writeString(dir.resolve("secret"), "released by a signed policy");
            Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-c", f("prim.ctx")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_create", "-C", f("prim.ctx"), "-L", f("authorized.policy"), "-i", f("secret"),
                    "-u", f("seal.pub"), "-r", f("seal.priv"), "-c", f("seal.ctx")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            // the approved policy: PCR 16 as it is now
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("trial.ctx"), "-l", "sha256:16", "-L", f("pcr.policy")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            // without the signature there is no ticket: PolicyAuthorize refuses an empty one
            Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:16").ok();
            // openssl signs H(approvedPolicy || policyRef) with policyRef empty: the SHA-256 of the file
            openssl("dgst", "-sha256", "-sign", f("signer.pem"), "-out", f("pcr.sig"), f("pcr.policy")).ok();
            Tools.tpm2(t, "tpm2_verifysignature", "-c", f("signer.ctx"), "-g", "sha256", "-m", f("pcr.policy"),
                    "-s", f("pcr.sig"), "-f", "rsassa", "-t", f("verified.tkt")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_policyauthorize", "-S", f("ps.ctx"), "-i", f("pcr.policy"), "-n", f("signer.name"),
                    "-t", f("verified.tkt")).ok();
            assertThat(Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).ok().out())
                    .isEqualTo("released by a signed policy");
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            // a policy the signer did not sign (PCR 16 after an extend) is not approved
            Tools.tpm2(t, "tpm2_pcrextend", "16:sha256=" + "44".repeat(32)).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:16", "-L", f("pcr2.policy")).ok();
            assertThat(Tools.tpm2(t, "tpm2_policyauthorize", "-S", f("ps.ctx"), "-i", f("pcr2.policy"), "-n",
                    f("signer.name"), "-t", f("verified.tkt")).exit()).isNotZero();
            Tools.tpm2(t, "tpm2_flushcontext", f("ps.ctx")).ok();
        }
    }

    @Test
    void auditSession_digestIsSignedByGetSessionAuditDigest_andChecksOutInOpenssl() throws Exception {
        dir = Files.createTempDirectory("jtpm-audit-session");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            Tools.tpm2(t, "tpm2_createprimary", "-C", "e", "-G", "ecc", "-c", f("signer.ctx"), "-a",
                    "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign").ok();
            Tools.tpm2(t, "tpm2_readpublic", "-c", f("signer.ctx"), "-f", "pem", "-o", f("signer.pem")).ok();
            Tools.tpm2(t, "tpm2_startauthsession", "--audit-session", "-S", f("audit.ctx")).ok();
            Tools.tpm2(t, "tpm2_getrandom", "8", "-S", f("audit.ctx"), "-o", f("rand1")).ok();
            Tools.tpm2(t, "tpm2_getrandom", "8", "-S", f("audit.ctx"), "-o", f("rand2")).ok();
            Tools.tpm2(t, "tpm2_getsessionauditdigest", "-S", f("audit.ctx"), "-c", f("signer.ctx"), "-g", "sha256",
                    "-m", f("attest"), "-s", f("sig"), "-f", "plain").ok();
            openssl("dgst", "-sha256", "-verify", f("signer.pem"), "-signature", f("sig"), f("attest")).ok();
            byte[] attest = Files.readAllBytes(dir.resolve("attest"));
            // TPM_GENERATED_VALUE and TPM_ST_ATTEST_SESSION_AUDIT
            assertThat(attest).startsWith(0xFF, 'T', 'C', 'G', 0x80, 0x16);
            Tools.tpm2(t, "tpm2_flushcontext", f("audit.ctx")).ok();
        }
    }
}
