package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_TK_HASHCHECK (Part 2, 10.7.6): proof that the TPM computed a digest. A tag that is no TPM_ST
 * is TPM_RC_VALUE while unmarshalling, another TPM_ST TPM_RC_TAG.
 */
public record TpmtTkHashcheck(@U16 @Is(Tpmi.ST) int tag, int hierarchy, Bytes digest) {
    public TpmtTkHashcheck {
        if (tag != TpmSt.HASHCHECK) throw new TpmFailure(TpmRc.TAG);
    }

    /** The NULL ticket: hierarchy TPM_RH_NULL and an empty digest. */
    public static TpmtTkHashcheck nullTicket() { return new TpmtTkHashcheck(TpmSt.HASHCHECK, TpmRh.NULL, Bytes.EMPTY); }
}
