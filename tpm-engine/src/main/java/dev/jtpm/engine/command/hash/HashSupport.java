package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmtTkHashcheck;

/** Checks and computations shared by the hash and sequence commands (ms-tpm's HashHMAC support). */
final class HashSupport {
    private HashSupport() {}

    /**
     * The sequence object at {@code handle}, the command's handle number {@code index}: TPM_RC_MODE
     * when the object is not a sequence object (the pipeline has already checked that it exists).
     */
    static HashSequence sequence(TpmState s, int handle, int index) {
        TransientObject o = s.objects.get(handle);
        if (o == null) throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
        if (!(o instanceof HashSequence seq)) throw new TpmFailure(TpmRc.MODE.atHandle(index));
        return seq;
    }

    /**
     * The TPMT_TK_HASHCHECK for a finished digest: the NULL ticket when no ticket was asked for
     * (TPM_RH_NULL) or the data may be a TPM-generated structure, else the proof HMAC.
     */
    static TpmtTkHashcheck ticket(TpmState s, int hierarchy, int hashAlg, Bytes digest, boolean safe) {
        if (hierarchy == TpmRh.NULL || !safe) return TpmtTkHashcheck.nullTicket();
        return Tickets.hashCheck(s, hierarchy, hashAlg, digest);
    }

    /**
     * PCR := H(PCR || digest) in bank {@code alg} if that PCR is allocated, counting the change in
     * the PCR update counter as ms-tpm's PCRExtend does (once per bank, except for the
     * TPM_PT_PCR_NO_INCREMENT group, {@link PcrAttributes#noIncrement}).
     */
    static void extend(TpmState s, int pcr, int alg, Bytes digest) {
        if (!s.pcrs.isAllocated(alg, pcr)) return;
        s.pcrs.extend(alg, pcr, digest);
        if (!PcrAttributes.noIncrement(pcr)) s.pcrs.changed();
    }
}
