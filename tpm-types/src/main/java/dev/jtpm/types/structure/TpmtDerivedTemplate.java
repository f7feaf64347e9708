package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * The template of a derived object (Part 3, 12.9, TPM2_CreateLoaded under a derivation parent): a
 * TPMT_PUBLIC whose unique field is a TPMS_DERIVE instead of a TPMU_PUBLIC_ID (Part 2, 12.2.3.2,
 * the {@code derive} member). Part 2 has no name for this form; go-tpm calls it TPMT_TEMPLATE.
 * The components and checks are those of {@link TpmtPublic}.
 *
 * @param type the object type
 * @param nameAlg the hash of the Name
 * @param objectAttributes TPMA_OBJECT
 * @param authPolicy the policy digest, empty for none
 * @param parameters the arm of {@code type}
 * @param unique the label and context of the derivation
 */
public record TpmtDerivedTemplate(@U16 @Is(Tpmi.ALG_PUBLIC) int type, @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int nameAlg,
                                  TpmaObject objectAttributes, @Max(Limits.MAX_DIGEST_SIZE) Bytes authPolicy,
                                  @SelectedBy("type") TpmuPublicParms parameters, TpmsDerive unique)
        implements TpmuTemplate {
    public TpmtDerivedTemplate {
        UnionArms.check(type, parameters, TpmRc.TYPE);
    }

    /** A derivation template whose type is that of the parameters' arm. */
    public static TpmtDerivedTemplate of(int nameAlg, TpmaObject objectAttributes, Bytes authPolicy,
                                         TpmuPublicParms parameters, TpmsDerive unique) {
        return new TpmtDerivedTemplate(UnionArms.selectorOf(parameters), nameAlg, objectAttributes, authPolicy,
                parameters, unique);
    }
}
