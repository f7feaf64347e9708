package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_ECC_SCHEME+ (Part 2, 11.2.5.6): the scheme of an ECC key. The scheme is a
 * TPMI_ALG_ECC_SCHEME+ (TPM_RC_SCHEME when not an implemented ECC scheme).
 *
 * @param scheme TPM_ALG_ECDSA, _ECDAA, _SM2, _ECSCHNORR, _ECDH, _ECMQV or _NULL
 * @param details the arm of {@code scheme}
 */
public record TpmtEccScheme(@U16 @Is(Tpmi.ALG_ECC_SCHEME_OR_NULL) int scheme,
                            @SelectedBy("scheme") TpmuAsymScheme details) {
    /** No scheme. */
    public static final TpmtEccScheme NULL = new TpmtEccScheme(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    public TpmtEccScheme {
        switch (scheme) {
            case TpmAlg.ECDSA, TpmAlg.ECDAA, TpmAlg.SM2, TpmAlg.ECSCHNORR, TpmAlg.ECDH, TpmAlg.ECMQV, TpmAlg.NULL -> { }
            default -> throw new TpmFailure(TpmRc.SCHEME);
        }
        UnionArms.check(scheme, details, TpmRc.SCHEME);
    }

    /** A scheme whose details are a hash (all but ECDAA). */
    public static TpmtEccScheme of(int scheme, int hashAlg) {
        return new TpmtEccScheme(scheme, new TpmuAsymScheme.Hash(scheme, hashAlg));
    }
}
