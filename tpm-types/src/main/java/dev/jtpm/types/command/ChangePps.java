package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_ChangePPS (Part 3, 24.4): replaces the platform primary seed; authHandle is TPMI_RH_PLATFORM (USER
 * role).
 */
@CommandCode(TpmCc.CHANGE_PPS)
public record ChangePps(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int authHandle)
        implements TpmCommand<EmptyResponse> {}
