package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

/**
 * The outcome of removing a protection ({@link SensitiveProtection}, {@link ContextProtection}):
 * the plaintext, or why it was refused. The engine maps a refusal to its response code
 * ({@link Failure#INTEGRITY} → TPM_RC_INTEGRITY, {@link Failure#SENSITIVE} → TPM_RC_SENSITIVE or, for
 * contexts, TPM_RC_INTEGRITY as well) and adds the parameter index.
 */
public sealed interface Unwrapped {
    /** Why a protected blob was refused. */
    enum Failure {
        /** The blob is malformed before the HMAC can be checked, or the HMAC does not match. */
        INTEGRITY,
        /** The HMAC matched but the decrypted content does not have a consistent size prefix. */
        SENSITIVE
    }

    /** The integrity check passed; {@code plain} is the decrypted content without its size prefix. */
    record Ok(Secret plain) implements Unwrapped {}

    /** The blob was refused. */
    record Refused(Failure failure) implements Unwrapped {}
}
