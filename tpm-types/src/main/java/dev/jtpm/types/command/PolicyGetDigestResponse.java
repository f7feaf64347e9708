package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;

/** Response of TPM2_PolicyGetDigest: policyDigest is TPM2B_DIGEST. */
public record PolicyGetDigestResponse(Bytes policyDigest) {}
