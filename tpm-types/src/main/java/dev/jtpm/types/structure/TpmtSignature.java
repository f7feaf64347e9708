package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_SIGNATURE (Part 2, 11.3.4): a signature and its scheme. The scheme is a
 * TPMI_ALG_SIG_SCHEME+ (TPM_RC_SCHEME when not an implemented signing scheme).
 *
 * @param sigAlg TPM_ALG_RSASSA, _RSAPSS, _ECDSA, _ECDAA, _SM2, _ECSCHNORR, _HMAC or _NULL
 * @param signature the arm of {@code sigAlg}
 */
public record TpmtSignature(@U16 @Is(Tpmi.ALG_SIG_SCHEME_OR_NULL) int sigAlg,
                            @SelectedBy("sigAlg") TpmuSignature signature) {
    /** The NULL signature (what TPM2_Quote and friends return with a NULL signing key). */
    public static final TpmtSignature NULL = new TpmtSignature(TpmAlg.NULL, TpmsEmpty.INSTANCE);

    public TpmtSignature {
        if (!TpmtSigScheme.isSigScheme(sigAlg)) throw new TpmFailure(TpmRc.SCHEME);
        UnionArms.check(sigAlg, signature, TpmRc.SCHEME);
    }

    /** The signature with the scheme its arm stands for. */
    public static TpmtSignature of(TpmuSignature signature) {
        return new TpmtSignature(UnionArms.selectorOf(signature), signature);
    }
}
