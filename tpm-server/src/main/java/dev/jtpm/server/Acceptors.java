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
        // if/instanceof, not a pattern switch: this runs at every `jtpm socket` start, and a pattern switch spins a
        // class at its first use that the AOT cache cannot hold
        if (spec instanceof ChannelSpec.Tcp t) return Listener.tcp(t.bindAddr(), t.port());
        if (spec instanceof ChannelSpec.UnixIo u) return Listener.unix(u.path(), u.mode(), u.owner());
        if (spec instanceof ChannelSpec.Tls t) return TlsListener.bind(t.bindAddr(), t.port(), t.files(), log);
        if (spec instanceof ChannelSpec.Mssim) throw new IllegalArgumentException("an mssim channel is two listeners");
        throw new IllegalArgumentException("an inherited descriptor is not a listener");
    }
}
