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
        StateStoreProvider p = provider(scheme);
        if (p == null) throw new IOException(unsupported(request.uri()));
        return p.open(request);
    }

    /** The provider serving {@code scheme}, or null. */
    public static StateStoreProvider provider(String scheme) {
        for (StateStoreProvider p : ServiceLoader.load(StateStoreProvider.class, StateStores.class.getClassLoader())) {
            if (p.serves(scheme)) return p;
        }
        return null;
    }

    /** The one-line refusal of a URI no provider serves. */
    static String unsupported(String uri) {
        return "backend-uri '" + uri + "' is not supported: jtpm has dir:// built in, and postgresql:// with the"
                + " jtpm-fleet module on the class path";
    }
}
