package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.fail;

/**
 * TPM_GetCapability (TPM Main Part 3, 7.1) with the values libtpms 0.9 reports, in its order of checks: a capArea
 * whose subCap must be a UINT32 (or UINT16) and is not is TPM_BAD_MODE, as is an unknown capArea or subCap.
 */
final class CapabilityCommands {
    private CapabilityCommands() {}

    static final int CAP_ORD = 1, CAP_ALG = 2, CAP_PID = 3, CAP_FLAG = 4, CAP_PROPERTY = 5, CAP_VERSION = 6,
            CAP_KEY_HANDLE = 7, CAP_CHECK_LOADED = 8, CAP_SYM_MODE = 9, CAP_KEY_STATUS = 0x0C, CAP_NV_LIST = 0x0D,
            CAP_MFR = 0x10, CAP_NV_INDEX = 0x11, CAP_TRANS_ALG = 0x12, CAP_HANDLE = 0x14, CAP_TRANS_ES = 0x15,
            CAP_AUTH_ENCRYPT = 0x17, CAP_SELECT_SIZE = 0x18, CAP_DA_LOGIC = 0x19, CAP_VERSION_VAL = 0x1A;
    static final int CAP_FLAG_PERMANENT = 0x108, CAP_FLAG_VOLATILE = 0x109;
    static final int PROP_MANUFACTURER = 0x103, PROP_TIS_TIMEOUT = 0x115, PROP_DURATION = 0x120;

    /** TPM_CAP_VERSION_VAL as libtpms 0.9 answers it: TPM 1.2, specLevel 2, errataRev 3, "IBM". */
    static final byte[] VERSION_VAL = {0x00, 0x30, 0x01, 0x02, 0x12, (byte) 0x9e, 0x00, 0x02, 0x03, 'I', 'B', 'M', 0x00, 0x00, 0x00};

