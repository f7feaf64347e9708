package dev.jtpm.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Which local process holds the other end of a loopback TCP connection (Linux: the socket's inode from
 * {@code /proc/net/tcp}, then the process whose {@code /proc/PID/fd} links to it). tcti-swtpm opens one connection
 * per command; this is how {@code jtpm rm} tells that two of them come from the same tpm2-tools process, and how
 * {@code jtpm connect} gives each local client process one upstream connection. Best effort: -1 when it cannot tell
 * (not loopback IPv4, not Linux, the process already gone, its {@code /proc/PID/fd} not readable to us).
 */
public final class PeerProcess {
    private static final Path PROC = Path.of("/proc");

    private PeerProcess() {}

    /** True when the peer is an IPv4 loopback address (the only kind {@link #of} resolves). */
    public static boolean resolvable(InetSocketAddress peer) {
        return peer != null && peer.getAddress() instanceof Inet4Address a && a.isLoopbackAddress()
                && Files.isReadable(PROC.resolve("net/tcp"));
    }

    /** The socket inode of the peer's end, or -1. */
    public static long inode(InetSocketAddress peer, InetSocketAddress local) {
        if (!resolvable(peer) || local == null) return -1;
        // an IPv4 client socket, or a dual-stack one (Java's default) listed in tcp6 with IPv4-mapped addresses
        long found = find("net/tcp", hex(peer) + " " + hex(local));
        return found >= 0 ? found : find("net/tcp6", MAPPED + hex(peer) + " " + MAPPED + hex(local));
    }

    private static final String MAPPED = "0000000000000000FFFF0000";

    private static long find(String table, String want) {
        Path file = PROC.resolve(table);
        if (!Files.isReadable(file)) return -1;
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10) continue;
                if ((f[1] + " " + f[2]).equals(want)) return Long.parseLong(f[9]);
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The process holding the socket {@code inode}: first among {@code likely} (cheap), then, if {@code scanAll},
     * among all processes. -1 when not found.
     */
    public static long holder(long inode, Collection<Long> likely, boolean scanAll) {
        if (inode <= 0) return -1;
        String link = "socket:[" + inode + "]";
        for (long pid : likely) if (holds(PROC.resolve(Long.toString(pid)), link)) return pid;
        if (!scanAll) return -1;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path p : procs) {
                if (holds(p, link)) return Long.parseLong(p.getFileName().toString());
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** The process at the other end of a loopback connection, or -1. */
    public static long of(InetSocketAddress peer, InetSocketAddress local, Collection<Long> likely, boolean scanAll) {
        return holder(inode(peer, local), likely, scanAll);
    }

    private static boolean holds(Path procDir, String link) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(procDir.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(link)) return true;
                } catch (IOException | UnsupportedOperationException ignored) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            return false;
        }
        return false;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return true;
    }

    /** /proc/net/tcp's form of an IPv4 socket address: the address as a little-endian word, the port big-endian. */
    private static String hex(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        return String.format("%02X%02X%02X%02X:%04X", b[3] & 0xff, b[2] & 0xff, b[1] & 0xff, b[0] & 0xff, a.getPort());
    }

    public static List<Long> none() { return List.of(); }
}
