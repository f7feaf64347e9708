package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Import (Part 3, 13.3): the object's TPM2B_PRIVATE under its new parent. */
public record ImportResponse(@Max(Limits.PRIVATE_SIZE) Bytes outPrivate) {}
