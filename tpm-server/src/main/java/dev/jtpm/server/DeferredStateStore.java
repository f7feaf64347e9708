package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.util.Optional;

/**
 * A state store opened later: {@code --runas} as root binds the channels first, becomes the user, and
 * only then opens (creates, locks, checks) the state directory, so the files belong to the user and
 * the user can write them, as with swtpm, which drops privileges before it touches its state.
 */
final class DeferredStateStore implements StateStore {
    /** Opens the real store. */
    @FunctionalInterface
    interface Opener {
        StateStore open() throws IOException;
    }

    private final Opener opener;
    private StateStore store;

    DeferredStateStore(Opener opener) { this.opener = opener; }

    /** Opens the store now. */
    synchronized void open() throws IOException {
        if (store == null) store = opener.open();
    }

    private synchronized StateStore store() throws IOException {
        if (store == null) throw new IOException("the state store is not open yet");
        return store;
    }

    @Override public byte[] load(StateKind kind) throws IOException { return store().load(kind); }

    @Override public void store(StateKind kind, byte[] blob) throws IOException { store().store(kind, blob); }

    @Override public void delete(StateKind kind) throws IOException { store().delete(kind); }

    @Override public boolean lock(int retries) throws IOException { return store().lock(retries); }

    @Override public void unlock() throws IOException { store().unlock(); }

    @Override public void verify() throws IOException { store().verify(); }

    @Override
    public synchronized Optional<StateKey> fileKey() { return store == null ? Optional.empty() : store.fileKey(); }

    @Override
    public synchronized void close() throws IOException {
        if (store != null) store.close();
    }
}
