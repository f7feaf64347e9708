package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_ECC_Parameters (Part 3, 14.6): returns the parameters of a curve; curveID is TPMI_ECC_CURVE
 * (TPM_RC_CURVE when not implemented).
 */
@CommandCode(TpmCc.ECC_PARAMETERS)
public record EccParameters(@U16 @Is(Tpmi.ECC_CURVE) int curveID) implements TpmCommand<EccParametersResponse> {}
