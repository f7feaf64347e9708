package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_SIG_SCHEME+ (Part 2, 11.2.1.5): the scheme a signing command asks for; TPM_ALG_NULL means
 * the key's own. The scheme is a TPMI_ALG_SIG_SCHEME+ (TPM_RC_SCHEME when not an implemented
 * signing scheme).
 *
 * @param scheme TPM_ALG_RSASSA, _RSAPSS, _ECDSA, _ECDAA, _SM2, _ECSCHNORR, _HMAC or _NULL
 * @param details the arm of {@code scheme}
 */
public record TpmtSigScheme(@U16 @Is(Tpmi.ALG_SIG_SCHEME_OR_NULL) int scheme,
                            @SelectedBy("scheme") TpmuSigScheme details) {
    /** The key's own scheme. */
    public static final TpmtSigScheme NULL = new TpmtSigScheme(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    public TpmtSigScheme {
        if (!isSigScheme(scheme)) throw new TpmFailure(TpmRc.SCHEME);
        UnionArms.check(scheme, details, TpmRc.SCHEME);
    }

    /** A scheme whose details are a hash (all but ECDAA). */
    public static TpmtSigScheme of(int scheme, int hashAlg) {
        return new TpmtSigScheme(scheme, new TpmuSigScheme.Hash(scheme, hashAlg));
    }

    /** True for the values of TPMI_ALG_SIG_SCHEME+, implemented or not. */
    static boolean isSigScheme(int alg) {
        return switch (alg) {
            case TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.ECDSA, TpmAlg.ECDAA, TpmAlg.SM2, TpmAlg.ECSCHNORR, TpmAlg.HMAC,
                 TpmAlg.NULL -> true;
            default -> false;
        };
    }
}
