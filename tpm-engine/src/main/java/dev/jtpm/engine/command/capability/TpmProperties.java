package dev.jtpm.engine.command.capability;

import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObjects;
import dev.jtpm.types.Algorithms;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.command.CommandTable;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The TPM_PT properties (Part 2, 6.13) TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES) reports: the
 * fixed group (PT_FIXED, 0x100..) describes this implementation, the variable group (PT_VAR,
 * 0x200..) its current state. A property absent here is not reported at all (as ms-tpm's
 * TPMPropertyIsDefined does for undefined ones): MAX_OBJECT_CONTEXT, MAX_SESSION_CONTEXT,
 * CONTEXT_SYM and CONTEXT_SYM_SIZE come with context management.
 */
public final class TpmProperties {
    private TpmProperties() {}

    /** PT_GROUP: the size of a property group. */
    static final int GROUP = 0x100;

    // ---------------------------------------------------------------- identity
    /** TPM_PT_FAMILY_INDICATOR: "2.0". */
    public static final int FAMILY_INDICATOR = 0x322E3000;
    /** The library specification level, revision (x100), day of year and year we report: libtpms 0.9's. */
    public static final int LEVEL = 0, REVISION = 164, DAY_OF_YEAR = 75, YEAR = 2021;
    /** TPM_PT_MANUFACTURER: "JTPM". */
    public static final int MANUFACTURER = ascii("JTPM");
    /** TPM_PT_VENDOR_STRING_1: "jtpm" (strings 2..4 are zero). */
    public static final int VENDOR_STRING_1 = ascii("jtpm");
    /** TPM_PT_VENDOR_TPM_TYPE. */
    public static final int VENDOR_TPM_TYPE = 1;
    /** TPM_PT_FIRMWARE_VERSION_1/2: jtpm 0.1.0 as major &lt;&lt; 16 | minor, and patch &lt;&lt; 16. */
    public static final int FIRMWARE_VERSION_1 = 0x00000001, FIRMWARE_VERSION_2 = 0x00000000;

    // ---------------------------------------------------------------- limits
    /** MAX_CAP_BUFFER: the most octets of TPMS_CAPABILITY_DATA in one response. */
    public static final int MAX_CAP_BUFFER = 1024;
    /** MAX_COMMAND_SIZE and MAX_RESPONSE_SIZE (as the pipeline enforces). */
    public static final int MAX_COMMAND_SIZE = 4096;
    /** MAX_DIGEST_BUFFER (TPM_PT_INPUT_BUFFER) and MAX_NV_BUFFER_SIZE. */
    public static final int INPUT_BUFFER = 1024, NV_BUFFER_MAX = 1024;
    /** MAX_NV_INDEX_SIZE. */
    public static final int NV_INDEX_MAX = 2048;
    /** MAX_LOADED_SESSIONS and MAX_ACTIVE_SESSIONS, the session chapter's limits. */
    public static final int LOADED_SESSIONS = dev.jtpm.engine.session.SessionSlots.MAX_LOADED, ACTIVE_SESSIONS = 64;
    /** TPM_PT_CONTEXT_GAP_MAX: a 16-bit context counter slot. */
    public static final int CONTEXT_GAP_MAX = 0xFFFF;
    /** MAX_ORDERLY_COUNT. */
    public static final int ORDERLY_COUNT = 0xFF;
    /** TPMA_MEMORY: sharedNV | objectCopiedToRam. */
    public static final int MEMORY = 0x6;
    /** TPM_PT_CLOCK_UPDATE: milliseconds between NV updates of Clock. */
    public static final int CLOCK_UPDATE = 0x1000;

    // TPMA_PERMANENT and TPMA_STARTUP_CLEAR bits (Part 2, 8.6 and 8.7)
    static final int OWNER_AUTH_SET = 1, ENDORSEMENT_AUTH_SET = 1 << 1, LOCKOUT_AUTH_SET = 1 << 2,
            DISABLE_CLEAR = 1 << 8, IN_LOCKOUT = 1 << 9, TPM_GENERATED_EPS = 1 << 10;
    static final int PH_ENABLE = 1, SH_ENABLE = 1 << 1, EH_ENABLE = 1 << 2, PH_ENABLE_NV = 1 << 3, ORDERLY = 1 << 31;

