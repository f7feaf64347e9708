package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.structure.*;

/** TPM2_ContextLoad (Part 3, 28.3): reloads a saved context; no handles. */
@CommandCode(TpmCc.CONTEXT_LOAD)
public record ContextLoad(TpmsContext context) implements TpmCommand<ContextLoadResponse> {}
