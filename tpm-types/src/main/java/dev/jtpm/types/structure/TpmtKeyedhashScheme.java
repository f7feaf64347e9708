package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_KEYEDHASH_SCHEME+ (Part 2, 11.1.23): the scheme of a keyed-hash object. The scheme is a
 * TPMI_ALG_KEYEDHASH_SCHEME+ (TPM_RC_VALUE when not implemented).
 *
 * @param scheme TPM_ALG_HMAC, TPM_ALG_XOR or TPM_ALG_NULL
 * @param details the arm of {@code scheme}
 */
public record TpmtKeyedhashScheme(@U16 @Is(Tpmi.ALG_KEYEDHASH_SCHEME_OR_NULL) int scheme,
                                  @SelectedBy("scheme") TpmuSchemeKeyedhash details) {
    /** No scheme. */
    public static final TpmtKeyedhashScheme NULL = new TpmtKeyedhashScheme(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    public TpmtKeyedhashScheme {
        if (scheme != TpmAlg.HMAC && scheme != TpmAlg.XOR && scheme != TpmAlg.NULL) throw new TpmFailure(TpmRc.VALUE);
        UnionArms.check(scheme, details, TpmRc.VALUE);
    }

    /** HMAC with the given hash. */
    public static TpmtKeyedhashScheme hmac(int hashAlg) {
        return new TpmtKeyedhashScheme(TpmAlg.HMAC, new TpmuSchemeKeyedhash.Hmac(hashAlg));
    }
}
