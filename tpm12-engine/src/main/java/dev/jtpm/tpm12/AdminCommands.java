package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * TPM Main Part 3 chapters 3 (Admin Startup and State: TPM_Startup, TPM_SaveState), 4 (Admin Testing: TPM_SelfTestFull,
 * TPM_ContinueSelfTest, TPM_GetTestResult) and 13.6-13.7 (TPM_GetRandom, TPM_StirRandom), each in libtpms' order of
 * checks.
 */
final class AdminCommands {
    private AdminCommands() {}

    static final int ST_CLEAR = 1, ST_STATE = 2, ST_DEACTIVATED = 3;

    /**
     * TPM_Startup (3.2): TPM_BADTAG, TPM_BAD_PARAM_SIZE, TPM_INVALID_POSTINIT (already started), TPM_FAILEDSELFTEST
     * (failure mode; or ST_STATE without a saved state, which enters failure mode), TPM_BAD_PARAMETER (unknown type).
     * Whatever the outcome, the TPM counts as started afterwards and any saved state is gone (libtpms).
     */
    static void startup(Command c) {
        int type = c.in.u16();
        c.tag(0);
        c.end();
        Tpm12State st = c.st;
        if (!st.postInitialise) fail(Tpm12Rc.INVALID_POSTINIT);
        try {
            if (st.testState == Tpm12State.TEST_FAILURE) {
                st.postInitialise = false;
                fail(Tpm12Rc.FAILEDSELFTEST);
            }
            switch (type) {
                case ST_CLEAR -> {
                    st.resetPcrs();
                    st.sfDeactivated = st.pf[Tpm12State.PF_DEACTIVATED];
                    st.sfDisableForceClear = false;
                    st.sfPhysicalPresence = false;
                    st.sfPhysicalPresenceLock = false;
                    st.sfGlobalLock = false;
                    st.sessions.clear();
                    st.keys.clear();
                    c.core.resetLockout();
                    st.activeCounter = CounterCommands.COUNT_ID_NULL;
                    for (NvIndex12 n : st.nv.values()) { // TPM_NVIndexEntries_StClear
                        n.bReadSTClear = false;
                        n.bWriteSTClear = false;
                    }
                }
                case ST_STATE -> {
                    try {
                        byte[] saved = c.core.loadSaveState();
                        if (saved == null) throw new IOException("no saved state");
                        st.readSaveState(saved);
                        for (int i = 16; i < Tpm12State.NUM_PCR; i++) st.pcrs[i] = Tpm12State.resetValue(i, false);
                    } catch (IOException | RuntimeException e) {
                        st.testState = Tpm12State.TEST_FAILURE;
                        fail(Tpm12Rc.FAILEDSELFTEST);
                    }
                }
                case ST_DEACTIVATED -> st.sfDeactivated = true;
                default -> fail(Tpm12Rc.BAD_PARAMETER);
            }
            st.tosPresent = false;
        } finally {
            c.core.deleteSaveState();
            st.postInitialise = false;
        }
    }

    /** TPM_SaveState (3.3): the STCLEAR flags and data (PCRs) to the {@code savestate} blob. */
    static void saveState(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        try {
            c.core.storeSaveState();
        } catch (IOException e) {
            fail(Tpm12Rc.FAIL);
        }
    }

    /** TPM_SelfTestFull (4.1). */
    static void selfTestFull(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        c.core.continueSelfTest();
    }

    /** TPM_ContinueSelfTest (4.2). */
    static void continueSelfTest(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        c.core.continueSelfTest();
    }

    /** TPM_GetTestResult (4.3): libtpms' text, "Shutdown %08x\n" with the self-test state. */
    static void getTestResult(Command c) {
        c.checkState(CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        c.out.sized32(String.format("Shutdown %08x\n", c.st.testState).getBytes(StandardCharsets.US_ASCII));
    }

    /** TPM_GetRandom (13.6): at most TPM_RANDOM_MAX (buffer less 14 octets) octets. */
    static void getRandom(Command c) {
        long n = Integer.toUnsignedLong(c.in.u32());
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        n = Math.min(n, Tpm12Core.BUFFER_MAX - 14);
        c.out.sized32(c.core.random((int) n));
    }

    /** TPM_StirRandom (13.7): the data is mixed into nothing observable (the platform's entropy is used as is). */
    static void stirRandom(Command c) {
        c.in.sized32();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
    }
}
