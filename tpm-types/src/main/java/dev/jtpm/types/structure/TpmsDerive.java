package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_DERIVE (Part 2, 12.2.3.9): the label and context a derivation parent feeds to its KDF when
 * TPM2_CreateLoaded makes a derived object; the unique field of a {@link TpmtDerivedTemplate}.
 * TPM2B_DERIVE (Part 2, 12.2.3.10) is a {@code @Sized TpmsDerive} component.
 *
 * @param label TPM2B_LABEL (at most LABEL_MAX_BUFFER octets)
 * @param context TPM2B_LABEL
 */
public record TpmsDerive(@Max(Limits.LABEL_MAX_BUFFER) Bytes label, @Max(Limits.LABEL_MAX_BUFFER) Bytes context) {}
