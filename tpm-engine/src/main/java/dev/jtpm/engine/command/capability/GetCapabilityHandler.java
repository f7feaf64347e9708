package dev.jtpm.engine.command.capability;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Algorithms;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandTable;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetCapabilityResponse;
import dev.jtpm.types.structure.TpmiAlgHash;
import dev.jtpm.types.structure.TpmlAlgProperty;
import dev.jtpm.types.structure.TpmlAuditCommands;
import dev.jtpm.types.structure.TpmlCca;
import dev.jtpm.types.structure.TpmlEccCurve;
import dev.jtpm.types.structure.TpmlHandle;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmlPpCommands;
import dev.jtpm.types.structure.TpmlTaggedPcrProperty;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsAlgProperty;
import dev.jtpm.types.structure.TpmsCapabilityData;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsTaggedPcrSelect;
import dev.jtpm.types.structure.TpmsTaggedProperty;
import dev.jtpm.types.structure.TpmuCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * TPM2_GetCapability (Part 3, 30.2), with the semantics of ms-tpm-20-ref's CapGet functions
 * (which libtpms shares): values come in ascending order from {@code property}, at most
 * {@code propertyCount} of them and at most what fits in MAX_CAP_BUFFER, and moreData says whether
 * more follow. Reports only what works:
 * <ul>
 * <li>TPM_CAP_ALGS: the {@link Algorithms} table; {@code property} is a TPM_ALG_ID (low 16 bits).
 * <li>TPM_CAP_HANDLES: PCRs 0..23, the permanent handles the TPM accepts, loaded transient
 *     objects, persistent objects, NV indices, loaded sessions.
 * <li>TPM_CAP_COMMANDS: the TPMA_CC of every registered command; PP_COMMANDS: the commands that need
 *     physical presence ({@code PhysicalPresence}: TPM2_PP_Commands at manufacture); AUDIT_COMMANDS:
 *     the audited command codes (TPM2_SetCommandCodeAuditStatus).
 * <li>TPM_CAP_PCRS: the current allocation, one TPMS_PCR_SELECTION per implemented hash (empty
 *     bit maps included); {@code propertyCount} 0 gives an empty list with moreData YES.
 * <li>TPM_CAP_TPM_PROPERTIES: {@link TpmProperties}; a request never crosses from the fixed to
 *     the variable group.
 * <li>TPM_CAP_PCR_PROPERTIES: PCR_SAVE, EXTEND_L0..4, RESET_L0..4, NO_INCREMENT, DRTM_RESET, POLICY and
 *     AUTH from {@link PcrAttributes}.
 * <li>TPM_CAP_ECC_CURVES: the implemented curves (none yet).
 * </ul>
 * In failure mode only TPM_CAP_TPM_PROPERTIES answers, with the properties that identify the TPM
 * (TPM_PT_MANUFACTURER .. TPM_PT_FIRMWARE_VERSION_2), as Part 1 ("Failure Mode") requires.
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) for a capability the TPM does not support
 * (TPM_CAP_AUTH_POLICIES and TPM_CAP_ACT included); TPM_RC_HANDLE (parameter 2) for TPM_CAP_HANDLES
 * with a handle type that has no list; TPM_RC_VALUE (parameter 2) for TPM_CAP_PCRS with a
 * non-zero property; TPM_RC_FAILURE in failure mode for anything but TPM_CAP_TPM_PROPERTIES.
 */
public final class GetCapabilityHandler implements CommandHandler<GetCapability, GetCapabilityResponse> {
    /** What the capability data may hold: MAX_CAP_BUFFER less the capability and the count. */
    static final int MAX_CAP_DATA = TpmProperties.MAX_CAP_BUFFER - 4 - 4;
    static final int MAX_CAP_ALGS = MAX_CAP_DATA / 6;
    static final int MAX_CAP_HANDLES = MAX_CAP_DATA / 4;
    static final int MAX_CAP_CC = MAX_CAP_DATA / 4;
    static final int MAX_TPM_PROPERTIES = MAX_CAP_DATA / 8;
    /** sizeof(TPMS_TAGGED_PCR_SELECT): tag, size and PCR_SELECT_MAX octets. */
    static final int MAX_PCR_PROPERTIES = MAX_CAP_DATA / (4 + 1 + TpmsPcrSelection.SELECT_MAX);
    static final int MAX_ECC_CURVES = MAX_CAP_DATA / 2;

