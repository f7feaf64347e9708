package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ACTIVATED;
import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.CHECK_ENABLED;
import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.CHECK_OWNER;
import static dev.jtpm.tpm12.Command.fail;

/**
 * TPM Main Part 3 chapter 5.6-5.8: the operator (TPM_SetOperatorAuth, TPM_SetTempDeactivated) and the dictionary attack
 * reset (TPM_ResetLockValue), with libtpms' checks and codes.
 */
final class OperatorCommands {
    private OperatorCommands() {}

    /** TPM_SetOperatorAuth (5.7): physical presence (TPM_BAD_PRESENCE); sets operatorAuth and tpmOperator. */
    static void setOperatorAuth(Command c) {
        byte[] operatorAuth = c.in.digest();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        if (!OwnershipCommands.physicalPresence(c)) fail(Tpm12Rc.BAD_PRESENCE);
        c.st.operatorAuth = operatorAuth;
        c.st.pf[Tpm12State.PF_OPERATOR] = true;
        c.permanentChanged = true;
    }

    /**
     * TPM_SetTempDeactivated (5.6): deactivated until the next Startup(ST_CLEAR). AUTH1: the operator's secret
     * (TPM_NOOPERATOR without one); without a session: physical presence (TPM_BAD_PRESENCE).
     */
    static void setTempDeactivated(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_ACTIVATED | CHECK_NO_LOCKOUT);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        if (a != null) {
            if (!c.st.pf[Tpm12State.PF_OPERATOR]) {
                c.session(a);
                fail(Tpm12Rc.NOOPERATOR);
            }
            c.authorize(a, 0, c.st.operatorAuth, Tpm12Rc.AUTHFAIL);
        } else if (!OwnershipCommands.physicalPresence(c)) {
            fail(Tpm12Rc.BAD_PRESENCE);
        }
        c.st.sfDeactivated = true;
    }

    /**
     * TPM_ResetLockValue (5.8): the owner resets the dictionary attack counter, also while locked out. A wrong owner
     * secret disables it while a lockout runs (TPM_AUTHFAIL then, before the HMAC is looked at); outside a lockout it
     * is allowed again, as libtpms' TPM_Authdata_CheckState does.
     */
    static void resetLockValue(Command c) {
        if (!c.core.lockedOut()) c.core.disableResetLock = false; // libtpms' TPM_Authdata_CheckState
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_ENABLED | CHECK_ACTIVATED | CHECK_OWNER);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        if (c.core.disableResetLock) {
            c.session(a);
            fail(Tpm12Rc.AUTHFAIL);
        }
        try {
            OwnershipCommands.ownerAuthorize(c, a);
        } catch (Tpm12Failure f) {
            c.core.disableResetLock = true;
            throw f;
        }
        c.core.resetLockout();
    }
}