    static void getCapability(Command c) {
        int capArea = c.in.u32();
        byte[] subCap = c.in.sized32();
        c.checkState(CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        int sub32 = subCap.length == 4 ? (subCap[0] & 0xff) << 24 | (subCap[1] & 0xff) << 16 | (subCap[2] & 0xff) << 8 | subCap[3] & 0xff : 0;
        int sub16 = subCap.length == 2 ? (subCap[0] & 0xff) << 8 | subCap[1] & 0xff : 0;
        Tpm12State st = c.st;
        if (st.testState != Tpm12State.TEST_FULL && !(capArea == CAP_VERSION || capArea == CAP_VERSION_VAL || capArea == CAP_MFR
                || capArea == CAP_PROPERTY && (sub32 == PROP_MANUFACTURER || sub32 == PROP_DURATION || sub32 == PROP_TIS_TIMEOUT))) {
            if (st.testState == Tpm12State.TEST_FAILURE) fail(Tpm12Rc.FAILEDSELFTEST);
            c.core.continueSelfTest();
        }
        ResponseWriter r = new ResponseWriter();
        switch (capArea) {
            case CAP_ORD -> r.bool(need(subCap, 4) && Handlers.implemented(sub32));
            case CAP_ALG -> r.bool(need(subCap, 4) && sub32 == Key12.ALG_RSA);
            case CAP_PID -> r.bool(need(subCap, 2) && sub16 >= 1 && sub16 <= 7); // OIAP, OSAP, ADIP, ADCP, OWNER, DSAP, TRANSPORT
            case CAP_FLAG -> {
                need(subCap, 4);
                switch (sub32) {
                    case CAP_FLAG_PERMANENT -> {
                        r.u16(0x001F);
                        for (boolean b : st.pf) r.bool(b);
                    }
                    case CAP_FLAG_VOLATILE -> r.u16(0x0020).bool(st.sfDeactivated).bool(st.sfDisableForceClear)
                            .bool(st.sfPhysicalPresence).bool(st.sfPhysicalPresenceLock).bool(st.sfGlobalLock);
                    default -> fail(Tpm12Rc.BAD_MODE);
                }
            }
            case CAP_PROPERTY -> {
                need(subCap, 4);
                property(c, r, sub32);
            }
            case CAP_VERSION -> r.u32(0x01010000);
            case CAP_KEY_HANDLE -> keyHandles(st, r);
            case CAP_HANDLE -> {
                need(subCap, 4);
                switch (sub32) {
                    case 1 -> keyHandles(st, r); // TPM_RT_KEY
                    case 2 -> { // TPM_RT_AUTH
                        r.u16(st.sessions.size());
                        for (int h : st.sessions.keySet()) r.u32(h);
                    }
                    case 6 -> { // TPM_RT_COUNTER
                        r.u16(Tpm12State.countersUsed(st));
                        for (int i = 0; i < st.counters.length; i++) if (st.counters[i] != null) r.u32(i);
                    }
                    case 4, 5, 8 -> r.u16(0); // TPM_RT_TRANS, CONTEXT, DAA_TPM: none held
                    default -> fail(Tpm12Rc.BAD_PARAMETER);
                }
            }
            case CAP_NV_LIST -> {
                for (int index : st.nv.keySet()) r.u32(index);
            }
            case CAP_NV_INDEX -> {
                need(subCap, 4);
                NvIndex12 n = st.nv.get(sub32);
                if (n == null) fail(Tpm12Rc.BADINDEX);
                r.bytes(n.publicArea());
            }
            case CAP_CHECK_LOADED -> {
                CommandReader sub = new CommandReader(subCap, 0, subCap.length);
                Key12 k = new Key12();
                Key12.readParms(k, sub); // short: TPM_BAD_PARAM_SIZE
                r.bool(k.algorithmId == Key12.ALG_RSA && st.keys.size() < Tpm12State.KEY_SLOTS);
            }
            case CAP_SYM_MODE -> {
                need(subCap, 4);
                r.bool(false);
            }
            case CAP_TRANS_ES -> {
                need(subCap, 2);
                r.bool(sub16 == 4 || sub16 == 5); // TPM_ES_SYM_CTR, TPM_ES_SYM_OFB
            }
            case CAP_SELECT_SIZE -> {
                CommandReader sub = new CommandReader(subCap, 0, subCap.length);
                int major = sub.u8(), minor = sub.u8();
                if (major != 1 || minor != 1 && minor != 2) fail(Tpm12Rc.BAD_PARAMETER);
                int reqSize = sub.u16();
                r.bool(reqSize != 0 && reqSize <= Tpm12State.NUM_PCR / 8);
            }
            case CAP_DA_LOGIC -> daInfo(c, r);
            case CAP_VERSION_VAL -> r.bytes(VERSION_VAL);
            case CAP_MFR -> fail(Tpm12Rc.BAD_MODE);
            default -> fail(Tpm12Rc.BAD_MODE);
        }
        c.out.sized32(r.toByteArray());
    }

    /** TPM_DA_INFO (TPM_DA_INFO_LIMITED when disableFullDALogicInfo): one threshold of 5, action TIMEOUT. */
    private static void daInfo(Command c, ResponseWriter r) {
        boolean active = c.core.lockedOut();
        boolean limited = c.st.pf[Tpm12State.PF_DISABLE_FULL_DA_LOGIC_INFO];
        r.u16(limited ? 0x0038 : 0x0037).bool(active);
        if (!limited) r.u16(Math.min(c.core.authFailCount(), 0xffff)).u16(Tpm12Core.LOCKOUT_THRESHOLD);
        r.u16(0x0039).u32(1);
        if (!limited) r.u32((int) c.core.lockoutSecondsLeft());
        r.u32(0);
    }

    private static int freeCounters(Tpm12State st) {
        int n = 0;
        for (CounterCommands.Counter k : st.counters) if (k == null) n++;
        return n;
    }

    private static boolean need(byte[] subCap, int size) {
        if (subCap.length != size) fail(Tpm12Rc.BAD_MODE);
        return true;
    }

    private static void keyHandles(Tpm12State st, ResponseWriter r) {
        r.u16(st.keys.size());
        for (int h : st.keys.keySet()) r.u32(h);
    }

    private static void property(Command c, ResponseWriter r, int prop) {
        Tpm12State st = c.st;
        switch (prop) {
            case 0x101 -> r.u32(Tpm12State.NUM_PCR);                               // PCR
            case 0x102 -> r.u32(1);                                                // DIR
            case 0x103 -> r.bytes(new byte[] {'I', 'B', 'M', 0});                  // MANUFACTURER
            case 0x104 -> r.u32(Tpm12State.KEY_SLOTS - st.keys.size());            // KEYS
            case 0x107 -> r.u32(0);                                                // MIN_COUNTER
            case 0x10A -> r.u32(Tpm12State.AUTH_SLOTS - st.sessions.size());       // AUTHSESS
            case 0x10B -> r.u32(16);                                               // TRANSESS
            case 0x10C -> r.u32(freeCounters(st));                                 // COUNTERS
            case 0x10D -> r.u32(Tpm12State.AUTH_SLOTS);                            // MAX_AUTHSESS
            case 0x10E -> r.u32(16);                                               // MAX_TRANSESS
            case 0x10F -> r.u32(CounterCommands.SLOTS);                            // MAX_COUNTERS
            case 0x110 -> r.u32(Tpm12State.KEY_SLOTS);                             // MAX_KEYS
            case 0x111 -> r.bool(st.ownerInstalled);                               // OWNER
            case 0x112 -> r.u32(128);                                              // CONTEXT
            case 0x113 -> r.u32(128);                                              // MAX_CONTEXT
            case 0x114 -> r.u32(16);                                               // FAMILYROWS
            case 0x115 -> r.u32(1_000_000).u32(1_000_000).u32(1_000_000).u32(1_000_000); // TIS_TIMEOUT
            case 0x116 -> r.u32(0x54);                                             // STARTUP_EFFECT
            case 0x117 -> r.u32(4);                                                // DELEGATE_ROW
            case 0x119 -> r.u32(2);                                                // MAX_DAASESS
            case 0x11A -> r.u32(2);                                                // DAASESS
            case 0x11B -> r.u32(0xffffffff);                                       // CONTEXT_DIST
            case 0x11C -> r.bool(true);                                            // DAA_INTERRUPT
            case 0x11D -> r.u32(Tpm12State.AUTH_SLOTS - st.sessions.size() + 16);  // SESSIONS
            case 0x11E -> r.u32(Tpm12State.AUTH_SLOTS + 16);                       // MAX_SESSIONS
            case 0x11F -> r.u32(0);                                                // CMK_RESTRICTION
            case 0x120 -> r.u32(50_000_000).u32(100_000_000).u32(300_000_000);     // DURATION
            case 0x122 -> r.u32(st.activeCounter == CounterCommands.COUNT_ID_ILLEGAL ? CounterCommands.COUNT_ID_NULL
                    : st.activeCounter);                                                  // ACTIVE_COUNTER
            case 0x123 -> r.u32(NvCommands.NV_SPACE - NvCommands.used(st));         // MAX_NV_AVAILABLE
            case 0x124 -> r.u32(Tpm12Core.BUFFER_MAX);                             // INPUT_BUFFER
            default -> fail(Tpm12Rc.BAD_MODE);
        }
    }
}
