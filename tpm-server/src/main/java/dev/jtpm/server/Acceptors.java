package dev.jtpm.server;

import java.io.IOException;

/**
 * Binds the listener a {@link ChannelSpec} describes, for front-ends outside this package (the resource manager):
 * TCP, Unix socket or TLS. Mssim (two ports) and inherited descriptors are bound by their servers.
 */
public final class Acceptors {
    private Acceptors() {}

    /** Binds {@code spec}; certificate and key errors of a TLS spec are one-line messages naming the file. */
    public static Acceptor bind(ChannelSpec spec) throws IOException {
        return bind(spec, ServerLog.NONE);
    }

    /** Like {@link #bind(ChannelSpec)}; {@code log} is told about TLS handshakes that fail (refused clients). */
    public static Acceptor bind(ChannelSpec spec, ServerLog log) throws IOException {
        return switch (spec) {
            case ChannelSpec.Tcp t -> Listener.tcp(t.bindAddr(), t.port());
            case ChannelSpec.UnixIo u -> Listener.unix(u.path(), u.mode(), u.owner());
            case ChannelSpec.Tls t -> TlsListener.bind(t.bindAddr(), t.port(), t.files(), log);
            case ChannelSpec.Mssim m -> throw new IllegalArgumentException("an mssim channel is two listeners");
            case ChannelSpec.Fd f -> throw new IllegalArgumentException("an inherited descriptor is not a listener");
        };
    }
}
