package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;
import java.util.List;

/** TPML_PCR_SELECTION (Part 2, 10.9.7); also the TPM_CAP_PCRS arm of TPMU_CAPABILITIES. */
@Arm(TpmCap.PCRS)
public record TpmlPcrSelection(@Max(HASH_COUNT) List<TpmsPcrSelection> pcrSelections) implements TpmuCapabilities {
    /** HASH_COUNT: the number of implemented hash algorithms. */
    public static final int HASH_COUNT = 4;
}
