package dev.jtpm.engine.command.capability;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.command.CommandTable;
import java.util.Set;

/**
 * TPMA_CC (Part 2, 8.9) of a command: commandIndex, cHandles and rHandle come from the command's
 * records ({@link CommandTable.Entry#attributes}); nv, extensive and flushed are properties of the
 * command in Part 3's command table, kept here. The values match libtpms' (and ms-tpm-20-ref's)
 * {@code s_ccAttr} for every library command.
 */
final class CommandAttributes {
    private CommandAttributes() {}

    private static final int EXTENSIVE = 1 << 23;

    /** Commands that may write NV (TPMA_CC.nv). */
    private static final Set<Integer> NV = Set.of(TpmCc.NV_UNDEFINE_SPACE_SPECIAL, TpmCc.EVICT_CONTROL,
            TpmCc.HIERARCHY_CONTROL, TpmCc.NV_UNDEFINE_SPACE, TpmCc.CHANGE_EPS, TpmCc.CHANGE_PPS, TpmCc.CLEAR,
            TpmCc.CLEAR_CONTROL, TpmCc.CLOCK_SET, TpmCc.HIERARCHY_CHANGE_AUTH, TpmCc.NV_DEFINE_SPACE,
            TpmCc.PCR_ALLOCATE, TpmCc.PCR_SET_AUTH_POLICY, TpmCc.PP_COMMANDS, TpmCc.SET_PRIMARY_POLICY,
            TpmCc.NV_GLOBAL_WRITE_LOCK, TpmCc.GET_COMMAND_AUDIT_DIGEST, TpmCc.NV_INCREMENT, TpmCc.NV_SET_BITS,
            TpmCc.NV_EXTEND, TpmCc.NV_WRITE, TpmCc.NV_WRITE_LOCK, TpmCc.DICTIONARY_ATTACK_LOCK_RESET,
            TpmCc.DICTIONARY_ATTACK_PARAMETERS, TpmCc.NV_CHANGE_AUTH, TpmCc.PCR_EVENT, TpmCc.PCR_RESET,
            TpmCc.SET_ALGORITHM_SET, TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, TpmCc.INCREMENTAL_SELF_TEST,
            TpmCc.SELF_TEST, TpmCc.STARTUP, TpmCc.SHUTDOWN, TpmCc.STIR_RANDOM, TpmCc.NV_READ_LOCK, TpmCc.PCR_EXTEND,
            TpmCc.EVENT_SEQUENCE_COMPLETE);

    /** Commands that may flush many objects (TPMA_CC.extensive). */
    private static final Set<Integer> EXTENSIVE_COMMANDS = Set.of(TpmCc.HIERARCHY_CONTROL, TpmCc.CHANGE_EPS,
            TpmCc.CHANGE_PPS, TpmCc.CLEAR);

    /** Commands that flush their first handle's object (TPMA_CC.flushed). */
    private static final Set<Integer> FLUSHED = Set.of(TpmCc.SEQUENCE_COMPLETE, TpmCc.EVENT_SEQUENCE_COMPLETE);

    /** The TPMA_CC of a command. */
    static int of(CommandTable.Entry e) {
        int cc = e.commandCode();
        return e.attributes(NV.contains(cc), FLUSHED.contains(cc)) | (EXTENSIVE_COMMANDS.contains(cc) ? EXTENSIVE : 0);
    }
}
