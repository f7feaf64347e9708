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
 * TPMT_TK_AUTH (Part 2, 10.7.5): proof of an authorization (TPM2_PolicySigned, TPM2_PolicySecret), used by
 * TPM2_PolicyTicket. A tag that is no TPM_ST is TPM_RC_VALUE while unmarshalling, another TPM_ST
 * TPM_RC_TAG; the hierarchy is a TPMI_RH_HIERARCHY+ (TPM_RC_VALUE while unmarshalling).
 *
 * @param tag TPM_ST_AUTH_SIGNED or TPM_ST_AUTH_SECRET
 * @param hierarchy the hierarchy of the key that made the ticket, TPM_RH_NULL for the NULL ticket
 * @param digest the HMAC (TPM2B_DIGEST), empty for the NULL ticket
 */
public record TpmtTkAuth(@U16 @Is(Tpmi.ST) int tag, @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy,
                         @Max(Limits.MAX_DIGEST_SIZE) Bytes digest) {
    public TpmtTkAuth {
        if (tag != TpmSt.AUTH_SIGNED && tag != TpmSt.AUTH_SECRET) throw new TpmFailure(TpmRc.TAG);
    }

    /** The NULL ticket: hierarchy TPM_RH_NULL and an empty digest. */
    public static TpmtTkAuth nullTicket() { return new TpmtTkAuth(TpmSt.AUTH_SIGNED, TpmRh.NULL, Bytes.EMPTY); }
}
