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
 * TPMT_TK_VERIFIED (Part 2, 10.7.4): proof that TPM2_VerifySignature checked a signature, used by
 * TPM2_PolicyAuthorize. A tag that is no TPM_ST is TPM_RC_VALUE while unmarshalling, another TPM_ST
 * TPM_RC_TAG; the hierarchy is a TPMI_RH_HIERARCHY+ (TPM_RC_VALUE while unmarshalling).
 *
 * @param tag TPM_ST_VERIFIED
 * @param hierarchy the hierarchy of the key that made the ticket, TPM_RH_NULL for the NULL ticket
 * @param digest the HMAC (TPM2B_DIGEST), empty for the NULL ticket
 */
public record TpmtTkVerified(@U16 @Is(Tpmi.ST) int tag, @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy,
                             @Max(Limits.MAX_DIGEST_SIZE) Bytes digest) {
    public TpmtTkVerified {
        if (tag != TpmSt.VERIFIED) throw new TpmFailure(TpmRc.TAG);
    }

    /** The NULL ticket: hierarchy TPM_RH_NULL and an empty digest. */
    public static TpmtTkVerified nullTicket() { return new TpmtTkVerified(TpmSt.VERIFIED, TpmRh.NULL, Bytes.EMPTY); }
}
