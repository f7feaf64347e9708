package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.PolicyAuthValue;
import dev.jtpm.types.command.PolicyOr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TPM2_PolicyOR (Part 3, 23.6). */
class PolicyOrHandlerTest {
    private static final byte[] CC = u32(TpmCc.POLICY_OR);

    @Test
    void trial_anyList_replacesTheDigestWithHOfZerosCcAndTheList() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        t.run(new PolicyAuthValue(s)).orThrow();   // not in the list: a trial session does not care
        Bytes a = filled(32, 1), b = filled(20, 2), c = Bytes.EMPTY;
        t.run(new PolicyOr(s, List.of(a, b, c))).orThrow();
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, a.toArray(), b.toArray()));
    }

    @Test
    void policySession_currentDigestInTheList_succeeds() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        t.run(new PolicyAuthValue(s)).orThrow();
        Bytes current = digest(t, s), other = filled(32, 7);
        t.run(new PolicyOr(s, List.of(other, current))).orThrow();
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, other.toArray(), current.toArray()));
        assertThat(session(t, s).authValueNeeded()).isTrue();   // the other assertions stay
    }

    @Test
    void policySession_currentDigestNotInTheList_isValueOnParameter1() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        // zeros of another size do not match
        assertThat(t.run(new PolicyOr(s, List.of(filled(32, 1), Bytes.zeros(20)))).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(digest(t, s)).isEqualTo(zeros256());
    }

    @Test
    void tooFewOrTooManyDigests_orAnOversizedOne_isSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        assertThat(t.run(new PolicyOr(s, List.of())).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new PolicyOr(s, List.of(zeros256()))).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        List<Bytes> nine = new ArrayList<>(Collections.nCopies(9, zeros256()));
        assertThat(t.run(new PolicyOr(s, nine)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new PolicyOr(s, nine.subList(0, 8))).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyOr(s, List.of(zeros256(), filled(65, 0)))).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }
}
