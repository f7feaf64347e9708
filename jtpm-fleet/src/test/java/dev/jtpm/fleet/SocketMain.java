package dev.jtpm.fleet;

import dev.jtpm.server.SwtpmSocket;
import java.util.List;

/** {@code jtpm socket} in a child JVM for the fleet tests (jtpm-cli's Main calls the same {@link SwtpmSocket#run}). */
public final class SocketMain {
    private SocketMain() {}

    /** The arguments after the word {@code socket}. */
    public static void main(String[] args) {
        System.exit(SwtpmSocket.run(List.of(args), System.getenv(), System.out, System.err, null));
    }
}
