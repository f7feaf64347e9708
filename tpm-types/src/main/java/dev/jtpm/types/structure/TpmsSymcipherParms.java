package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Wire.Arm;

/**
 * TPMS_SYMCIPHER_PARMS (Part 2, 12.2.3.4): the parameters of a symmetric block cipher object. The
 * cipher is a TPMT_SYM_DEF_OBJECT without "+": TPM_ALG_NULL is TPM_RC_SYMMETRIC.
 */
@Arm(TpmAlg.SYMCIPHER)
public record TpmsSymcipherParms(TpmtSymDefObject sym) implements TpmuPublicParms {
    public TpmsSymcipherParms {
        if (sym.algorithm() == TpmAlg.NULL) throw new TpmFailure(TpmRc.SYMMETRIC);
    }
}
