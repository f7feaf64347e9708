package dev.jtpm.server;

import dev.jtpm.wire.StateKey;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link StateStoreProvider} needs to open one TPM's state.
 *
 * @param uri the store's URI as given ({@code postgresql://HOST:PORT/DB?…}); never holds a password
 * @param name the TPM's name within the store ({@code --tpmstate …,name=}, a host's instance name)
 * @param key the state key ({@code --key}): stored blobs are encrypted with it
 * @param log where the store reports take-overs, overrides and lost leases
 * @param claimNow claim (lock, lease) and read the state at open; false for {@code --migration incoming}, where the
 *     claim is taken by {@link StateStore#lock} when the migrated state arrives (the source still holds it until then)
 */
public record StateStoreRequest(String uri, String name, Optional<StateKey> key, ServerLog log, boolean claimNow) {
    /** A request that claims the state at open. */
    public StateStoreRequest(String uri, String name, Optional<StateKey> key, ServerLog log) {
        this(uri, name, key, log, true);
    }

    /** Checks that nothing is missing. */
    public StateStoreRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(log, "log");
    }

    @Override
    public String toString() { return "StateStoreRequest[" + name + " at " + StateStores.scheme(uri) + "://…]"; }
}
