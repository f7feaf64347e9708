package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_GetCommandAuditDigest (Part 3, 18.6). */
public record GetCommandAuditDigestResponse(@Sized TpmsAttest auditInfo, TpmtSignature signature) {}
