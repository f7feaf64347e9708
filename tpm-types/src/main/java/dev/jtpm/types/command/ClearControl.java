package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/** TPM2_ClearControl (Part 3, 24.7): disables or enables TPM2_Clear; auth is TPMI_RH_CLEAR (USER role). */
@CommandCode(TpmCc.CLEAR_CONTROL)
public record ClearControl(@Handle(auth = Auth.USER) @Is(Tpmi.RH_CLEAR) int auth,
                           boolean disable) implements TpmCommand<EmptyResponse> {}
