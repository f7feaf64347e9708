package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_EC_Ephemeral (Part 3, 19.3): makes an ephemeral key for the first phase of a two-phase key
 * exchange; no handles. curveID is TPMI_ECC_CURVE (an unimplemented curve is TPM_RC_CURVE, parameter 1).
 */
@CommandCode(TpmCc.EC_EPHEMERAL)
public record EcEphemeral(@U16 @Is(Tpmi.ECC_CURVE) int curveID) implements TpmCommand<EcEphemeralResponse> {}
