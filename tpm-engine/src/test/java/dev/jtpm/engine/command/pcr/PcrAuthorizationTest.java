package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.session.AuthValues;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.Clear;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrSetAuthPolicy;
import dev.jtpm.types.command.PcrSetAuthValue;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_PCR_SetAuthValue and TPM2_PCR_SetAuthPolicy (Part 3, 22.7 and 22.8): the PC Client groups (PCRs
 * 20..22), the lifetimes (authValue state-clear, policy persistent) and every response code of the handlers.
 */
class PcrAuthorizationTest {
    private static final Bytes SECRET = Bytes.wrap("pcr-secret".getBytes(StandardCharsets.US_ASCII));
    private static final Bytes POLICY = hash(TpmAlg.SHA256, "some policy".getBytes(StandardCharsets.US_ASCII));

    /** PCR_Event on {@code pcr} at locality 2 (which may extend PCRs 20..22) with a password. */
    private static TpmRc event(TestTpm t, int pcr, Bytes password) {
        t.locality = 2;
        try {
            return t.run(new PcrEvent(pcr, Bytes.of((byte) 1)), List.of(password)).rc();
        } finally {
            t.locality = 0;
        }
    }

    private static void powerCycle(TestTpm t, int shutdown, int startup) {
        if (shutdown >= 0) t.run(new Shutdown(shutdown)).orThrow();
        t.tpm.powerOff();
        assertThat(t.tpm.init()).isTrue();
        t.run(new Startup(startup)).orThrow();
    }

    // ---------------------------------------------------------------- SetAuthValue

