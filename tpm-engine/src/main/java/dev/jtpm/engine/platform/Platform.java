package dev.jtpm.engine.platform;

import java.security.SecureRandom;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * What a TPM needs from the machine it runs on: a place for its state, a clock, and entropy.
 *
 * @param nv where state blobs are kept
 * @param millis a monotonic millisecond clock (drives TPM Time and Clock)
 * @param entropy the entropy source for seeds, nonces and GetRandom
 */
public record Platform(NvStore nv, LongSupplier millis, Random entropy) {

    /** A platform with the given store, the system's monotonic clock and strong entropy. */
    public static Platform of(NvStore nv) {
        return new Platform(nv, () -> System.nanoTime() / 1_000_000L, new SecureRandom());
    }

    /** An in-memory platform with deterministic entropy and a caller-driven clock: for tests. */
    public static Platform deterministic(long seed, LongSupplier millis) {
        return new Platform(NvStore.inMemory(), millis, new Random(seed));
    }
}
