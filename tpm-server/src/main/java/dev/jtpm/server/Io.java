package dev.jtpm.server;

/** Small I/O helpers. */
final class Io {
    private Io() {}

    /** Closes without reporting a failure (nothing useful can be done about one). */
    static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) c.close();
        } catch (Exception ignored) {
            // nothing useful to do
        }
    }
}
