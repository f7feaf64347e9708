package dev.jtpm.server.host;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.StateStore;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state store of an instance while {@code jtpm host} creates it: writes are held in memory until {@link #commit},
 * which writes the last blob of each kind once; from then on every call goes straight to the real store.
 *
 * <p>Why: a new TPM writes its permanent state twice before the API answers (manufacture, then the automatic
 * TPM2_Startup of {@code startup-clear}), each a file fsync and a directory fsync; only the second one matters.
 * Durability is unchanged for whatever was acknowledged: the API answers only after the commit. A client that
 * reached the data socket before that (it learns the path from the answer) could get a response whose state is
 * not yet on disk; a crash then loses an instance nobody was told exists, and its directory comes back with a
 * fresh TPM.
 */
final class CreationStore implements StateStore {
    private final StateStore store;
    private final Map<StateKind, byte[]> held = new EnumMap<>(StateKind.class); // a null value: deleted
    private boolean committed;

    CreationStore(StateStore store) { this.store = store; }

    @Override
    public synchronized byte[] load(StateKind kind) throws IOException {
        if (committed || !held.containsKey(kind)) return store.load(kind);
        byte[] b = held.get(kind);
        return b == null ? null : b.clone();
    }

    @Override
    public synchronized void store(StateKind kind, byte[] blob) throws IOException {
        if (committed) store.store(kind, blob);
        else held.put(kind, blob.clone());
    }

    @Override
    public synchronized void delete(StateKind kind) throws IOException {
        if (committed) store.delete(kind);
        else held.put(kind, null);
    }

    /** Writes what is held (the last blob of each kind) to the real store; later calls go straight there. */
    synchronized void commit() throws IOException {
        if (committed) return;
        for (Map.Entry<StateKind, byte[]> e : held.entrySet()) {
            if (e.getValue() == null) store.delete(e.getKey());
            else store.store(e.getKey(), e.getValue());
        }
        held.clear();
        committed = true;
    }

    @Override public Optional<dev.jtpm.wire.StateKey> fileKey() { return store.fileKey(); }

    @Override public boolean lock(int retries) throws IOException { return store.lock(retries); }

    @Override public void unlock() throws IOException { store.unlock(); }

    @Override public void close() throws IOException { store.close(); }
}
