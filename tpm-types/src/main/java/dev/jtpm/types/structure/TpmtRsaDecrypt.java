package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_RSA_DECRYPT+ (Part 2, 11.2.4.4): the padding of TPM2_RSA_Encrypt / TPM2_RSA_Decrypt;
 * TPM_ALG_NULL means the key's own. The scheme is a TPMI_ALG_RSA_DECRYPT+ (TPM_RC_VALUE when not
 * RSAES or OAEP, or not implemented).
 *
 * @param scheme TPM_ALG_RSAES, _OAEP or _NULL
 * @param details the arm of {@code scheme}: {@link TpmuAsymScheme.Rsaes}, {@link TpmuAsymScheme.Hash}
 *     (OAEP) or {@link TpmsEmpty}
 */
public record TpmtRsaDecrypt(@U16 @Is(Tpmi.ALG_RSA_DECRYPT_OR_NULL) int scheme,
                             @SelectedBy("scheme") TpmuAsymScheme details) {
    /** The key's own scheme. */
    public static final TpmtRsaDecrypt NULL = new TpmtRsaDecrypt(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    /** RSAES-PKCS1-v1_5. */
    public static final TpmtRsaDecrypt RSAES = new TpmtRsaDecrypt(TpmAlg.RSAES, new TpmuAsymScheme.Rsaes());

    public TpmtRsaDecrypt {
        if (scheme != TpmAlg.RSAES && scheme != TpmAlg.OAEP && scheme != TpmAlg.NULL) throw new TpmFailure(TpmRc.VALUE);
        UnionArms.check(scheme, details, TpmRc.VALUE);
    }

    /** OAEP with the given hash. */
    public static TpmtRsaDecrypt oaep(int hashAlg) {
        return new TpmtRsaDecrypt(TpmAlg.OAEP, new TpmuAsymScheme.Hash(TpmAlg.OAEP, hashAlg));
    }
}
