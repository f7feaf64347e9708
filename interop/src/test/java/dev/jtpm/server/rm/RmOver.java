package dev.jtpm.server.rm;

import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import java.io.IOException;

/**
 * Starts an {@link RmServer} over a backend the test has opened itself, so the test can ask that backend directly
 * what it still holds once every client has gone (the in-process engine has no socket of its own to ask). Test code
 * in the RM's package because {@link BackendLink#over} is package-private.
 */
public final class RmOver {
    private RmOver() {}

    /** The RM in front of {@code backend} (reopened as itself after a failure). */
    public static RmServer start(Backend backend, RmServer.Config config) throws IOException {
        return RmServer.start(BackendLink.over(backend, () -> backend, config.backendTimeoutMillis()), config, ServerLog.NONE);
    }
}
