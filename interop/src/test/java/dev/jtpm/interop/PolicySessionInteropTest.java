package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Policy sessions as tpm2-tools builds and satisfies them: a secret sealed to a PCR policy unseals with the
 * right PCR values and not after a PCR_Extend; a PolicyOR of two PCR states; PolicyCommandCode with
 * PolicyAuthValue and with PolicyPassword; PolicyLocality. Each policy digest is built in a trial session
 * on jtpm, and the object's authPolicy is the file the tools wrote.
 */
class PolicySessionInteropTest {
    private Path dir;
    private String t;

    private String f(String name) { return dir.resolve(name).toString(); }

    private void flushTransient() { Tools.tpm2(t, "tpm2_flushcontext", "-t").ok(); }

    /** A sealed object under a fresh primary, with the given authPolicy file and optional password. */
    private void seal(String policy, String secret, String... extra) throws Exception {
        Files.writeString(dir.resolve("secret.txt"), secret);
        Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-c", f("prim.ctx")).ok();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("tpm2_create", "-C", f("prim.ctx"),
                "-L", policy, "-i", f("secret.txt"), "-u", f("seal.pub"), "-r", f("seal.priv")));
        args.addAll(java.util.List.of(extra));
        Tools.tpm2(t, args.toArray(String[]::new)).ok();
        flushTransient();
        Tools.tpm2(t, "tpm2_load", "-C", f("prim.ctx"), "-u", f("seal.pub"), "-r", f("seal.priv"), "-c", f("seal.ctx")).ok();
        flushTransient();
    }

    @Test
    void sealedToPcrPolicy_unsealsWithTheRightPcrs_andNotAfterAnExtend() throws Exception {
        dir = Files.createTempDirectory("jtpm-policy");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("trial.ctx"), "-l", "sha256:7,16", "-L", f("pcr.policy")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            seal(f("pcr.policy"), "sealed to PCRs 7 and 16");

            Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:7,16").ok();
            assertThat(Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).ok().out())
                    .isEqualTo("sealed to PCRs 7 and 16");
            flushTransient();
            // the policy session started a fresh policy after the Unseal: without PolicyPCR again it fails
            assertThat(Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).exit()).isNotZero();
            flushTransient();
            // PolicyPCR then PCR_Extend in between: TPM_RC_PCR_CHANGED
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:7,16").ok();
            Tools.tpm2(t, "tpm2_pcrextend", "7:sha256=" + "11".repeat(32)).ok();     // PCR 7 counts (16 and 23 do not)
            Tools.Run r = Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx"));
            assertThat(r.outcome()).isEqualTo("0x128");
            flushTransient();
            // with the PCRs as they are now, the policy digest differs: TPM_RC_POLICY_FAIL
            Tools.tpm2(t, "tpm2_policyrestart", "-S", f("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:7,16").ok();
            r = Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx"));
            assertThat(r.outcome()).isEqualTo("0x99d");     // TPM_RC_POLICY_FAIL, session 1
            Tools.tpm2(t, "tpm2_flushcontext", f("ps.ctx")).ok();
        }
    }

    @Test
    void policyOr_ofTwoPcrStates_unsealsInEither() throws Exception {
        dir = Files.createTempDirectory("jtpm-policy");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("trial.ctx"), "-l", "sha256:16", "-L", f("a.policy")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_pcrextend", "16:sha256=" + "22".repeat(32)).ok();
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("trial.ctx"), "-l", "sha256:16", "-L", f("b.policy")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policyor", "-S", f("trial.ctx"), "-l", "sha256:" + f("a.policy") + "," + f("b.policy"),
                    "-L", f("or.policy")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            seal(f("or.policy"), "either state");
            // now in state B
            Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:16").ok();
            Tools.tpm2(t, "tpm2_policyor", "-S", f("ps.ctx"), "-l", "sha256:" + f("a.policy") + "," + f("b.policy")).ok();
            assertThat(Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).ok().out())
                    .isEqualTo("either state");
            // a third state is in neither branch: PolicyOR refuses (TPM_RC_VALUE)
            Tools.tpm2(t, "tpm2_pcrextend", "16:sha256=" + "33".repeat(32)).ok();
            Tools.tpm2(t, "tpm2_policypcr", "-S", f("ps.ctx"), "-l", "sha256:16").ok();
            assertThat(Tools.tpm2(t, "tpm2_policyor", "-S", f("ps.ctx"), "-l", "sha256:" + f("a.policy") + ","
                    + f("b.policy")).exit()).isNotZero();
            Tools.tpm2(t, "tpm2_flushcontext", f("ps.ctx")).ok();
        }
    }

    @Test
    void policyAuthValueAndPassword_withCommandCode_needTheObjectsAuth() throws Exception {
        dir = Files.createTempDirectory("jtpm-policy");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            for (String kind : new String[] {"tpm2_policyauthvalue", "tpm2_policypassword"}) {
                Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
                Tools.tpm2(t, "tpm2_policycommandcode", "-S", f("trial.ctx"), "TPM2_CC_Unseal").ok();
                Tools.tpm2(t, kind, "-S", f("trial.ctx"), "-L", f("p.policy")).ok();
                Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
                seal(f("p.policy"), "needs " + kind, "-p", "objpass");
                Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
                Tools.tpm2(t, "tpm2_policycommandcode", "-S", f("ps.ctx"), "TPM2_CC_Unseal").ok();
                Tools.tpm2(t, kind, "-S", f("ps.ctx")).ok();
                assertThat(Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx") + "+wrong").exit())
                        .isNotZero();
                flushTransient();
                // a failed authorization leaves the policy as it was: the right authValue now succeeds
                assertThat(Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx") + "+objpass")
                        .ok().out()).isEqualTo("needs " + kind);
                Tools.tpm2(t, "tpm2_flushcontext", f("ps.ctx")).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            }
        }
    }

    @Test
    void policyLocality_authorizesOnlyFromThatLocality() throws Exception {
        dir = Files.createTempDirectory("jtpm-policy");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            Tools.tpm2(t, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(t, "tpm2_policylocality", "-S", f("trial.ctx"), "-L", f("l.policy"), "three").ok();
            Tools.tpm2(t, "tpm2_flushcontext", f("trial.ctx")).ok();
            seal(f("l.policy"), "locality three");
            Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_policylocality", "-S", f("ps.ctx"), "three").ok();
            // tpm2-tools talk at locality 0: TPM_RC_LOCALITY
            Tools.Run r = Tools.tpm2(t, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx"));
            assertThat(r.outcome()).isEqualTo("0x907");
            Tools.tpm2(t, "tpm2_flushcontext", f("ps.ctx")).ok();
        }
    }
}
