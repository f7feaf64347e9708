package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_LoadExternal (Part 3, 12.3). */
public record LoadExternalResponse(@Handle int objectHandle, @Max(Limits.NAME_SIZE) Bytes name) {}
