package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_TK_CREATION (Part 2, 10.7.3): proof that the TPM created an object, checked by
 * TPM2_CertifyCreation. A tag that is no TPM_ST is TPM_RC_VALUE while unmarshalling, another TPM_ST
 * TPM_RC_TAG; the hierarchy is a TPMI_RH_HIERARCHY+ (TPM_RC_VALUE while unmarshalling).
 *
 * @param tag TPM_ST_CREATION
 * @param hierarchy the hierarchy of the key that made the ticket, TPM_RH_NULL for the NULL ticket
 * @param digest the HMAC (TPM2B_DIGEST), empty for the NULL ticket
 */
public record TpmtTkCreation(@U16 @Is(Tpmi.ST) int tag, @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy,
                             @Max(Limits.MAX_DIGEST_SIZE) Bytes digest) {
    public TpmtTkCreation {
        if (tag != TpmSt.CREATION) throw new TpmFailure(TpmRc.TAG);
    }

    /** The NULL ticket: hierarchy TPM_RH_NULL and an empty digest. */
    public static TpmtTkCreation nullTicket() { return new TpmtTkCreation(TpmSt.CREATION, TpmRh.NULL, Bytes.EMPTY); }
}
