package dev.jtpm.engine.platform;

import java.security.SecureRandom;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What a TPM needs from the machine it runs on: a place for its state, a clock, entropy, and the physical
 * presence signal.
 *
 * @param nv where state blobs are kept
 * @param millis a monotonic millisecond clock (drives TPM Time and Clock)
 * @param entropy the entropy source for seeds, nonces and GetRandom
 * @param physicalPresence ms-tpm's {@code _plat__PhysicalPresenceAsserted}: whether physical presence is asserted
 *     now. A software TPM has no such pin; swtpm 0.7.1 registers no libtpms callback for it, so libtpms answers its
 *     never-set {@code s_physicalPresence} (FALSE), and so do the platforms here ({@link #NO_PHYSICAL_PRESENCE}).
 */
public record Platform(NvStore nv, LongSupplier millis, Random entropy, BooleanSupplier physicalPresence) {

    /** Physical presence is never asserted (swtpm's and libtpms' answer). */
    public static final BooleanSupplier NO_PHYSICAL_PRESENCE = () -> false;

    /** A platform on which physical presence is never asserted. */
    public Platform(NvStore nv, LongSupplier millis, Random entropy) { this(nv, millis, entropy, NO_PHYSICAL_PRESENCE); }

    /** A platform with the given store, the system's monotonic clock and strong entropy. */
    public static Platform of(NvStore nv) {
        return new Platform(nv, () -> System.nanoTime() / 1_000_000L, new SecureRandom());
    }

    /** An in-memory platform with deterministic entropy and a caller-driven clock: for tests. */
    public static Platform deterministic(long seed, LongSupplier millis) {
        return new Platform(NvStore.inMemory(), millis, new Random(seed));
    }
}
