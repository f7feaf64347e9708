package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.SizeU8;

/** TPMS_TAGGED_PCR_SELECT (Part 2, 10.8.3): a TPM_PT_PCR property and the PCRs that have it. */
public record TpmsTaggedPcrSelect(int tag, @SizeU8 Bytes pcrSelect) {}
