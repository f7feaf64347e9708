package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * Checks and updates shared by the PCR commands (Part 3, 22), the counterpart of ms-tpm-20-ref's
 * PCR.c subsystem functions: the locality rules of the PCR attribute table, and extends/resets
 * that keep pcrUpdateCounter as Part 1 and libtpms do. Handle types (TPMI_DH_PCR, TPMI_DH_PCR+)
 * are checked by the codec with the handle area ({@code @Is} on the command records).
 */
final class PcrSupport {
    private PcrSupport() {}

    /** What {@link #pcrNumber} returns for TPM_RH_NULL. */
    static final int NULL_PCR = -1;

    /** The highest locality a PCR attribute bit map describes (localities 0..4). */
    private static final int MAX_LOCALITY = 4;

    /**
     * The PCR number of a TPMI_DH_PCR(+) handle that the codec has checked, or {@link #NULL_PCR}
     * for TPM_RH_NULL.
     */
    static int pcrNumber(int handle) {
        return handle == TpmRh.NULL ? NULL_PCR : handle - TpmRh.PCR_FIRST;
    }

    /** True if {@code bits} (bit n = locality n) allows {@code locality}; extended localities never match. */
    private static boolean allows(int bits, int locality) {
        return locality >= 0 && locality <= MAX_LOCALITY && (bits & (1 << locality)) != 0;
    }

    /**
     * The extend rule (ms-tpm PCRIsExtendAllowed): the PCR's extend localities.
     *
     * @throws TpmFailure TPM_RC_LOCALITY when {@code locality} may not extend {@code pcr}
     */
    static void checkExtendLocality(int pcr, int locality) {
        if (!allows(PcrAttributes.extendLocalities(pcr), locality)) throw new TpmFailure(TpmRc.LOCALITY);
    }

    /**
     * The reset rule (ms-tpm PCRIsResetAllowed): the PCR's reset localities, and never locality 4 on
     * a D-RTM platform (PCRs that locality 4 resets are reset by _TPM_Hash_Start, not by a command).
     *
     * @throws TpmFailure TPM_RC_LOCALITY when {@code locality} may not reset {@code pcr}
     */
    static void checkResetLocality(int pcr, int locality) {
        if (locality == MAX_LOCALITY || !allows(PcrAttributes.resetLocalities(pcr), locality)) {
            throw new TpmFailure(TpmRc.LOCALITY);
        }
    }

    /**
     * PCR := H(PCR || digest) in bank {@code alg} if that PCR is allocated there; each bank changed
     * counts once in pcrUpdateCounter (ms-tpm PCRExtend calls PCRChanged per bank).
     */
    static void extend(PcrBanks pcrs, int pcr, int alg, Bytes digest) {
        if (!pcrs.isAllocated(alg, pcr)) return;
        pcrs.extend(alg, pcr, digest);
        changed(pcrs, pcr);
    }

    /** Sets the PCR to zero in every bank where it is allocated and counts the change once. */
    static void reset(PcrBanks pcrs, int pcr) {
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            if (pcrs.isAllocated(alg, pcr)) pcrs.set(alg, pcr, new byte[pcrs.read(alg, pcr).size()]);
        }
        changed(pcrs, pcr);
    }

    /** Increments pcrUpdateCounter unless the PCR is exempt (TPM_PT_PCR_NO_INCREMENT). */
    static void changed(PcrBanks pcrs, int pcr) {
        if (!PcrAttributes.noIncrement(pcr)) pcrs.changed();
    }
}
