package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthSession.RestrictKind;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.PolicyAuthValue;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.PolicyCpHash;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.PolicyLocality;
import dev.jtpm.types.command.PolicyNvWritten;
import dev.jtpm.types.command.PolicyPassword;
import dev.jtpm.types.command.PolicyPcr;
import dev.jtpm.types.command.PolicyPhysicalPresence;
import dev.jtpm.types.command.PolicyRestart;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PolicyAuthValue (23.17), PolicyPassword (23.18), PolicyPhysicalPresence (23.12), PolicyNvWritten (23.20),
 * PolicyGetDigest (23.19) and PolicyRestart (11.2).
 */
class PolicyFlagsTest {

    @Test
    void authValueAndPassword_extendWithTheSameCode_andEachClearsTheOther() {
        TestTpm t = TestTpm.started();
        Bytes expected = extend(TpmAlg.SHA256, zeros256(), u32(TpmCc.POLICY_AUTH_VALUE));
        int a = trial(t), p = trial(t);
        t.run(new PolicyAuthValue(a)).orThrow();
        t.run(new PolicyPassword(p)).orThrow();
        assertThat(digest(t, a)).isEqualTo(expected);
        assertThat(digest(t, p)).isEqualTo(expected);
        assertThat(session(t, a).authValueNeeded()).isTrue();
        assertThat(session(t, a).passwordNeeded()).isFalse();
        assertThat(session(t, p).passwordNeeded()).isTrue();
        t.run(new PolicyAuthValue(p)).orThrow();
        assertThat(session(t, p).passwordNeeded()).isFalse();
        assertThat(session(t, p).authValueNeeded()).isTrue();
        t.run(new PolicyPassword(p)).orThrow();
        assertThat(session(t, p).authValueNeeded()).isFalse();
    }

    @Test
    void physicalPresence_extendsAndMarksTheSession() {
        TestTpm t = TestTpm.started();
        int s = start(t, TpmSe.TRIAL, TpmAlg.SHA384);
        t.run(new PolicyPhysicalPresence(s)).orThrow();
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA384, Bytes.zeros(48), u32(TpmCc.POLICY_PHYSICAL_PRESENCE)));
        assertThat(session(t, s).ppRequired()).isTrue();
    }

    @Test
    void nvWritten_extendsWithTheYesNoOctet_andRecordsTheState() {
        TestTpm t = TestTpm.started();
        for (boolean written : new boolean[] {true, false}) {
            int s = trial(t);
            t.run(new PolicyNvWritten(s, written)).orThrow();
            t.run(new PolicyNvWritten(s, written)).orThrow();   // the same again is fine
            Bytes once = extend(TpmAlg.SHA256, zeros256(), u32(TpmCc.POLICY_NV_WRITTEN), new byte[] {(byte) (written ? 1 : 0)});
            assertThat(digest(t, s)).isEqualTo(
                    extend(TpmAlg.SHA256, once, u32(TpmCc.POLICY_NV_WRITTEN), new byte[] {(byte) (written ? 1 : 0)}));
            assertThat(session(t, s).checkNvWritten()).isTrue();
            assertThat(session(t, s).nvWrittenState()).isEqualTo(written);
            t.run(new dev.jtpm.types.command.FlushContext(s)).orThrow();
        }
    }

    @Test
    void nvWritten_theOtherStateAfterwards_isValue_andANonBooleanOctetIsValueWhileUnmarshalling() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        t.run(new PolicyNvWritten(s, false)).orThrow();
        assertThat(t.run(new PolicyNvWritten(s, true)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        byte[] raw = new TpmWriter().u16(TpmSt.NO_SESSIONS).u32(15).u32(TpmCc.POLICY_NV_WRITTEN).u32(s).u8(2).toByteArray();
        assertThat(new TpmRc(new TpmReader(t.raw(raw), 6, 4).u32())).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void getDigest_ofANewSession_isZerosOfTheSessionHash() {
        TestTpm t = TestTpm.started();
        assertThat(digest(t, start(t, TpmSe.POLICY, TpmAlg.SHA1))).isEqualTo(Bytes.zeros(20));
        assertThat(digest(t, start(t, TpmSe.TRIAL, TpmAlg.SHA512))).isEqualTo(Bytes.zeros(64));
        int hmac = start(t, TpmSe.HMAC, TpmAlg.SHA256);
        assertThat(t.run(new PolicyGetDigest(hmac)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void restart_returnsToAZeroDigestWithoutAssertions_keepingTypeAndStartTime() {
        TestTpm t = TestTpm.started();
        int s = policy(t);
        long started = session(t, s).startTime();
        t.millis.addAndGet(5_000);
        t.run(new PolicyCommandCode(s, TpmCc.UNSEAL)).orThrow();
        t.run(new PolicyCpHash(s, filled(32, 1))).orThrow();
        t.run(new PolicyLocality(s, 0x02)).orThrow();
        t.run(new PolicyPcr(s, Bytes.EMPTY, new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0))))).orThrow();
        t.run(new PolicyPassword(s)).orThrow();
        t.run(new PolicyPhysicalPresence(s)).orThrow();
        t.run(new PolicyNvWritten(s, true)).orThrow();
        assertThat(t.run(new PolicyRestart(s)).rc()).isEqualTo(TpmRc.SUCCESS);
        AuthSession a = session(t, s);
        assertThat(digest(t, s)).isEqualTo(zeros256());
        assertThat(a.commandCode()).isZero();
        assertThat(a.restrictKind()).isEqualTo(RestrictKind.NONE);
        assertThat(a.commandLocality()).isZero();
        assertThat(a.pcrSelected()).isFalse();
        assertThat(a.passwordNeeded() || a.authValueNeeded() || a.ppRequired() || a.checkNvWritten()).isFalse();
        assertThat(a.isTrial()).isFalse();
        assertThat(a.startTime()).isEqualTo(started);
        // the session is usable again, with other values
        t.run(new PolicyCommandCode(s, TpmCc.SIGN)).orThrow();
        t.run(new PolicyNvWritten(s, false)).orThrow();
    }

    @Test
    void restart_ofAnHmacSession_isValueOnHandle1() {
        TestTpm t = TestTpm.started();
        int hmac = start(t, TpmSe.HMAC, TpmAlg.SHA256);
        assertThat(t.run(new PolicyRestart(hmac)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }
}
