package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.PolicyCounterTimer;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.structure.TpmsTimeInfo;
import org.junit.jupiter.api.Test;

/**
 * TPM2_PolicyCounterTimer (Part 3, 23.10). TestTpm's clock only moves when a test moves it, so the time read
 * with ReadClock is the time the command compares with.
 */
class PolicyCounterTimerHandlerTest {
    private static final int EQ = 0, NEQ = 1, SIGNED_GT = 2, UNSIGNED_GT = 3, UNSIGNED_LT = 5, UNSIGNED_LE = 9, BITSET = 10,
            BITCLEAR = 11;

    private static byte[] u64(long v) { return cat(u32((int) (v >>> 32)), u32((int) v)); }

    @Test
    void trial_digestIsHOfCcAndTheArgumentHash_withoutComparing() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        Bytes operand = Bytes.fromHex("ffffffffffffffff");
        t.run(new PolicyCounterTimer(s, operand, 8, UNSIGNED_LT)).orThrow();   // false, but not compared
        Bytes args = TestTpm.hash(TpmAlg.SHA256, operand.toArray(), u16(8), u16(UNSIGNED_LT));
        assertThat(digest(t, s)).isEqualTo(extend(TpmAlg.SHA256, zeros256(), u32(TpmCc.POLICY_COUNTER_TIMER), args.toArray()));
    }

    @Test
    void policySession_comparesTheMarshalledTimeInfo() {
        TestTpm t = TestTpm.started();
        t.millis.addAndGet(12_345);
        TpmsTimeInfo now = t.run(new ReadClock()).orThrow().currentTime();
        int s = policy(t);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.wrap(u64(now.time())), 0, EQ)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.wrap(u64(now.time())), 0, NEQ)).rc()).isEqualTo(TpmRc.POLICY);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.wrap(u64(now.clockInfo().clock() + 1)), 8, UNSIGNED_LT)).rc())
                .isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.wrap(u32(now.clockInfo().resetCount())), 16, UNSIGNED_LE)).rc())
                .isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.wrap(u32(now.clockInfo().restartCount() + 1)), 20, EQ)).rc())
                .isEqualTo(TpmRc.POLICY);
        Bytes safe = Bytes.of((byte) (now.clockInfo().safe() ? 1 : 0));
        assertThat(t.run(new PolicyCounterTimer(s, safe, 24, EQ)).rc()).isEqualTo(TpmRc.SUCCESS);
        // a high octet of 0x80 is negative as a signed number
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.fromHex("80"), 0, SIGNED_GT)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.fromHex("80"), 0, UNSIGNED_GT)).rc()).isEqualTo(TpmRc.POLICY);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.fromHex("00"), 0, BITSET)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.fromHex("ff"), 0, BITCLEAR)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void offsetBeyondTheTimeInfo_isValueOnParameter2_operandBeyond_isRangeWithoutIndex() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.EMPTY, 25, EQ)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.EMPTY, 26, EQ)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new PolicyCounterTimer(s, Bytes.of((byte) 0), 25, EQ)).rc()).isEqualTo(TpmRc.RANGE);
        assertThat(t.run(new PolicyCounterTimer(s, filled(26, 0), 0, EQ)).rc()).isEqualTo(TpmRc.RANGE);
        assertThat(t.run(new PolicyCounterTimer(s, filled(8, 0), 0xFFFF, EQ)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
    }

    @Test
    void undefinedOperation_isValueOnParameter3_whileUnmarshalling() {
        TestTpm t = TestTpm.started();
        int s = trial(t);
        byte[] raw = new TpmWriter().u16(TpmSt.NO_SESSIONS).u32(20).u32(TpmCc.POLICY_COUNTER_TIMER).u32(s)
                .u16(0).u16(0).u16(12).toByteArray();
        assertThat(new TpmRc(new TpmReader(t.raw(raw), 6, 4).u32())).isEqualTo(TpmRc.VALUE.atParameter(3));
    }
}
