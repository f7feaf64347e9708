package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.PolicyLocality;
import org.junit.jupiter.api.Test;

/** TPM2_PolicyLocality (Part 3, 23.8). */
class PolicyLocalityHandlerTest {
    private static final byte[] CC = u32(TpmCc.POLICY_LOCALITY);

    @Test
    void digest_isHOfCcAndTheLocalityOctet_forNormalAndExtendedLocalities() {
        TestTpm t = TestTpm.started();
        for (int locality : new int[] {0x01, 0x1F, 0x14, 32, 200, 255}) {
            int s = trial(t);
            t.run(new PolicyLocality(s, locality)).orThrow();
            assertThat(digest(t, s)).as("locality %d", locality)
                    .isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, new byte[] {(byte) locality}));
            assertThat(session(t, s).commandLocality()).isEqualTo(locality);
            t.run(new dev.jtpm.types.command.FlushContext(s)).orThrow();
        }
    }

    @Test
    void repeatedCalls_narrowTheSetting_andEachExtendsTheDigest() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        t.run(new PolicyLocality(s, 0x03)).orThrow();
        t.run(new PolicyLocality(s, 0x06)).orThrow();
        assertThat(session(t, s).commandLocality()).isEqualTo(0x02);
        Bytes d1 = extend(TpmAlg.SHA256, zeros256(), CC, new byte[] {0x03});
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, d1, CC, new byte[] {0x06}));
        int e = trial(t);
        t.run(new PolicyLocality(e, 40)).orThrow();
        t.run(new PolicyLocality(e, 40)).orThrow();
        assertThat(session(t, e).commandLocality()).isEqualTo(40);
    }

    @Test
    void range_onParameter1_forZeroEmptyIntersectionMixedKindsAndAnotherExtendedLocality() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        assertThat(t.run(new PolicyLocality(s, 0)).rc()).isEqualTo(TpmRc.RANGE.atParameter(1));
        t.run(new PolicyLocality(s, 0x03)).orThrow();
        assertThat(t.run(new PolicyLocality(s, 0x04)).rc()).isEqualTo(TpmRc.RANGE.atParameter(1));
        assertThat(t.run(new PolicyLocality(s, 33)).rc()).isEqualTo(TpmRc.RANGE.atParameter(1));
        int e = policy(t);
        t.run(new PolicyLocality(e, 33)).orThrow();
        assertThat(t.run(new PolicyLocality(e, 34)).rc()).isEqualTo(TpmRc.RANGE.atParameter(1));
        assertThat(t.run(new PolicyLocality(e, 0x01)).rc()).isEqualTo(TpmRc.RANGE.atParameter(1));
        // a refused call leaves the session as it was
        assertThat(session(t, s).commandLocality()).isEqualTo(0x03);
        assertThat(digest(t, e)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), CC, new byte[] {33}));
    }
}
