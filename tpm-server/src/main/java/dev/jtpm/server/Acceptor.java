package dev.jtpm.server;

import java.io.IOException;
import java.nio.file.Path;

/** A listening socket that hands out {@link Conn}s. */
public interface Acceptor extends AutoCloseable {

    /** Waits for the next client. */
    Conn accept() throws IOException;

    /** The bound TCP port, or -1. */
    int port();

    /** The Unix socket file, or null. */
    Path path();

    /** True until closed. */
    boolean isOpen();

    /** True when accepted connections can carry file descriptors (CMD_SET_DATAFD). */
    default boolean passesFds() { return false; }

    /** Stops listening (waking a blocked accept) and removes a Unix socket file. */
    @Override
    void close();
}
