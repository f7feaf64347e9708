package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_GetSessionAuditDigest (Part 3, 18.5). */
public record GetSessionAuditDigestResponse(@Sized TpmsAttest auditInfo, TpmtSignature signature) {}
