package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_ChangeEPS (Part 3, 24.5): replaces the endorsement primary seed; authHandle is TPMI_RH_PLATFORM
 * (USER role).
 */
@CommandCode(TpmCc.CHANGE_EPS)
public record ChangeEps(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int authHandle)
        implements TpmCommand<EmptyResponse> {}
