package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_TAGGED_TPM_PROPERTY (Part 2, 10.9.9). */
@Arm(TpmCap.TPM_PROPERTIES)
public record TpmlTaggedTpmProperty(List<TpmsTaggedProperty> tpmProperty) implements TpmuCapabilities {}
