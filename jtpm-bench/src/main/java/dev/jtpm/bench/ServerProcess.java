package dev.jtpm.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A TPM server started as its own process with swtpm's command line
 * ({@code socket --tpm2 --server type=tcp,... --ctrl type=tcp,... --flags not-need-init,startup-clear
 * --tpmstate dir=...}) on free ports of 127.0.0.1, with a fresh state directory. {@link #close()}
 * asks it to exit over the control channel (CMD_SHUTDOWN), kills it if it does not, and removes the
 * state directory.
 */
final class ServerProcess implements AutoCloseable {
    private static final int CMD_SHUTDOWN = 0x00000003;
    final String name;
    final int dataPort;
    final int ctrlPort;
    private final Process process;
    final Path stateDir;
    private final Path log;

    private ServerProcess(String name, Process process, int dataPort, Path stateDir, Path log) {
        this.name = name;
        this.process = process;
        this.dataPort = dataPort;
        this.ctrlPort = dataPort + 1;
        this.stateDir = stateDir;
        this.log = log;
    }

    /**
     * Starts {@code prefix socket --tpm2 ...}; {@code prefix} is the program (and its own options)
     * that takes swtpm's {@code socket} command line.
     */
    static ServerProcess start(String name, List<String> prefix) throws IOException {
        int port = freePortPair();
        Path stateDir = Files.createTempDirectory("bench-" + name + "-");
        Path log = Files.createTempFile("bench-" + name + "-", ".log");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("socket", "--tpm2",
                "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear",
                "--tpmstate", "dir=" + stateDir));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServerProcess(name, p, port, stateDir, log);
    }

    /**
     * A port P such that P and P+1 were both free on 127.0.0.1 just now, below Linux's ephemeral range (32768–60999):
     * a client polling a port inside it until the server listens can be handed that port as its own source port and
     * connect to itself.
     */
    static int freePortPair() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = 20000 + 2 * random.nextInt(6300);
            try (ServerSocket a = new ServerSocket(p, 1, lo); ServerSocket b = new ServerSocket(p + 1, 1, lo)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no two adjacent free ports on 127.0.0.1");
    }

    boolean isAlive() { return process.isAlive(); }

    long pid() { return process.pid(); }

    /** The last lines the server printed (for error messages). */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ctrlPort), 2_000);
                s.setSoTimeout(5_000);
                new DataOutputStream(s.getOutputStream()).writeInt(CMD_SHUTDOWN);
                new DataInputStream(s.getInputStream()).readInt();
            } catch (IOException e) {
                // it is killed below
            }
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(stateDir);
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory
        }
    }
}
