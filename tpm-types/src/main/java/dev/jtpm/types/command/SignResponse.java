package dev.jtpm.types.command;

import dev.jtpm.types.structure.*;

/** Response of TPM2_Sign (Part 3, 20.2). */
public record SignResponse(TpmtSignature signature) {}