    /** TPM_CC bit 29: a vendor command. */
    private static final int CC_VENDOR = 1 << 29;

    /**
     * The permanent handles the TPM accepts (TPM_RS_PW as a session handle), ascending. TPM_RH_
     * PLATFORM_NV comes with the NV chapter.
     */
    static final List<Integer> PERMANENT_HANDLES = List.of(TpmRh.OWNER, TpmRh.NULL, TpmRh.RS_PW, TpmRh.LOCKOUT,
            TpmRh.ENDORSEMENT, TpmRh.PLATFORM);

    /** The TPM_PT_PCR properties reported, ascending. */
    private static final int[] PCR_PROPERTIES = {TpmPt.PCR_SAVE, TpmPt.PCR_EXTEND_L0, TpmPt.PCR_RESET_L0,
            TpmPt.PCR_EXTEND_L1, TpmPt.PCR_RESET_L1, TpmPt.PCR_EXTEND_L2, TpmPt.PCR_RESET_L2, TpmPt.PCR_EXTEND_L3,
            TpmPt.PCR_RESET_L3, TpmPt.PCR_EXTEND_L4, TpmPt.PCR_RESET_L4, TpmPt.PCR_NO_INCREMENT,
            TpmPt.PCR_DRTM_RESET, TpmPt.PCR_POLICY, TpmPt.PCR_AUTH};

    private final Supplier<CommandTable> commands;

    /** @param commands the commands the TPM implements (TPM_CAP_COMMANDS, TPM_PT_TOTAL_COMMANDS) */
    public GetCapabilityHandler(Supplier<CommandTable> commands) { this.commands = commands; }

    @Override
    public GetCapabilityResponse execute(GetCapability cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int property = cmd.property();
        int count = cmd.propertyCount();
        if (s.failureMode) {
            if (cmd.capability() != TpmCap.TPM_PROPERTIES) throw new TpmFailure(TpmRc.FAILURE);
            int start = Integer.compareUnsigned(property, TpmPt.MANUFACTURER) < 0 ? TpmPt.MANUFACTURER : property;
            return tpmProperties(TpmProperties.vendor(), start, count);
        }
        return switch (cmd.capability()) {
            case TpmCap.ALGS -> algorithms(property & 0xFFFF, count);
            case TpmCap.HANDLES -> handles(s, property, count);
            case TpmCap.COMMANDS -> commandList(property, count);
            case TpmCap.PP_COMMANDS -> ppCommands(s, property, count);
            case TpmCap.AUDIT_COMMANDS -> auditCommands(s, property, count);
            case TpmCap.PCRS -> pcrs(s, property, count);
            case TpmCap.TPM_PROPERTIES -> tpmProperties(TpmProperties.all(s, commands.get()), property, count);
            case TpmCap.PCR_PROPERTIES -> pcrProperties(property, count);
            case TpmCap.ECC_CURVES -> eccCurves(property & 0xFFFF, count);
            default -> throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        };
    }

    private static GetCapabilityResponse answer(TpmuCapabilities data, boolean more) {
        return new GetCapabilityResponse(more, new TpmsCapabilityData(data));
    }

    private static boolean atOrAfter(int value, int start) { return Integer.compareUnsigned(value, start) >= 0; }

    private static List<Integer> from(List<Integer> ascending, int start) {
        return ascending.stream().filter(v -> atOrAfter(v, start)).toList();
    }

    // ---------------------------------------------------------------- TPM_CAP_ALGS, ECC_CURVES

    private static GetCapabilityResponse algorithms(int start, int count) {
        List<TpmsAlgProperty> candidates = Algorithms.all().stream().filter(e -> e.alg() >= start)
                .map(e -> new TpmsAlgProperty(e.alg(), e.attributes())).toList();
        Page<TpmsAlgProperty> page = Page.of(candidates, count, MAX_CAP_ALGS);
        return answer(new TpmlAlgProperty(page.items()), page.more());
    }

