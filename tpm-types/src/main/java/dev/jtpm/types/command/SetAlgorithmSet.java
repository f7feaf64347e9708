package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_SetAlgorithmSet (Part 3, 26.3): sets the TPM's vendor-defined algorithm set; authHandle is
 * TPMI_RH_PLATFORM (USER role), algorithmSet a UINT32.
 */
@CommandCode(TpmCc.SET_ALGORITHM_SET)
public record SetAlgorithmSet(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int authHandle, int algorithmSet)
        implements TpmCommand<EmptyResponse> {}
