package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PolicyPcr;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmtHa;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TPM2_PolicyPCR (Part 3, 23.7) on a TPM with the SHA-1 and SHA-256 banks allocated. */
class PolicyPcrHandlerTest {
    private static final byte[] CC = u32(TpmCc.POLICY_PCR);

    private static TpmlPcrSelection select(TpmsPcrSelection... s) { return new TpmlPcrSelection(List.of(s)); }

    /** TPML_PCR_SELECTION as octets: count, then hash, sizeofSelect 3, three bit-map octets. */
    private static byte[] marshal(int[][] selections) {
        byte[] out = u32(selections.length);
        for (int[] s : selections) out = cat(out, u16(s[0]), new byte[] {3, (byte) s[1], (byte) s[2], (byte) s[3]});
        return out;
    }

    /** Extends {@code pcr} of SHA-256 with {@code data}; returns the expected new value H(0^32 || data). */
    private static Bytes extendSha256(TestTpm t, int pcr, Bytes data) {
        t.run(new PcrExtend(pcr, new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, data))))).orThrow();
        return TestTpm.hash(TpmAlg.SHA256, new byte[32], data.toArray());
    }

    @Test
    void trial_emptyPcrDigest_hashesTheCurrentValuesInSelectionOrder() {
        TestTpm t = TestTpm.started();
        Bytes pcr16 = extendSha256(t, 16, filled(32, 0xAB));
        int s = trial(t);
        // SHA-256 PCRs 0 and 16 first, then SHA-1 PCR 1
        t.run(new PolicyPcr(s, Bytes.EMPTY, select(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 16), TpmsPcrSelection.of(TpmAlg.SHA1, 1))))
                .orThrow();
        Bytes pcrDigest = TestTpm.hash(TpmAlg.SHA256, new byte[32], pcr16.toArray(), new byte[20]);
        byte[] pcrs = marshal(new int[][] {{TpmAlg.SHA256, 0x01, 0x00, 0x01}, {TpmAlg.SHA1, 0x02, 0, 0}});
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, pcrs, pcrDigest.toArray()));
    }

    @Test
    void trial_givenPcrDigest_isTakenAsIs() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        Bytes given = filled(32, 0x5A);
        t.run(new PolicyPcr(s, given, select(TpmsPcrSelection.of(TpmAlg.SHA256, 7)))).orThrow();
        byte[] pcrs = marshal(new int[][] {{TpmAlg.SHA256, 0x80, 0, 0}});
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, pcrs, given.toArray()));
        assertThat(session(t, s).pcrSelected()).isFalse();
    }

    @Test
    void trial_sha1Session_hashesWithSha1() {
        TestTpm t = TestTpm.started();
        int s = start(t, TpmSe.TRIAL, TpmAlg.SHA1);
        t.run(new PolicyPcr(s, Bytes.EMPTY, select(TpmsPcrSelection.of(TpmAlg.SHA256, 2, 3)))).orThrow();
        Bytes pcrDigest = TestTpm.hash(TpmAlg.SHA1, new byte[64]);
        byte[] pcrs = marshal(new int[][] {{TpmAlg.SHA256, 0x0C, 0, 0}});
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA1, Bytes.zeros(20), CC, pcrs, pcrDigest.toArray()));
    }

    @Test
    void unallocatedBank_selectsNothing_andEntersTheDigestCleared() {
        TestTpm t = TestTpm.started();   // SHA-384 is implemented but not allocated here
        int s = trial(t);
        t.run(new PolicyPcr(s, Bytes.EMPTY, select(TpmsPcrSelection.of(TpmAlg.SHA384, 0, 1)))).orThrow();
        byte[] pcrs = marshal(new int[][] {{TpmAlg.SHA384, 0, 0, 0}});
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, pcrs, TestTpm.hash(TpmAlg.SHA256).toArray()));
    }

    @Test
    void policySession_matchingDigest_succeeds_andRecordsTheUpdateCounter() {
        TestTpm t = TestTpm.started();
        extendSha256(t, 0, filled(32, 1));
        int s = policy(t);
        Bytes expected = TestTpm.hash(TpmAlg.SHA256, TestTpm.hash(TpmAlg.SHA256, new byte[32], filled(32, 1).toArray()).toArray());
        assertThat(t.run(new PolicyPcr(s, expected, select(TpmsPcrSelection.of(TpmAlg.SHA256, 0)))).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(session(t, s).pcrSelected()).isTrue();
        assertThat(session(t, s).pcrCounter()).isEqualTo(t.state().pcrs.updateCounter()).isNotZero();
        byte[] pcrs = marshal(new int[][] {{TpmAlg.SHA256, 1, 0, 0}});
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, pcrs, expected.toArray()));
    }

    @Test
    void policySession_otherDigest_isValueOnParameter1() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        TpmlPcrSelection pcr0 = select(TpmsPcrSelection.of(TpmAlg.SHA256, 0));
        assertThat(t.run(new PolicyPcr(s, filled(32, 9), pcr0)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        // the right digest, but a SHA-1-sized one
        assertThat(t.run(new PolicyPcr(s, Bytes.of(TestTpm.hash(TpmAlg.SHA256, new byte[32]).unsafeArray(), 0, 20), pcr0)).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(digest(t, s)).isEqualTo(zeros256());
    }

    @Test
    void policySession_pcrsChangedSinceAnEarlierPolicyPcr_isPcrChanged() {
        TestTpm t = TestTpm.started();
        extendSha256(t, 0, filled(32, 1));   // a non-zero counter
        int s = policy(t);
        TpmlPcrSelection pcr1 = select(TpmsPcrSelection.of(TpmAlg.SHA256, 1));
        t.run(new PolicyPcr(s, Bytes.EMPTY, pcr1)).orThrow();
        extendSha256(t, 2, filled(32, 2));
        assertThat(t.run(new PolicyPcr(s, Bytes.EMPTY, pcr1)).rc()).isEqualTo(TpmRc.PCR_CHANGED);
        // a trial session does not check
        int trial = trial(t);
        t.run(new PolicyPcr(trial, Bytes.EMPTY, pcr1)).orThrow();
        extendSha256(t, 2, filled(32, 3));
        assertThat(t.run(new PolicyPcr(trial, filled(32, 4), pcr1)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void anHmacSessionHandle_isValueOnHandle1_whileUnmarshalling() {
        TestTpm t = TestTpm.started();
        int hmac = start(t, TpmSe.HMAC, TpmAlg.SHA256);
        assertThat(t.run(new PolicyPcr(hmac, Bytes.EMPTY, select(TpmsPcrSelection.of(TpmAlg.SHA256, 0)))).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
    }
}
