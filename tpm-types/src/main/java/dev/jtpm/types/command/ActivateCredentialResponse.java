package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_ActivateCredential (Part 3, 12.5). */
public record ActivateCredentialResponse(@Max(Limits.MAX_DIGEST_SIZE) Bytes certInfo) {}
