package dev.jtpm.types.structure;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_SENSITIVE (Part 2, 12.3.2.4): the sensitive area of an object, what a TPM2B_PRIVATE protects
 * and what TPM2_LoadExternal takes in clear. TPM2B_SENSITIVE (12.3.3) is a
 * {@code @Sized(nullAllowed = true) TpmtSensitive} component (size zero: no sensitive area).
 * {@code sensitiveType} is a TPMI_ALG_PUBLIC (TPM_RC_TYPE while unmarshalling).
 *
 * @param sensitiveType the object type (must match the public area's)
 * @param authValue the authValue (TPM2B_AUTH)
 * @param seedValue the seed of a storage key, or the obfuscation value (TPM2B_DIGEST)
 * @param sensitive the arm of {@code sensitiveType}
 */
public record TpmtSensitive(@U16 @Is(Tpmi.ALG_PUBLIC) int sensitiveType, @Max(Limits.MAX_DIGEST_SIZE) Secret authValue,
                            @Max(Limits.MAX_DIGEST_SIZE) Secret seedValue,
                            @SelectedBy("sensitiveType") TpmuSensitiveComposite sensitive) {
    public TpmtSensitive {
        UnionArms.check(sensitiveType, sensitive, TpmRc.TYPE);
    }

    /** A sensitive area whose type is that of the arm. */
    public static TpmtSensitive of(Secret authValue, Secret seedValue, TpmuSensitiveComposite sensitive) {
        return new TpmtSensitive(UnionArms.selectorOf(sensitive), authValue, seedValue, sensitive);
    }
}
