package dev.jtpm.crypto;

import java.util.concurrent.Executor;

/**
 * Where tpm-crypto runs the half of a computation it splits in two (the second RSA prime search, one
 * CRT exponentiation): a new virtual thread per task. It costs about a microsecond to start, where
 * CompletableFuture's default would start a platform thread per task on a machine with two cores
 * (the common pool is not used below a parallelism of 2), and the JVM's carrier threads are as many
 * as the cores. Holds no state.
 */
final class Parallel {
    private Parallel() {}

    /** Starts each task on a virtual thread of its own. */
    static final Executor EXECUTOR = task -> Thread.ofVirtual().name("jtpm-crypto").start(task);
}
