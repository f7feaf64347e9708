package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_ReadPublic (Part 3, 12.4). */
public record ReadPublicResponse(@Sized TpmtPublic outPublic,
                                 @Max(Limits.NAME_SIZE) Bytes name,
                                 @Max(Limits.NAME_SIZE) Bytes qualifiedName) {}
