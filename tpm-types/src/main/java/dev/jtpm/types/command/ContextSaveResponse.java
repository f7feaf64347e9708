package dev.jtpm.types.command;

import dev.jtpm.types.structure.*;

/** Response of TPM2_ContextSave (Part 3, 28.2). */
public record ContextSaveResponse(TpmsContext context) {}
