package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_ContextSave (Part 3, 28.2): saves the context of an object or session; saveHandle is
 * TPMI_DH_CONTEXT (no authorization).
 */
@CommandCode(TpmCc.CONTEXT_SAVE)
public record ContextSave(@Handle @Is(Tpmi.DH_CONTEXT) int saveHandle) implements TpmCommand<ContextSaveResponse> {}