    /** The four-character string as a UINT32, first character in the high octet. */
    static int ascii(String s) {
        int v = 0;
        for (int i = 0; i < 4; i++) v = v << 8 | (i < s.length() ? s.charAt(i) & 0xFF : 0);
        return v;
    }

    /** The properties that identify the TPM: all GetCapability reports in failure mode (Part 1, "Failure Mode"). */
    static SortedMap<Integer, Integer> vendor() {
        SortedMap<Integer, Integer> p = new TreeMap<>();
        p.put(TpmPt.MANUFACTURER, MANUFACTURER);
        p.put(TpmPt.VENDOR_STRING_1, VENDOR_STRING_1);
        p.put(TpmPt.VENDOR_STRING_2, 0);
        p.put(TpmPt.VENDOR_STRING_3, 0);
        p.put(TpmPt.VENDOR_STRING_4, 0);
        p.put(TpmPt.VENDOR_TPM_TYPE, VENDOR_TPM_TYPE);
        p.put(TpmPt.FIRMWARE_VERSION_1, FIRMWARE_VERSION_1);
        p.put(TpmPt.FIRMWARE_VERSION_2, FIRMWARE_VERSION_2);
        return p;
    }

    /** Every defined property and its value now, ascending by TPM_PT. */
    static SortedMap<Integer, Integer> all(TpmState s, CommandTable commands) {
        SortedMap<Integer, Integer> p = vendor();
        // fixed
        p.put(TpmPt.FAMILY_INDICATOR, FAMILY_INDICATOR);
        p.put(TpmPt.LEVEL, LEVEL);
        p.put(TpmPt.REVISION, REVISION);
        p.put(TpmPt.DAY_OF_YEAR, DAY_OF_YEAR);
        p.put(TpmPt.YEAR, YEAR);
        p.put(TpmPt.INPUT_BUFFER, INPUT_BUFFER);
        p.put(TpmPt.HR_TRANSIENT_MIN, TransientObjects.MAX_LOADED);
        p.put(TpmPt.HR_PERSISTENT_MIN, dev.jtpm.engine.command.context.EvictControlHandler.MIN_PERSISTENT);
        p.put(TpmPt.HR_LOADED_MIN, LOADED_SESSIONS);
        p.put(TpmPt.ACTIVE_SESSIONS_MAX, ACTIVE_SESSIONS);
        p.put(TpmPt.PCR_COUNT, PcrAttributes.COUNT);
        p.put(TpmPt.PCR_SELECT_MIN, TpmsPcrSelection.SELECT_MIN);
        p.put(TpmPt.CONTEXT_GAP_MAX, CONTEXT_GAP_MAX);
        p.put(TpmPt.NV_COUNTERS_MAX, 0);
        p.put(TpmPt.NV_INDEX_MAX, NV_INDEX_MAX);
        p.put(TpmPt.MEMORY, MEMORY);
        p.put(TpmPt.CLOCK_UPDATE, CLOCK_UPDATE);
        p.put(TpmPt.CONTEXT_HASH, TpmAlg.SHA512);
        p.put(TpmPt.ORDERLY_COUNT, ORDERLY_COUNT);
        p.put(TpmPt.MAX_COMMAND_SIZE, Math.min(s.bufferSize, MAX_COMMAND_SIZE));   // CMD_SET_BUFFERSIZE, as libtpms
        p.put(TpmPt.MAX_RESPONSE_SIZE, Math.min(s.bufferSize, MAX_COMMAND_SIZE));
        p.put(TpmPt.MAX_DIGEST, 64);
        // the platform specification: ms-tpm-20-ref and libtpms report the library's values here
        p.put(TpmPt.PS_FAMILY_INDICATOR, FAMILY_INDICATOR);
        p.put(TpmPt.PS_LEVEL, LEVEL);
        p.put(TpmPt.PS_REVISION, REVISION);
        p.put(TpmPt.PS_DAY_OF_YEAR, DAY_OF_YEAR);
        p.put(TpmPt.PS_YEAR, YEAR);
        p.put(TpmPt.SPLIT_MAX, 0);
        int commandCount = commands.commandCodes().length;
        p.put(TpmPt.TOTAL_COMMANDS, commandCount);
        p.put(TpmPt.LIBRARY_COMMANDS, commandCount);
        p.put(TpmPt.VENDOR_COMMANDS, 0);
        p.put(TpmPt.NV_BUFFER_MAX, NV_BUFFER_MAX);
        p.put(TpmPt.MODES, 0);
        p.put(TpmPt.MAX_CAP_BUFFER, MAX_CAP_BUFFER);
        // variable
        PersistentState ps = s.persistent;
        p.put(TpmPt.PERMANENT, (ps.ownerAuth.isEmpty() ? 0 : OWNER_AUTH_SET)
                | (ps.endorsementAuth.isEmpty() ? 0 : ENDORSEMENT_AUTH_SET)
                | (ps.lockoutAuth.isEmpty() ? 0 : LOCKOUT_AUTH_SET)
                | (ps.disableClear ? DISABLE_CLEAR : 0)
                | (dev.jtpm.engine.session.DictionaryAttack.inLockout(s) ? IN_LOCKOUT : 0) | TPM_GENERATED_EPS);
        p.put(TpmPt.STARTUP_CLEAR, (s.phEnable ? PH_ENABLE : 0) | (s.stateClear.shEnable() ? SH_ENABLE : 0)
                | (s.stateClear.ehEnable() ? EH_ENABLE : 0) | (s.stateClear.phEnableNV() ? PH_ENABLE_NV : 0)
                | (s.orderlyStartup ? ORDERLY : 0));
        p.put(TpmPt.HR_NV_INDEX, dev.jtpm.engine.state.NvIndices.handles(s).size());
        p.put(TpmPt.HR_LOADED, s.sessions.count());
        p.put(TpmPt.HR_LOADED_AVAIL, LOADED_SESSIONS - s.sessions.count());
        p.put(TpmPt.HR_ACTIVE, s.sessions.count());
        p.put(TpmPt.HR_ACTIVE_AVAIL, ACTIVE_SESSIONS - s.sessions.count());
        p.put(TpmPt.HR_TRANSIENT_AVAIL, TransientObjects.MAX_LOADED - s.objects.count());
        int persistent = s.persistent.persistentObjects.size();
        p.put(TpmPt.HR_PERSISTENT, persistent);
        p.put(TpmPt.HR_PERSISTENT_AVAIL, dev.jtpm.engine.command.context.EvictControlHandler.MAX_PERSISTENT - persistent);
        p.put(TpmPt.NV_COUNTERS, dev.jtpm.engine.state.NvIndices.counters(s));
        p.put(TpmPt.NV_COUNTERS_AVAIL, dev.jtpm.engine.state.NvIndices.countersAvailable(s));
        p.put(TpmPt.ALGORITHM_SET, 0);
        p.put(TpmPt.LOADED_CURVES, Algorithms.eccCurves().size());
        p.put(TpmPt.LOCKOUT_COUNTER, ps.failedTries);
        p.put(TpmPt.MAX_AUTH_FAIL, ps.maxTries);
        p.put(TpmPt.LOCKOUT_INTERVAL, ps.recoveryTime);
        p.put(TpmPt.LOCKOUT_RECOVERY, ps.lockoutRecovery);
        p.put(TpmPt.NV_WRITE_RECOVERY, 0);
        p.put(TpmPt.AUDIT_COUNTER_0, (int) (ps.auditCounter >>> 32));
        p.put(TpmPt.AUDIT_COUNTER_1, (int) ps.auditCounter);
        return p;
    }
}