    private static GetCapabilityResponse eccCurves(int start, int count) {
        Page<Integer> page = Page.of(from(Algorithms.eccCurves(), start), count, MAX_ECC_CURVES);
        return answer(new TpmlEccCurve(page.items()), page.more());
    }

    // ---------------------------------------------------------------- TPM_CAP_HANDLES

    private static final int SESSION_INDEX = 0x00FFFFFF;

    private static GetCapabilityResponse handles(TpmState s, int start, int count) {
        List<Integer> candidates = switch (TpmHt.of(start)) {
            case TpmHt.PCR -> {
                List<Integer> pcrs = new ArrayList<>();
                for (int pcr = start; pcr < PcrAttributes.COUNT; pcr++) pcrs.add(pcr);
                yield pcrs;
            }
            case TpmHt.PERMANENT -> from(PERMANENT_HANDLES, start);
            case TpmHt.TRANSIENT -> from(List.copyOf(s.objects.all().keySet()), start);
            // ms-tpm's SessionCapGetLoaded/SessionCapGetSaved: one index space for both session types, walked from
            // the start handle's index; a loaded session is listed under its own type, a saved one as 0x02000000 + index
            case TpmHt.LOADED_SESSION -> s.sessions.all().keySet().stream()
                    .filter(h -> (h & SESSION_INDEX) >= (start & SESSION_INDEX))
                    .sorted(java.util.Comparator.comparingInt(h -> h & SESSION_INDEX)).toList();
            case TpmHt.SAVED_SESSION -> s.sessions.savedHandles().stream()
                    .map(h -> TpmRh.HMAC_SESSION_FIRST | (h & SESSION_INDEX))
                    .filter(h -> (h & SESSION_INDEX) >= (start & SESSION_INDEX)).sorted().toList();
            // none of these exist yet
            case TpmHt.PERSISTENT -> from(List.copyOf(s.persistent.persistentObjects.keySet()), start);
            case TpmHt.NV_INDEX -> from(dev.jtpm.engine.state.NvIndices.handles(s), start);
            default -> throw new TpmFailure(TpmRc.HANDLE.atParameter(2));
        };
        Page<Integer> page = Page.of(candidates, count, MAX_CAP_HANDLES);
        return answer(new TpmlHandle(page.items()), page.more());
    }

    // ---------------------------------------------------------------- TPM_CAP_COMMANDS

    private GetCapabilityResponse commandList(int start, int count) {
        CommandTable table = commands.get();
        List<Integer> candidates = new ArrayList<>();
        // a code beyond 16 bits, or a vendor code (there are no vendor commands), lists nothing
        if ((start & ~CC_VENDOR & 0xFFFF0000) == 0 && (start & CC_VENDOR) == 0) {
            for (int cc : table.commandCodes()) {
                if (cc >= start) candidates.add(CommandAttributes.of(table.get(cc)));
            }
        }
        Page<Integer> page = Page.of(candidates, count, MAX_CAP_CC);
        return answer(new TpmlCca(page.items()), page.more());
    }

    /**
     * ms-tpm PhysicalPresenceCapGetCCList: the commands that need physical presence from {@code start} on, ascending;
     * a start beyond 16 bits or among vendor codes lists nothing, as for TPM_CAP_COMMANDS.
     */
    private static GetCapabilityResponse ppCommands(TpmState s, int start, int count) {
        List<Integer> candidates = new ArrayList<>();
        if ((start & 0xFFFF0000) == 0) {
            for (int cc : s.persistent.ppCommands) if (cc >= start) candidates.add(cc);
        }
        Page<Integer> page = Page.of(candidates, count, MAX_CAP_CC);
        return answer(new TpmlPpCommands(page.items()), page.more());
    }

    // ---------------------------------------------------------------- PCRs

    private static GetCapabilityResponse pcrs(TpmState s, int property, int count) {
        if (property != 0) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
        if (count == 0) return answer(new TpmlPcrSelection(List.of()), true);
        int[] allocation = s.pcrs.allocation();
        List<TpmsPcrSelection> banks = new ArrayList<>();
        for (int b = 0; b < TpmiAlgHash.IMPLEMENTED.length; b++) {
            int bank = allocation[b];
            banks.add(new TpmsPcrSelection(TpmiAlgHash.IMPLEMENTED[b], bitMap(pcr -> (bank & (1 << pcr)) != 0)));
        }
        return answer(new TpmlPcrSelection(banks), false);
    }

