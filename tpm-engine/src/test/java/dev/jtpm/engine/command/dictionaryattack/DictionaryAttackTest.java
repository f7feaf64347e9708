package dev.jtpm.engine.command.dictionaryattack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.DictionaryAttackLockReset;
import dev.jtpm.types.command.DictionaryAttackParameters;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsTaggedProperty;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DictionaryAttackTest {
    private static final List<Bytes> WRONG = List.of(Bytes.of((byte) 'x'));

    private static Map<Integer, Integer> variable(TestTpm t) {
        var data = (TpmlTaggedTpmProperty) t.run(new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.VAR, 64)).orThrow()
                .capabilityData().data();
        return data.tpmProperty().stream().collect(Collectors.toMap(TpmsTaggedProperty::property, TpmsTaggedProperty::value));
    }

    @Test
    void parameters_areSetAndReported() {
        TestTpm t = TestTpm.started();
        assertThat(variable(t)).containsEntry(TpmPt.MAX_AUTH_FAIL, 3).containsEntry(TpmPt.LOCKOUT_INTERVAL, 1000)
                .containsEntry(TpmPt.LOCKOUT_RECOVERY, 1000).containsEntry(TpmPt.LOCKOUT_COUNTER, 0);
        t.run(new DictionaryAttackParameters(TpmRh.LOCKOUT, 5, 6, 7)).orThrow();
        assertThat(variable(t)).containsEntry(TpmPt.MAX_AUTH_FAIL, 5).containsEntry(TpmPt.LOCKOUT_INTERVAL, 6)
                .containsEntry(TpmPt.LOCKOUT_RECOVERY, 7);
    }

    @Test
    void lockHandleOtherThanLockout_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.OWNER)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void wrongLockoutPassword_countsAsAuthFail_thenLockoutAuthIsLockedUntilRecovery() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT), WRONG).rc()).isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
        // even the right (empty) password is refused now
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.LOCKOUT);
        t.millis.addAndGet(999_000);
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.LOCKOUT);
        t.millis.addAndGet(1_000);
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).ok()).isTrue();
    }

    @Test
    void lockoutRecoveryZero_needsAStartupToEnableLockoutAuthAgain() {
        TestTpm t = TestTpm.started();
        t.run(new DictionaryAttackParameters(TpmRh.LOCKOUT, 3, 1000, 0)).orThrow();
        t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT), WRONG);
        t.millis.addAndGet(10_000_000);
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.LOCKOUT);
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).ok()).isTrue();
    }

    @Test
    void lockoutFailure_isRecordedInNvEvenThoughTheCommandFailed() {
        TestTpm t = TestTpm.started();
        t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT), WRONG);
        // a power cut right after: the disabled lockoutAuth survives
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.LOCKOUT);
    }

    @Test
    void inLockout_isReported_andLockResetEndsIt_andSelfHealingForgivesOnePerInterval() {
        TestTpm t = TestTpm.started();
        t.state().persistent.failedTries = 3;      // as three failures on DA-protected objects would
        var permanent = variable(t).get(TpmPt.PERMANENT);
        assertThat(permanent & (1 << 9)).as("TPMA_PERMANENT.inLockout").isNotZero();
        t.millis.addAndGet(1_000_000);             // one recoveryTime
        assertThat(variable(t)).containsEntry(TpmPt.LOCKOUT_COUNTER, 2);
        t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).orThrow();
        assertThat(variable(t)).containsEntry(TpmPt.LOCKOUT_COUNTER, 0);
        assertThat(variable(t).get(TpmPt.PERMANENT) & (1 << 9)).isZero();
    }

    @Test
    void ownerPasswordFailure_isExempt_andAnswersBadAuth() {
        TestTpm t = TestTpm.started();
        for (int i = 0; i < 5; i++) {
            assertThat(t.run(new dev.jtpm.types.command.ClockSet(TpmRh.OWNER, 1L << 40), WRONG).rc())
                    .isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        }
        assertThat(variable(t)).containsEntry(TpmPt.LOCKOUT_COUNTER, 0);
    }
}
