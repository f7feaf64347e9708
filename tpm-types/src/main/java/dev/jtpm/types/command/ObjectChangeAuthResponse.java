package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_ObjectChangeAuth (Part 3, 12.8). */
public record ObjectChangeAuthResponse(@Max(Limits.PRIVATE_SIZE) Bytes outPrivate) {}
