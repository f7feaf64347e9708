package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

/**
 * The outcome of removing a protection ({@link SensitiveProtection}, {@link ContextProtection}):
 * the plaintext, or why it was refused. The engine maps a refusal to its response code
 * ({@link Failure#INTEGRITY} → TPM_RC_INTEGRITY, {@link Failure#SENSITIVE} → TPM_RC_SENSITIVE or, for
 * contexts, TPM_RC_INTEGRITY as well; the others name their code) and adds the parameter index.
 */
public sealed interface Unwrapped {
    /** Why a protected blob was refused. */
    enum Failure {
        /** The blob is malformed before the HMAC can be checked, or the HMAC does not match. */
        INTEGRITY,
        /** The HMAC matched but the decrypted content does not have a consistent size prefix. */
        SENSITIVE,
        /** A TPM2B size field (the integrity digest, the IV) is larger than its type allows: TPM_RC_SIZE. */
        SIZE,
        /** The blob ends inside a field: TPM_RC_INSUFFICIENT. */
        INSUFFICIENT,
        /** The IV is not one block of the parent's cipher: TPM_RC_VALUE. */
        VALUE
    }

    /** The integrity check passed; {@code plain} is the decrypted content without its size prefix. */
    record Ok(Secret plain) implements Unwrapped {}

    /** The blob was refused. */
    record Refused(Failure failure) implements Unwrapped {}
}
