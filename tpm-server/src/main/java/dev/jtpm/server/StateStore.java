package dev.jtpm.server;

import dev.jtpm.engine.platform.NvStore;
import java.io.IOException;

/**
 * The state store SPI of a served TPM: an {@link NvStore} that holds an exclusive claim on its
 * storage for as long as it is open, so two servers never share one state.
 */
public interface StateStore extends NvStore, AutoCloseable {

    /** Releases the claim on the storage (the lock), keeping the state. */
    @Override
    void close() throws IOException;

    /** The key state files are encrypted with ({@code --key}), if any. */
    default java.util.Optional<dev.jtpm.wire.StateKey> fileKey() { return java.util.Optional.empty(); }

    /** Takes the storage lock again (retrying {@code retries} times); true when held. Stores without a lock: true. */
    default boolean lock(int retries) throws IOException { return true; }

    /** Gives the storage lock up (outgoing migration). Stores without a lock: nothing. */
    default void unlock() throws IOException {}

    /**
     * Reads every state present with the store's key, changing nothing: CMD_INIT calls it before the TPM loads its
     * state, so that a wrong key fails INIT (as in swtpm, where libtpms reads the files then) and touches no file.
     * Stores that check at open: nothing.
     *
     * @throws StateKeyException when a state cannot be read with the key given
     */
    default void verify() throws IOException {}

    /** A store in memory with nothing to lock: for tests and throw-away instances. */
    static StateStore inMemory() {
        NvStore nv = NvStore.inMemory();
        return new StateStore() {
            @Override public byte[] load(dev.jtpm.engine.platform.StateKind k) throws IOException { return nv.load(k); }
            @Override public void store(dev.jtpm.engine.platform.StateKind k, byte[] b) throws IOException { nv.store(k, b); }
            @Override public void delete(dev.jtpm.engine.platform.StateKind k) throws IOException { nv.delete(k); }
            @Override public void close() {}
        };
    }
}
