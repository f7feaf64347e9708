package dev.jtpm.types.structure;

import dev.jtpm.types.Secret;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_SENSITIVE_CREATE (Part 2, 12.1.15): the caller's sensitive values for a new object.
 * TPM2B_SENSITIVE_CREATE (12.1.16) is a {@code @Sized TpmsSensitiveCreate} component (size zero is
 * TPM_RC_SIZE).
 *
 * @param userAuth the authValue of the object (TPM2B_AUTH)
 * @param data the data to seal, or the key of an imported symmetric / keyed-hash object
 *     (TPM2B_SENSITIVE_DATA); empty when the TPM generates the key
 */
public record TpmsSensitiveCreate(@Max(Limits.MAX_DIGEST_SIZE) Secret userAuth, @Max(Limits.MAX_SYM_DATA) Secret data) {
    /** No authValue and no data. */
    public static final TpmsSensitiveCreate EMPTY = new TpmsSensitiveCreate(Secret.EMPTY, Secret.EMPTY);
}
