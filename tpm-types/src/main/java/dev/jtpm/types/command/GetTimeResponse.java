package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_GetTime (Part 3, 18.7). */
public record GetTimeResponse(@Sized TpmsAttest timeInfo, TpmtSignature signature) {}
