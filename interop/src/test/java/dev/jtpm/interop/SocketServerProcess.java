package dev.jtpm.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code jtpm socket} or {@code swtpm socket} server as a real process on 127.0.0.1 (data port P, control port
 * P+1), with the same command line for both, so one script can drive either.
 */
final class SocketServerProcess implements AutoCloseable {
    enum Kind { JTPM, SWTPM }

    private final Process process;
    private final int port;

    /**
     * Starts a server on {@code stateDir}; {@code flags} is the {@code --flags} value, or null for none (the
     * server then waits for CMD_INIT).
     */
    SocketServerProcess(Kind kind, Path stateDir, String flags) {
        this(kind, stateDir, "dir=" + stateDir, flags, List.of());
    }

    /**
     * A server with {@code --tpmstate tpmstate} and {@code extra} options; its output goes to {@code stateDir}'s
     * sibling {@code .log} file.
     */
    SocketServerProcess(Kind kind, Path stateDir, String tpmstate, String flags, List<String> extra) {
        if (kind == Kind.SWTPM) Tools.require("swtpm");
        port = FreePorts.pair();
        List<String> cmd = new ArrayList<>();
        if (kind == Kind.SWTPM) {
            cmd.add("swtpm");
        } else {
            cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main"));
        }
        cmd.addAll(List.of("socket", "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--tpmstate", tpmstate));
        if (flags != null) cmd.addAll(List.of("--flags", flags));
        cmd.addAll(extra);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(stateDir.resolveSibling(stateDir.getFileName() + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitControlPort();
    }

    private void awaitControlPort() {
        for (int i = 0; i < 1200; i++) {
            if (!process.isAlive()) throw new IllegalStateException("server exited with " + process.exitValue());
            try (Socket s = new Socket("127.0.0.1", port + 1)) {
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
        throw new IllegalStateException("server did not start");
    }

    String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

    /** The control channel as swtpm_ioctl's --tcp takes it. */
    String ctrl() { return "127.0.0.1:" + (port + 1); }

    /** The process (its pid, whether it is alive). */
    Process process() { return process; }

    /** Waits for the process to end by itself (after CMD_SHUTDOWN); its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("server did not exit");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
