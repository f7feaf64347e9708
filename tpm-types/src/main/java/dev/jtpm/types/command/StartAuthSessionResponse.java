package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.Handle;

/** Response of TPM2_StartAuthSession. */
public record StartAuthSessionResponse(@Handle int sessionHandle, Bytes nonceTPM) {}
