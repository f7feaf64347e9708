package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_KDF_SCHEME+ (Part 2, 11.2.3.3): a key derivation function and its hash. The scheme is a
 * TPMI_ALG_KDF+ (TPM_RC_KDF when not implemented).
 *
 * @param scheme TPM_ALG_MGF1, _KDF1_SP800_56A, _KDF2, _KDF1_SP800_108 or _NULL
 * @param details the arm of {@code scheme}
 */
public record TpmtKdfScheme(@U16 @Is(Tpmi.ALG_KDF_OR_NULL) int scheme, @SelectedBy("scheme") TpmuKdfScheme details) {
    /** No KDF. */
    public static final TpmtKdfScheme NULL = new TpmtKdfScheme(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    public TpmtKdfScheme {
        switch (scheme) {
            case TpmAlg.MGF1, TpmAlg.KDF1_SP800_56A, TpmAlg.KDF2, TpmAlg.KDF1_SP800_108, TpmAlg.NULL -> { }
            default -> throw new TpmFailure(TpmRc.KDF);
        }
        UnionArms.check(scheme, details, TpmRc.KDF);
    }

    /** A KDF with its hash. */
    public static TpmtKdfScheme of(int scheme, int hashAlg) {
        return new TpmtKdfScheme(scheme, new TpmuKdfScheme.Hash(scheme, hashAlg));
    }
}
