package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.PcrAllocateResponse;
import dev.jtpm.types.structure.TpmiAlgHash;
import dev.jtpm.types.structure.TpmsPcrSelection;

/**
 * TPM2_PCR_Allocate (Part 3, 22.5): sets the PCR allocation that takes effect at the next
 * _TPM_Init; the allocation in use does not change before then.
 *
 * <p>The new allocation starts from the one in use: each bank named in pcrAllocation gets exactly
 * the PCRs selected for it (an empty bit map removes the bank), a bank not named keeps its current
 * PCRs, and a bank named twice takes the last selection. As in ms-tpm-20-ref (PCRAllocate), the
 * result must keep the H-CRTM PCR (0) and the D-RTM PCR (17) in at least one bank. The response
 * reports allocationSuccess YES, maxPCR 24 (IMPLEMENTATION_PCR), sizeNeeded = the digest octets
 * of every PCR allocated, and sizeAvailable = the octets of all PCRs in all implemented banks.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): authHandle is not TPM_RH_PLATFORM (TPMI_RH_PLATFORM, checked with
 *       the handle area)</li>
 *   <li>TPM_RC_PCR: the new allocation would have no bank with PCR 0 or none with PCR 17 (this
 *       includes an allocation with no PCR at all)</li>
 *   <li>TPM_RC_HASH (parameter 1): a selection names a hash this TPM does not implement</li>
 *   <li>TPM_RC_VALUE (parameter 1): sizeofSelect outside PCR_SELECT_MIN..PCR_SELECT_MAX</li>
 *   <li>TPM_RC_SIZE (parameter 1): more than HASH_COUNT selections</li>
 * </ul>
 * Platform authorization (a password session with platformAuth) is checked by the pipeline.
 */
public final class PcrAllocateHandler implements CommandHandler<PcrAllocate, PcrAllocateResponse> {
    /** HCRTM_PCR and DRTM_PCR of the PC Client profile. */
    static final int HCRTM_PCR = 0, DRTM_PCR = 17;

    @Override
    public PcrAllocateResponse execute(PcrAllocate cmd, CommandContext ctx) {
        // input validation
        TpmState s = ctx.state();
        int[] allocation = s.pcrs.allocation();
        for (TpmsPcrSelection sel : cmd.pcrAllocation().pcrSelections()) {
            allocation[bankIndex(sel.hash())] = bitMap(sel);
        }
        int banksWithPcr0 = 0, banksWithPcr17 = 0;
        int sizeNeeded = 0, sizeAvailable = 0;
        for (int b = 0; b < allocation.length; b++) {
            int digestSize = TpmAlg.digestSize(TpmiAlgHash.IMPLEMENTED[b]);
            if ((allocation[b] & (1 << HCRTM_PCR)) != 0) banksWithPcr0++;
            if ((allocation[b] & (1 << DRTM_PCR)) != 0) banksWithPcr17++;
            sizeNeeded += Integer.bitCount(allocation[b]) * digestSize;
            sizeAvailable += PcrAttributes.COUNT * digestSize;
        }
        if (banksWithPcr0 == 0 || banksWithPcr17 == 0) throw new TpmFailure(TpmRc.PCR);

        // command output
        s.persistent.pcrAllocation = allocation;
        ctx.persistentChanged();
        return new PcrAllocateResponse(true, PcrAttributes.COUNT, sizeNeeded, sizeAvailable);
    }

    private static int bankIndex(int alg) {
        for (int b = 0; b < TpmiAlgHash.IMPLEMENTED.length; b++) if (TpmiAlgHash.IMPLEMENTED[b] == alg) return b;
        throw new TpmFailure(TpmRc.HASH.atParameter(1)); // unreachable: the codec admits implemented hashes only
    }

    /** The selection's bit map as an int, bit n = PCR n. */
    private static int bitMap(TpmsPcrSelection sel) {
        int bits = 0;
        for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) if (sel.isSelected(pcr)) bits |= 1 << pcr;
        return bits;
    }
}
