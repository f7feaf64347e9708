package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.session.AuthSession.RestrictKind;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.PolicyCpHash;
import dev.jtpm.types.command.PolicyDuplicationSelect;
import dev.jtpm.types.command.PolicyNameHash;
import dev.jtpm.types.command.PolicyTemplate;
import org.junit.jupiter.api.Test;

/**
 * The assertions that restrict what a policy session may authorize: PolicyCommandCode (23.11), PolicyCpHash
 * (23.13), PolicyNameHash (23.14), PolicyDuplicationSelect (23.15), PolicyTemplate (23.21).
 */
class PolicyRestrictionsTest {
    private static final Bytes A = filled(32, 0xA1), B = filled(32, 0xB2);

    // ---------------------------------------------------------------- PolicyCommandCode

    @Test
    void commandCode_digestAndRestriction() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        t.run(new PolicyCommandCode(s, TpmCc.SIGN)).orThrow();
        t.run(new PolicyCommandCode(s, TpmCc.SIGN)).orThrow();   // the same again is fine
        Bytes once = extend(TpmAlg.SHA256, zeros256(), u32(TpmCc.POLICY_COMMAND_CODE), u32(TpmCc.SIGN));
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, once, u32(TpmCc.POLICY_COMMAND_CODE), u32(TpmCc.SIGN)));
        assertThat(session(t, s).commandCode()).isEqualTo(TpmCc.SIGN);
    }

    @Test
    void commandCode_anotherOne_isValue_beforeTheImplementedCheck() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        t.run(new PolicyCommandCode(s, TpmCc.UNSEAL)).orThrow();
        assertThat(t.run(new PolicyCommandCode(s, TpmCc.SIGN)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(t.run(new PolicyCommandCode(s, 0x1FF)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void commandCode_notImplemented_isPolicyCc() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        assertThat(t.run(new PolicyCommandCode(s, 0)).rc()).isEqualTo(TpmRc.POLICY_CC.atParameter(1));
        assertThat(t.run(new PolicyCommandCode(s, 0x1FF)).rc()).isEqualTo(TpmRc.POLICY_CC.atParameter(1));
        assertThat(digest(t, s)).isEqualTo(zeros256());
    }

    // ---------------------------------------------------------------- PolicyCpHash

    @Test
    void cpHash_digestAndRestriction_sameValueTwiceIsFine() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        t.run(new PolicyCpHash(s, A)).orThrow();
        t.run(new PolicyCpHash(s, A)).orThrow();
        Bytes once = extend(TpmAlg.SHA256, zeros256(), u32(TpmCc.POLICY_CP_HASH), A.toArray());
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, once, u32(TpmCc.POLICY_CP_HASH), A.toArray()));
        assertThat(session(t, s).restrictKind()).isEqualTo(RestrictKind.CP_HASH);
        assertThat(session(t, s).restrictHash()).isEqualTo(A);
    }

    @Test
    void cpHash_wrongSize_isSize_andAnotherOrANameHash_isCpHash() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        assertThat(t.run(new PolicyCpHash(s, filled(20, 1))).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new PolicyCpHash(s, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        t.run(new PolicyCpHash(s, A)).orThrow();
        assertThat(t.run(new PolicyCpHash(s, B)).rc()).isEqualTo(TpmRc.CPHASH);
        int n = policy(t);
        t.run(new PolicyNameHash(n, A)).orThrow();
        assertThat(t.run(new PolicyCpHash(n, A)).rc()).isEqualTo(TpmRc.CPHASH);
    }

    // ---------------------------------------------------------------- PolicyNameHash

    @Test
    void nameHash_digestAndRestriction_aSecondOneIsCpHash() {
        TestTpm t = TestTpm.started();
        int s = start(t, TpmSe.TRIAL, TpmAlg.SHA1);
        Bytes n = filled(20, 0x11);
        assertThat(t.run(new PolicyNameHash(s, A)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        t.run(new PolicyNameHash(s, n)).orThrow();
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA1, Bytes.zeros(20), u32(TpmCc.POLICY_NAME_HASH), n.toArray()));
        assertThat(session(t, s).restrictKind()).isEqualTo(RestrictKind.NAME_HASH);
        assertThat(t.run(new PolicyNameHash(s, n)).rc()).isEqualTo(TpmRc.CPHASH);
        int c = trial(t);
        t.run(new PolicyCpHash(c, A)).orThrow();
        assertThat(t.run(new PolicyNameHash(c, A)).rc()).isEqualTo(TpmRc.CPHASH);
    }

    // ---------------------------------------------------------------- PolicyTemplate

    @Test
    void template_digestAndRestriction_sameValueTwiceIsFine() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        t.run(new PolicyTemplate(s, B)).orThrow();
        t.run(new PolicyTemplate(s, B)).orThrow();
        Bytes once = extend(TpmAlg.SHA256, zeros256(), u32(TpmCc.POLICY_TEMPLATE), B.toArray());
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, once, u32(TpmCc.POLICY_TEMPLATE), B.toArray()));
        assertThat(session(t, s).restrictKind()).isEqualTo(RestrictKind.TEMPLATE_HASH);
    }

    @Test
    void template_anotherValue_isValue_evenOfTheWrongSize_aCpHashIsCpHash_aWrongSizeIsSize() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        assertThat(t.run(new PolicyTemplate(s, filled(48, 1))).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        t.run(new PolicyTemplate(s, B)).orThrow();
        assertThat(t.run(new PolicyTemplate(s, A)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(t.run(new PolicyTemplate(s, filled(20, 1))).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(t.run(new PolicyCpHash(s, B)).rc()).isEqualTo(TpmRc.CPHASH);
        int c = policy(t);
        t.run(new PolicyCpHash(c, A)).orThrow();
        assertThat(t.run(new PolicyTemplate(c, A)).rc()).isEqualTo(TpmRc.CPHASH);
        assertThat(t.run(new PolicyTemplate(c, filled(3, 1))).rc()).isEqualTo(TpmRc.CPHASH);
    }

    // ---------------------------------------------------------------- PolicyDuplicationSelect

    @Test
    void duplicationSelect_digestWithAndWithoutTheObject_nameHashAndDuplicate() {
        TestTpm t = TestTpm.started();
        Bytes object = Bytes.fromHex("000b" + "11".repeat(32)), parent = Bytes.fromHex("0004" + "22".repeat(20));
        for (boolean include : new boolean[] {true, false}) {
            int s = trial(t);
            t.run(new PolicyDuplicationSelect(s, object, parent, include)).orThrow();
            byte[] expected = include
                    ? cat(u32(TpmCc.POLICY_DUPLICATION_SELECT), object.toArray(), parent.toArray(), new byte[] {1})
                    : cat(u32(TpmCc.POLICY_DUPLICATION_SELECT), parent.toArray(), new byte[] {0});
            assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), expected));
            assertThat(session(t, s).restrictKind()).isEqualTo(RestrictKind.NAME_HASH);
            assertThat(session(t, s).restrictHash()).isEqualTo(TestTpm.hash(TpmAlg.SHA256, object.toArray(), parent.toArray()));
            assertThat(session(t, s).commandCode()).isEqualTo(TpmCc.DUPLICATE);
            t.run(new dev.jtpm.types.command.FlushContext(s)).orThrow();
        }
    }

    @Test
    void duplicationSelect_afterACpHash_isCpHash_afterACommandCode_isCommandCode() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        t.run(new PolicyDuplicationSelect(s, A, B, false)).orThrow();
        assertThat(t.run(new PolicyDuplicationSelect(s, A, B, false)).rc()).isEqualTo(TpmRc.CPHASH);
        int c = policy(t);
        t.run(new PolicyCommandCode(c, TpmCc.UNSEAL)).orThrow();
        assertThat(t.run(new PolicyDuplicationSelect(c, A, B, true)).rc()).isEqualTo(TpmRc.COMMAND_CODE);
        t.run(new dev.jtpm.types.command.FlushContext(s)).orThrow();
        int h = policy(t);
        t.run(new PolicyCpHash(h, A)).orThrow();
        t.run(new PolicyCommandCode(h, TpmCc.UNSEAL)).orThrow();
        assertThat(t.run(new PolicyDuplicationSelect(h, A, B, true)).rc()).isEqualTo(TpmRc.CPHASH);
    }
}