    /** A PCR_SELECT_MAX-octet bit map of the PCRs that satisfy {@code has}. */
    private static Bytes bitMap(IntPredicate has) {
        byte[] bits = new byte[TpmsPcrSelection.SELECT_MAX];
        for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
            if (has.test(pcr)) bits[pcr / 8] |= (byte) (1 << (pcr % 8));
        }
        return Bytes.wrap(bits);
    }

    private static GetCapabilityResponse pcrProperties(int start, int count) {
        List<TpmsTaggedPcrSelect> candidates = new ArrayList<>();
        for (int tag : PCR_PROPERTIES) {
            if (atOrAfter(tag, start)) candidates.add(new TpmsTaggedPcrSelect(tag, bitMap(pcr -> hasPcrProperty(tag, pcr))));
        }
        Page<TpmsTaggedPcrSelect> page = Page.of(candidates, count, MAX_PCR_PROPERTIES);
        return answer(new TpmlTaggedPcrProperty(page.items()), page.more());
    }

    /** ms-tpm CommandAuditCapGetCCList: the audited commands from {@code start} on, ascending (no vendor commands). */
    private static GetCapabilityResponse auditCommands(TpmState s, int start, int count) {
        List<Integer> candidates = new ArrayList<>();
        for (int cc : s.persistent.auditCommands) if (Integer.compareUnsigned(cc, start) >= 0) candidates.add(cc);
        Page<Integer> page = Page.of(candidates, count, MAX_CAP_CC);
        return answer(new TpmlAuditCommands(page.items()), page.more());
    }

    private static boolean hasPcrProperty(int tag, int pcr) {
        return switch (tag) {
            case TpmPt.PCR_SAVE -> PcrAttributes.stateSave(pcr);
            case TpmPt.PCR_NO_INCREMENT -> PcrAttributes.noIncrement(pcr);
            // D-RTM PCRs are those locality 4 resets (ms-tpm's definition)
            case TpmPt.PCR_DRTM_RESET -> (PcrAttributes.resetLocalities(pcr) & 0x10) != 0;
            case TpmPt.PCR_POLICY -> PcrAttributes.policyGroup(pcr);
            case TpmPt.PCR_AUTH -> PcrAttributes.authGroup(pcr);
            default -> {
                // TPM_PT_PCR_EXTEND_Ln = 2n + 1, TPM_PT_PCR_RESET_Ln = 2n + 2
                int locality = (tag - 1) / 2;
                int bits = tag % 2 == 1 ? PcrAttributes.extendLocalities(pcr) : PcrAttributes.resetLocalities(pcr);
                yield (bits & (1 << locality)) != 0;
            }
        };
    }

    // ---------------------------------------------------------------- TPM_CAP_TPM_PROPERTIES

    /**
     * ms-tpm's TPMCapGetProperties: a start below PT_FIXED starts at PT_FIXED; from PT_VAR + PT_GROUP
     * on there is nothing; a request never reads past the end of its group.
     */
    private static GetCapabilityResponse tpmProperties(SortedMap<Integer, Integer> defined, int start, int count) {
        if (Integer.compareUnsigned(start, TpmPt.FIXED) < 0) start = TpmPt.FIXED;
        List<TpmsTaggedProperty> candidates = new ArrayList<>();
        if (Integer.compareUnsigned(start, TpmPt.VAR + TpmProperties.GROUP) < 0) {
            int groupEnd = (start / TpmProperties.GROUP + 1) * TpmProperties.GROUP;
            for (Map.Entry<Integer, Integer> e : defined.subMap(start, groupEnd).entrySet()) {
                candidates.add(new TpmsTaggedProperty(e.getKey(), e.getValue()));
            }
        }
        Page<TpmsTaggedProperty> page = Page.of(candidates, count, MAX_TPM_PROPERTIES);
        return answer(new TpmlTaggedTpmProperty(page.items()), page.more());
    }
}
