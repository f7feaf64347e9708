package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_RSA_SCHEME+ (Part 2, 11.2.4.2): the scheme of an RSA key. The scheme is a
 * TPMI_ALG_RSA_SCHEME+ (TPM_RC_VALUE when not an implemented RSA scheme).
 *
 * @param scheme TPM_ALG_RSASSA, _RSAPSS, _RSAES, _OAEP or _NULL
 * @param details the arm of {@code scheme}
 */
public record TpmtRsaScheme(@U16 @Is(Tpmi.ALG_RSA_SCHEME_OR_NULL) int scheme,
                            @SelectedBy("scheme") TpmuAsymScheme details) {
    /** No scheme. */
    public static final TpmtRsaScheme NULL = new TpmtRsaScheme(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    public TpmtRsaScheme {
        switch (scheme) {
            case TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.RSAES, TpmAlg.OAEP, TpmAlg.NULL -> { }
            default -> throw new TpmFailure(TpmRc.VALUE);
        }
        UnionArms.check(scheme, details, TpmRc.VALUE);
    }

    /** A scheme whose details are a hash (RSASSA, RSAPSS, OAEP). */
    public static TpmtRsaScheme of(int scheme, int hashAlg) {
        return new TpmtRsaScheme(scheme, new TpmuAsymScheme.Hash(scheme, hashAlg));
    }
}
