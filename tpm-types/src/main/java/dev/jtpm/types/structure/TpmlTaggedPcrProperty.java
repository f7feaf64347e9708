package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_TAGGED_PCR_PROPERTY (Part 2, 10.9.10). */
@Arm(TpmCap.PCR_PROPERTIES)
public record TpmlTaggedPcrProperty(List<TpmsTaggedPcrSelect> pcrProperty) implements TpmuCapabilities {}
