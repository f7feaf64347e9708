package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_Clear (Part 3, 24.6): removes the owner and endorsement objects and resets the storage hierarchy;
 * authHandle is TPMI_RH_CLEAR (USER role).
 */
@CommandCode(TpmCc.CLEAR)
public record Clear(@Handle(auth = Auth.USER) @Is(Tpmi.RH_CLEAR) int authHandle) implements TpmCommand<EmptyResponse> {}
