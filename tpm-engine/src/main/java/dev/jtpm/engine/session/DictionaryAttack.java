package dev.jtpm.engine.session;

import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;

/**
 * Dictionary-attack protection (Part 1, 19.8). Authorization failures on protected entities count
 * in failedTries; at maxTries the TPM is in lockout (TPM_RC_LOCKOUT) until failedTries heals by one
 * every recoveryTime seconds of powered time, or TPM2_DictionaryAttackLockReset. A failure of
 * lockoutAuth disables it for lockoutRecovery seconds (0: until the next Startup). Permanent
 * handles other than TPM_RH_LOCKOUT, PCRs, sequence objects and NV indices with TPMA_NV_NO_DA are exempt: their failures
 * answer TPM_RC_BAD_AUTH instead of TPM_RC_AUTH_FAIL.
 */
public final class DictionaryAttack {
    private DictionaryAttack() {}

    /** True when authorization failures for this entity do not count. */
    public static boolean isExempt(TpmState s, int handle) {
        return switch (TpmHt.of(handle)) {
            case TpmHt.PERMANENT -> handle != TpmRh.LOCKOUT;
            case TpmHt.TRANSIENT, TpmHt.PERSISTENT -> s.objects.get(handle) instanceof HashSequence   // sequences are noDA
                    || s.objects.get(handle) instanceof dev.jtpm.engine.state.TpmObject o && o.attributes().noDa();
            case TpmHt.NV_INDEX -> {
                dev.jtpm.engine.state.NvIndex nv = dev.jtpm.engine.state.NvIndices.get(s, handle);
                yield nv != null && nv.has(dev.jtpm.types.structure.TpmaNv.NO_DA);
            }
            default -> true;
        };
    }

    /** True when the TPM is in lockout (TPMA_PERMANENT.inLockout). */
    public static boolean inLockout(TpmState s) {
        heal(s);
        return s.persistent.failedTries >= s.persistent.maxTries;
    }

    /**
     * Refuses an authorization of {@code handle} with TPM_RC_LOCKOUT when lockout is in effect for
     * it; records that a protected entity was used (so a power cut before the result counts).
     */
    public static void checkNotLockedOut(TpmState s, int handle, boolean lockoutBound) {
        if (isExempt(s, handle) && !lockoutBound) return;
        checkLockedOut(s, handle == TpmRh.LOCKOUT || lockoutBound);
    }

    /**
     * ms-tpm's CheckLockedOut: TPM_RC_LOCKOUT when lockoutAuth is disabled ({@code lockoutAuthCheck}) or
     * failedTries reached maxTries; otherwise records that a protected entity was used (so a power cut
     * before the result counts).
     */
    public static void checkLockedOut(TpmState s, boolean lockoutAuthCheck) {
        heal(s);
        PersistentState p = s.persistent;
        if (lockoutAuthCheck) {
            if (!p.lockoutAuthEnabled) throw new TpmFailure(TpmRc.LOCKOUT);
            return;
        }
        if (p.failedTries >= p.maxTries) throw new TpmFailure(TpmRc.LOCKOUT);
        if (!p.daUsed) {
            p.daUsed = true;
            s.persistentPending = true;
        }
    }

    /**
     * Registers a failed authorization of {@code handle} and returns the code to answer:
     * TPM_RC_AUTH_FAIL when it counted, TPM_RC_BAD_AUTH for exempt entities.
     */
    public static TpmRc registerFailure(TpmState s, int handle, boolean lockoutBound) {
        if (isExempt(s, handle) && !lockoutBound) return TpmRc.BAD_AUTH;
        countFailure(s, lockoutBound ? TpmRh.LOCKOUT : handle);
        return TpmRc.AUTH_FAIL;
    }

    /**
     * Counts a failed authorization against {@code handle} whatever its DA attributes (the caller decided
     * it counts): lockoutAuth is disabled for TPM_RH_LOCKOUT, failedTries grows for anything else.
     */
    public static void countFailure(TpmState s, int handle) {
        PersistentState p = s.persistent;
        long now = s.clock();
        if (handle == TpmRh.LOCKOUT) {
            p.lockoutAuthEnabled = false;
            s.lockoutAnchor = now;
        } else {
            p.failedTries++;
            s.selfHealAnchor = now;
        }
        s.persistentPending = true;
    }

    /** Self-healing: one failure forgiven per recoveryTime; lockoutAuth back after lockoutRecovery. */
    public static void heal(TpmState s) {
        PersistentState p = s.persistent;
        long now = s.clock();
        if (p.failedTries != 0) {
            if (p.recoveryTime == 0) {
                p.failedTries = 0;
                s.persistentPending = true;
            } else {
                long period = p.recoveryTime * 1000L;
                long healed = Math.max(0, now - s.selfHealAnchor) / period;
                if (healed > 0) {
                    p.failedTries = (int) Math.max(0, p.failedTries - healed);
                    s.selfHealAnchor += healed * period;
                    s.persistentPending = true;
                }
            }
        }
        if (!p.lockoutAuthEnabled && p.lockoutRecovery != 0
                && now - s.lockoutAnchor >= p.lockoutRecovery * 1000L) {
            p.lockoutAuthEnabled = true;
            s.persistentPending = true;
        }
    }

    /**
     * At TPM2_Startup (ms-tpm DAStartup): lockoutAuth comes back if lockoutRecovery is 0, and a
     * protected authorization in a cycle that ended without an orderly shutdown counts as a failure.
     */
    public static void startup(TpmState s, boolean previousOrderly) {
        PersistentState p = s.persistent;
        s.selfHealAnchor = s.clock();
        s.lockoutAnchor = s.clock();
        if (p.lockoutRecovery == 0) p.lockoutAuthEnabled = true;
        if (p.recoveryTime != 0 && p.failedTries < p.maxTries && !previousOrderly && p.daUsed) p.failedTries++;
        p.daUsed = false;
    }
}