    @Test
    void setAuthValue_groupOf20To22_needsTheNewPassword_otherPcrsDoNot() {
        TestTpm t = TestTpm.started();
        t.run(new PcrSetAuthValue(20, Secret.of(SECRET))).orThrow();
        for (int pcr = 20; pcr <= 22; pcr++) {
            assertThat(event(t, pcr, Bytes.EMPTY)).as("PCR %d", pcr).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
            assertThat(event(t, pcr, SECRET)).as("PCR %d", pcr).isEqualTo(TpmRc.SUCCESS);
            assertThat(AuthValues.of(t.state(), pcr)).isEqualTo(Secret.of(SECRET));
        }
        assertThat(event(t, 16, Bytes.EMPTY)).isEqualTo(TpmRc.SUCCESS);
        assertThat(AuthValues.of(t.state(), 16)).isEqualTo(Secret.EMPTY);
        // the new authValue authorizes the next change (PCRs are exempt from dictionary-attack lockout)
        assertThat(t.run(new PcrSetAuthValue(21, Secret.EMPTY), List.of(SECRET)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(event(t, 20, Bytes.EMPTY)).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void setAuthValue_removesTrailingZeros() {
        TestTpm t = TestTpm.started();
        t.run(new PcrSetAuthValue(22, Secret.of(new byte[] {'a', 'b', 0, 0}))).orThrow();
        assertThat(AuthValues.of(t.state(), 22)).isEqualTo(Secret.of(new byte[] {'a', 'b'}));
        assertThat(event(t, 22, Bytes.wrap(new byte[] {'a', 'b'}))).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void setAuthValue_pcrOutsideTheGroup_isValueWithoutIndex() {
        TestTpm t = TestTpm.started();
        for (int pcr : new int[] {0, 16, 19, 23}) {
            assertThat(t.run(new PcrSetAuthValue(pcr, Secret.of(SECRET))).rc()).as("PCR %d", pcr).isEqualTo(TpmRc.VALUE);
        }
    }

    @Test
    void setAuthValue_handleNotAPcr_isValueOnHandle1() {
        TestTpm t = TestTpm.started();
        // PCR_SetAuthValue(0x18 = PCR 24), password session, auth = empty TPM2B
        byte[] r = t.raw(command(true, "00000183 00000018" + PASSWORD_SESSION + "0000"));
        assertThat(rcOf(r)).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void setAuthValue_authLongerThanADigest_isSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        byte[] r = t.raw(command(true, "00000183 00000014" + PASSWORD_SESSION + "0041" + "00".repeat(65)));
        assertThat(rcOf(r)).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void authValue_isStateClear_keptByResume_clearedByRestartResetAndClear() {
        TestTpm t = TestTpm.started();
        t.run(new PcrSetAuthValue(20, Secret.of(SECRET))).orThrow();
        powerCycle(t, TpmSu.STATE, TpmSu.STATE);                   // Resume
        assertThat(AuthValues.of(t.state(), 20)).isEqualTo(Secret.of(SECRET));
        powerCycle(t, TpmSu.STATE, TpmSu.CLEAR);                   // Restart
        assertThat(AuthValues.of(t.state(), 20)).isEqualTo(Secret.EMPTY);
        t.run(new PcrSetAuthValue(20, Secret.of(SECRET))).orThrow();
        powerCycle(t, -1, TpmSu.CLEAR);                            // TPM Reset after a power cut
        assertThat(AuthValues.of(t.state(), 20)).isEqualTo(Secret.EMPTY);
        t.run(new PcrSetAuthValue(20, Secret.of(SECRET))).orThrow();
        t.run(new Clear(TpmRh.PLATFORM)).orThrow();
        assertThat(AuthValues.of(t.state(), 20)).isEqualTo(Secret.EMPTY);
    }

    @Test
    void authValue_survivesTheVolatileBlob() {
        TestTpm t = TestTpm.started();
        t.run(new PcrSetAuthValue(20, Secret.of(SECRET))).orThrow();
        byte[] blob = dev.jtpm.engine.state.VolatileState.serialize(t.state());
        TestTpm other = new TestTpm();
        other.state().persistent = t.state().persistent;
        dev.jtpm.engine.state.VolatileState.restore(other.state(), blob);
        assertThat(AuthValues.of(other.state(), 21)).isEqualTo(Secret.of(SECRET));
    }

    // ---------------------------------------------------------------- SetAuthPolicy

    @Test
    void setAuthPolicy_setsTheGroupPolicy_persistently() {
        TestTpm t = TestTpm.started();
        t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.SHA256, 21)).orThrow();
        for (int pcr = 20; pcr <= 22; pcr++) {
            assertThat(AuthValues.policyOf(t.state(), pcr)).isEqualTo(POLICY);
            assertThat(AuthValues.policyAlgOf(t.state(), pcr)).isEqualTo(TpmAlg.SHA256);
        }
        assertThat(AuthValues.policyOf(t.state(), 16)).isEqualTo(Bytes.EMPTY);
        assertThat(AuthValues.policyAlgOf(t.state(), 16)).isEqualTo(TpmAlg.NULL);
        powerCycle(t, -1, TpmSu.CLEAR);                            // no Shutdown: the policy is already in NV
        assertThat(AuthValues.policyOf(t.state(), 20)).isEqualTo(POLICY);
        t.run(new Clear(TpmRh.PLATFORM)).orThrow();                // TPM2_Clear leaves PCR policies alone
        assertThat(AuthValues.policyOf(t.state(), 22)).isEqualTo(POLICY);
        t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, Bytes.EMPTY, TpmAlg.NULL, 20)).orThrow();
        assertThat(AuthValues.policyOf(t.state(), 22)).isEqualTo(Bytes.EMPTY);
        assertThat(AuthValues.policyAlgOf(t.state(), 22)).isEqualTo(TpmAlg.NULL);
    }

    @Test
    void setAuthPolicy_policyNotTheHashSize_isSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.SHA1, 20)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.NULL, 20)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void setAuthPolicy_pcrOutsideTheGroup_isValueOnParameter3() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.SHA256, 16)).rc()).isEqualTo(TpmRc.VALUE.atParameter(3));
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.SHA256, 24)).rc()).isEqualTo(TpmRc.VALUE.atParameter(3));
    }

    @Test
    void setAuthPolicy_unmarshallingCodes() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.AES, 20)).rc()).isEqualTo(TpmRc.HASH.atParameter(2));
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.OWNER, POLICY, TpmAlg.SHA256, 20)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void setAuthPolicy_wrongPlatformPassword_isBadAuth_platformDisabled_isHierarchy() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.SHA256, 20), List.of(SECRET)).rc())
                .isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        t.run(new dev.jtpm.types.command.HierarchyControl(TpmRh.PLATFORM, TpmRh.PLATFORM, false)).orThrow();
        assertThat(t.run(new PcrSetAuthPolicy(TpmRh.PLATFORM, POLICY, TpmAlg.SHA256, 20)).rc())
                .isEqualTo(TpmRc.HIERARCHY.atHandle(1));
    }
}
