package dev.jtpm.engine.platform;

import java.util.EnumMap;
import java.util.Map;

/** An {@link NvStore} in memory: for tests and throw-away instances. */
final class InMemoryNvStore implements NvStore {
    private final Map<StateKind, byte[]> blobs = new EnumMap<>(StateKind.class);

    @Override
    public synchronized byte[] load(StateKind kind) {
        byte[] b = blobs.get(kind);
        return b == null ? null : b.clone();
    }

    @Override
    public synchronized void store(StateKind kind, byte[] blob) {
        blobs.put(kind, blob.clone());
    }

    @Override
    public synchronized void delete(StateKind kind) {
        blobs.remove(kind);
    }
}
