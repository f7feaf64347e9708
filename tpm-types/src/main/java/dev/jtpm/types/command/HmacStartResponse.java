package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;

/** Response of TPM2_HMAC_Start (Part 3, 17.2). */
public record HmacStartResponse(@Handle int sequenceHandle) {}
