package dev.jtpm.server;

import java.io.IOException;

/**
 * Opens state stores named by a URI of one scheme ({@code postgresql://…}), for {@code --tpmstate backend-uri=} and
 * {@code jtpm host --store}. Providers live in other modules (jtpm-fleet) and are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.jtpm.server.StateStoreProvider}) only when such a
 * URI is given, so a {@code dir://} server never loads them.
 */
public interface StateStoreProvider {

    /** True when this provider serves URIs of that scheme (lower case, without "://"). */
    boolean serves(String scheme);

    /**
     * Opens and claims the state of one TPM. The store holds its claim (a lock, a lease) until closed.
     *
     * @throws StateLockedException when another server holds the claim
     * @throws IOException when the storage cannot be reached or its content is refused; a one-line message
     *     without credentials
     */
    StateStore open(StateStoreRequest request) throws IOException;
}
