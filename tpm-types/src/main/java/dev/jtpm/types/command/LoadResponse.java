package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Load (Part 3, 12.2). */
public record LoadResponse(@Handle int objectHandle, @Max(Limits.NAME_SIZE) Bytes name) {}
