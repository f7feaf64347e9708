package dev.jtpm.engine.session;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.command.CommandTable;
import java.util.List;
import java.util.Set;

/**
 * Physical presence (Part 1, 19.7.5 and 30; ms-tpm PP.c): the persistent list of commands that need physical
 * presence when TPM_RH_PLATFORM is authorized for them ({@code PersistentState.ppCommands}), and which commands
 * may be in it. Part 3 marks each command that may be on the list ("PP" in its command table: ms-tpm's
 * PP_COMMAND) and the one that must always be (TPM2_PP_Commands itself: PP_REQUIRED); the sets below are
 * libtpms 0.9's {@code s_commandAttributes}, whether or not jtpm implements the command yet. A code changes the
 * list only if the TPM implements it, as ms-tpm's PhysicalPresenceCommandSet/Clear.
 *
 * <p>The pipeline asks {@link #isRequired} for every session that authorizes TPM_RH_PLATFORM (ms-tpm
 * CheckAuthSession) and answers TPM_RC_PP unless the platform asserts physical presence.
 */
public final class PhysicalPresence {
    private PhysicalPresence() {}

    /** Commands that may need physical presence (PP_COMMAND). */
    public static final Set<Integer> PP_COMMAND = Set.copyOf(List.of(TpmCc.NV_UNDEFINE_SPACE_SPECIAL,
            TpmCc.EVICT_CONTROL, TpmCc.HIERARCHY_CONTROL, TpmCc.NV_UNDEFINE_SPACE, TpmCc.CHANGE_EPS, TpmCc.CHANGE_PPS,
            TpmCc.CLEAR, TpmCc.CLEAR_CONTROL, TpmCc.CLOCK_SET, TpmCc.HIERARCHY_CHANGE_AUTH, TpmCc.NV_DEFINE_SPACE,
            TpmCc.PCR_ALLOCATE, TpmCc.PCR_SET_AUTH_POLICY, TpmCc.SET_PRIMARY_POLICY, TpmCc.FIELD_UPGRADE_START,
            TpmCc.CLOCK_RATE_ADJUST, TpmCc.CREATE_PRIMARY, TpmCc.NV_GLOBAL_WRITE_LOCK,
            TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, TpmCc.CREATE_LOADED));

    /** Commands that always need physical presence (PP_REQUIRED): on the list at manufacture, never cleared. */
    public static final Set<Integer> PP_REQUIRED = Set.of(TpmCc.PP_COMMANDS);

    /** ms-tpm PhysicalPresenceIsRequired: {@code cc} needs physical presence when platformAuth/Policy authorizes it. */
    public static boolean isRequired(TpmState s, int cc) { return s.persistent.ppCommands.contains(cc); }

    /** Whether the platform asserts physical presence now (ms-tpm _plat__PhysicalPresenceAsserted). */
    public static boolean isAsserted(TpmState s) { return s.platform.physicalPresence().getAsBoolean(); }

    /**
     * ms-tpm PhysicalPresenceCommandSet: puts {@code cc} on the list if the TPM implements it and it is a PP
     * command; other codes are ignored. True if the list changed.
     */
    public static boolean set(TpmState s, CommandTable implemented, int cc) {
        return implemented.get(cc) != null && PP_COMMAND.contains(cc) && s.persistent.ppCommands.add(cc);
    }

    /**
     * ms-tpm PhysicalPresenceCommandClear: takes {@code cc} off the list if the TPM implements it and its physical
     * presence is not required; other codes are ignored. True if the list changed.
     */
    public static boolean clear(TpmState s, CommandTable implemented, int cc) {
        return implemented.get(cc) != null && !PP_REQUIRED.contains(cc) && s.persistent.ppCommands.remove(cc);
    }
}
