package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;

/** Response of TPM2_ContextLoad (Part 3, 28.3). loadedHandle is a TPMI_DH_CONTEXT. */
public record ContextLoadResponse(@Handle int loadedHandle) {}
