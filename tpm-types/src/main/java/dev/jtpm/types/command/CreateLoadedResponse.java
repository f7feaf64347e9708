package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_CreateLoaded (Part 3, 12.9). outPrivate is empty for a primary object. */
public record CreateLoadedResponse(@Handle int objectHandle,
                                   @Max(Limits.PRIVATE_SIZE) Bytes outPrivate,
                                   @Sized TpmtPublic outPublic,
                                   @Max(Limits.NAME_SIZE) Bytes name) {}
