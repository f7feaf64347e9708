package dev.jtpm.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** An {@link Acceptor} for an inherited, already connected control socket ({@code clientfd=}): one client, once. */
final class SingleConnAcceptor implements Acceptor {
    private final Conn conn;
    private final AtomicReference<Conn> pending;
    private volatile boolean open = true;

    SingleConnAcceptor(Conn conn) {
        this.conn = conn;
        this.pending = new AtomicReference<>(conn);
    }

    @Override
    public Conn accept() throws IOException {
        Conn c = pending.getAndSet(null);
        if (c == null) throw new IOException("the inherited control connection was already served");
        return c;
    }

    @Override
    public int port() { return -1; }

    @Override
    public Path path() { return null; }

    @Override
    public boolean isOpen() { return open; }

    @Override
    public boolean passesFds() { return true; }

    @Override
    public void close() {
        open = false;
        if (pending.getAndSet(null) != null) conn.close();
        else conn.abort(); // wakes the thread serving it, which then closes it
    }
}
