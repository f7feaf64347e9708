package dev.jtpm.crypto;

import java.security.SecureRandom;

/**
 * Where key generation takes its random octets from: a {@link KdfDrbg} for primary keys (the same
 * seed and template give the same octets, so the same key), a {@link SecureRandom} for ordinary
 * keys and signature nonces.
 */
@FunctionalInterface
public interface RandomBits {
    /** Fills {@code out} with the next octets of the stream. */
    void nextBytes(byte[] out);

    /** The next {@code n} octets. */
    default byte[] next(int n) {
        byte[] b = new byte[n];
        nextBytes(b);
        return b;
    }

    /** Octets from a {@link SecureRandom}. */
    static RandomBits of(SecureRandom random) {
        return random::nextBytes;
    }
}
