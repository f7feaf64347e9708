package dev.jtpm.server;

import java.io.PrintStream;

/**
 * swtpm's {@code --log}: one-line messages, and at level 20 or above hex dumps of control and data
 * traffic in swtpm's style ("Ctrl Cmd:", "SWTPM_IO_Read:").
 *
 * @param out where lines go, or null to discard them
 * @param level the swtpm log level (0 = errors only)
 */
public record ServerLog(PrintStream out, int level) {
    /** A log that writes nothing. */
    public static final ServerLog NONE = new ServerLog(null, 0);

    /** Writes one message line. */
    public void info(String message) {
        if (out != null && level > 0) {
            synchronized (out) { out.println(message); out.flush(); }
        }
    }

    /** Writes an error line (at any level). */
    public void error(String message) {
        if (out != null) {
            synchronized (out) { out.println(message); out.flush(); }
        }
    }

    /** True when traffic is dumped. */
    public boolean dumps() { return out != null && level >= 20; }

    /**
     * Hex dump of {@code n} bytes exactly as swtpm's SWTPM_PrintAll writes it: the title and length,
     * then lines of up to 16 upper-case bytes, each line starting with a space and every byte
     * followed by one.
     */
    public void dump(String title, byte[] b, int n) {
        if (!dumps()) return;
        StringBuilder s = new StringBuilder(title).append(" length ").append(n).append('\n');
        for (int i = 0; i < Math.min(n, 1024); i++) {
            if (i % 16 == 0) s.append(' ');
            s.append(String.format("%02X ", b[i] & 0xff));
            if (i % 16 == 15 || i == Math.min(n, 1024) - 1) s.append('\n');
        }
        synchronized (out) { out.print(s); out.flush(); }
    }
}
