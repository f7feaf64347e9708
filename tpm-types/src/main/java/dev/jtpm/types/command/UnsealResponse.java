package dev.jtpm.types.command;

import dev.jtpm.types.Secret;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Unseal (Part 3, 12.7). outData is a TPM2B_SENSITIVE_DATA. */
public record UnsealResponse(@Max(Limits.MAX_SYM_DATA) Secret outData) {}
