package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_NV_PUBLIC (Part 2, 13.5): the public area of an NV index; its Name is nameAlg || H(this).
 *
 * @param nvIndex TPMI_RH_NV_INDEX
 * @param nameAlg TPMI_ALG_HASH
 * @param attributes TPMA_NV ({@link TpmaNv})
 * @param authPolicy TPM2B_DIGEST
 * @param dataSize at most MAX_NV_INDEX_SIZE (TPM_RC_SIZE beyond, as libtpms)
 */
public record TpmsNvPublic(@Is(Tpmi.RH_NV_INDEX) int nvIndex, @U16 @Is(Tpmi.ALG_HASH) int nameAlg,
                           @Is(Tpmi.TPMA_NV) int attributes, @Max(Limits.MAX_DIGEST_SIZE) Bytes authPolicy,
                           @U16 @Is(Tpmi.NV_DATA_SIZE) int dataSize) {
    public TpmsNvPublic withAttributes(int a) { return new TpmsNvPublic(nvIndex, nameAlg, a, authPolicy, dataSize); }

    public boolean has(int bit) { return (attributes & bit) != 0; }

    public int type() { return TpmaNv.type(attributes); }
}
