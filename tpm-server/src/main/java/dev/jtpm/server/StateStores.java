package dev.jtpm.server;

import java.io.IOException;
import java.util.ServiceLoader;

/**
 * Opens a state store by URI: the {@link StateStoreProvider} whose scheme matches, looked up with
 * {@link ServiceLoader} at the moment a non-directory URI is used (never on the {@code dir://} path).
 */
public final class StateStores {
    private StateStores() {}

    /** The URI's scheme in lower case ("" when it has none). */
    public static String scheme(String uri) {
        int i = uri.indexOf("://");
        return i <= 0 ? "" : uri.substring(0, i).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Opens the store {@code request.uri()} names through its provider.
     *
     * @throws IOException when no provider serves the scheme (one line naming it), or as the provider fails
     */
    public static StateStore open(StateStoreRequest request) throws IOException {
        String scheme = scheme(request.uri());
        for (StateStoreProvider p : ServiceLoader.load(StateStoreProvider.class, StateStores.class.getClassLoader())) {
            if (p.serves(scheme)) return p.open(request);
        }
        throw new IOException("no state store for '" + scheme + "://' URIs (jtpm has dir:// built in; postgresql:// needs"
                + " the jtpm-fleet module on the class path)");
    }
}
