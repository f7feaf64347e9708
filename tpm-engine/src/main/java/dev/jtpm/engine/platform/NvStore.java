package dev.jtpm.engine.platform;

import java.io.IOException;

/**
 * Where a TPM keeps its state blobs. Each {@link #store} must be atomic: after a crash the next
 * {@link #load} returns either the old or the new blob, never a mix.
 */
public interface NvStore {

    /** The stored blob of that kind, or null when there is none. */
    byte[] load(StateKind kind) throws IOException;

    /** Replaces the blob of that kind atomically and durably. */
    void store(StateKind kind, byte[] blob) throws IOException;

    /** Removes the blob of that kind (no error if absent). */
    void delete(StateKind kind) throws IOException;

    /** A store that keeps blobs in memory only: for tests and throw-away instances. */
    static NvStore inMemory() { return new InMemoryNvStore(); }
}
