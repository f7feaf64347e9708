package dev.jtpm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code dev.jtpm.cli.Main} in a child JVM, as the {@code ./jtpm} launcher would. */
final class JtpmProcess implements AutoCloseable {
    final Process process;
    final BufferedReader out;

    private JtpmProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static JtpmProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new JtpmProcess(new ProcessBuilder(cmd).start());
    }

    /** Runs to completion: exit code, stdout, stderr. */
    static Result run(String... args) throws Exception {
        try (JtpmProcess p = start(args)) {
            p.process.getOutputStream().close();
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("jtpm " + String.join(" ", args) + " hangs");
            return new Result(p.process.exitValue(), new String(p.process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    String stderr() throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("jtpm did not exit");
        return process.exitValue();
    }

    /** A TCP port that was free a moment ago, with the next one free too. */
    static int freePortPair() throws IOException {
        // below Linux's ephemeral range (32768-60999): a client polling a port in it can connect to itself
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int p = 20000 + 2 * random.nextInt(6300);
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
                return p;
            } catch (IOException retry) {
                // the neighbour was taken; try another
            }
        }
        throw new IOException("no free port pair");
    }

    record Result(int exitCode, String out, String err) {}

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
