package dev.jtpm.types.command;

import dev.jtpm.types.structure.*;

/** Response of TPM2_VerifySignature (Part 3, 20.1). */
public record VerifySignatureResponse(TpmtTkVerified validation) {}
