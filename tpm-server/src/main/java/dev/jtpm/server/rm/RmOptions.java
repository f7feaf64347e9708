package dev.jtpm.server.rm;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServiceChannels;
import dev.jtpm.server.backend.BackendSpec;
import java.nio.file.Path;

/**
 * {@code jtpm rm}'s options, checked into a {@link RmServer.Config}: {@code --server} as {@code jtpm socket} parses it
 * (a Unix socket with {@code mode=}, {@code uid=}, {@code gid=} or {@code group=}), {@code --ctrl} (default: the data
 * port + 1 on the same address for TCP, {@code PATH.ctrl} with the same mode and owner for a Unix socket — where
 * tpm2-tss' swtpm TCTI looks for it — none for mssim), and the limits.
 */
public final class RmOptions {
    /** Default time an incomplete request may take. */
    public static final long DEFAULT_READ_TIMEOUT_MILLIS = 10_000;
    /** Default time the backend may take for one command. */
    public static final long DEFAULT_BACKEND_TIMEOUT_MILLIS = 120_000;

    private RmOptions() {}

    /** Parses the server and control channel options into a configuration. */
    public static RmServer.Config parse(String server, String ctrl, int maxObjects, int maxSessions, long readTimeoutMillis,
            long backendTimeoutMillis) throws OptionException {
        if (server == null) throw new OptionException("--server is required (type=tcp,port=N | type=unixio,path=P | type=mssim,port=N)");
        ChannelSpec data = ServiceChannels.parseServer(server);
        ChannelSpec ctrlSpec;
        if (ctrl != null) {
            if (data instanceof ChannelSpec.Mssim) throw new OptionException("--ctrl: the mssim protocol has its platform port instead");
            ctrlSpec = ServiceChannels.parseCtrl(ctrl);
        } else {
            ctrlSpec = switch (data) {
                case ChannelSpec.Tcp t when t.port() != 0 && t.port() < 65535 -> new ChannelSpec.Tcp(t.bindAddr(), t.port() + 1, false);
                case ChannelSpec.UnixIo u -> new ChannelSpec.UnixIo(Path.of(u.path() + ".ctrl"), u.mode(), u.owner());
                case ChannelSpec.Tls t when t.port() != 0 && t.port() < 65535 -> new ChannelSpec.Tls(t.bindAddr(), t.port() + 1, t.files());
                default -> null;
            };
        }
        if (maxObjects < 1 || maxObjects > 1024) throw new OptionException("--max-objects: 1 to 1024");
        if (maxSessions < 1 || maxSessions > 64) throw new OptionException("--max-sessions: 1 to 64");
        if (readTimeoutMillis < 100) throw new OptionException("--read-timeout: at least 100 (milliseconds)");
        if (backendTimeoutMillis < 100) throw new OptionException("--backend-timeout: at least 100 (milliseconds)");
        return new RmServer.Config(data, ctrlSpec, new ResourceManager.Limits(maxObjects, maxSessions), readTimeoutMillis,
                backendTimeoutMillis);
    }

    /** The backend option. */
    public static BackendSpec backend(String text) throws OptionException {
        return BackendSpec.parse("--backend", text);
    }
}
