package dev.jtpm.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A {@link FleetHostMain} child JVM: one host of the fleet, its own directory and port range. */
final class FleetHostProcess implements AutoCloseable {
    final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    private FleetHostProcess(Process p) {
        this.process = p;
        this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts a host on {@code dir} with the store {@code uri} and extra environment variables; waits for READY. */
    static FleetHostProcess start(Path dir, String uri, Map<String, String> env, Path log) throws IOException {
        return start(dir, uri, env, log, null);
    }

    /** As above, every instance's state encrypted with the hex key in {@code keyFile} (null: none). */
    static FleetHostProcess start(Path dir, String uri, Map<String, String> env, Path log, Path keyFile) throws IOException {
        int from = freeRange();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                FleetHostMain.class.getName(), dir.toString(), uri, from + "-" + (from + 19)));
        if (keyFile != null) cmd.add(keyFile.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("PGPASSWORD");
        pb.environment().putAll(env);
        FleetHostProcess h = new FleetHostProcess(pb.start());
        String ready = h.out.readLine();
        if (!"READY".equals(ready)) throw new IOException("host did not start: " + ready);
        return h;
    }

    /** Sends one command and returns the answer line. */
    String send(String command) throws IOException {
        in.println(command);
        String line = out.readLine();
        if (line == null) throw new IOException("host gone");
        return line;
    }

    /** {@code create NAME} expected to succeed: the data port. */
    int create(String name) throws IOException {
        String a = send("create " + name);
        if (!a.startsWith("OK ")) throw new IOException(a);
        return Integer.parseInt(a.split(" ")[2]);
    }

    long pid() { return process.pid(); }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** A clean stop: every instance shut down, leases released. */
    void exit() throws IOException, InterruptedException {
        if (!process.isAlive()) return;
        send("exit");
        process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) kill9();
        }
    }

    private static int freeRange() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = 20000 + 20 * ThreadLocalRandom.current().nextInt(600);
            if (free(p) && free(p + 1) && free(p + 2) && free(p + 3)) return p;
        }
        throw new IllegalStateException("no free port range");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
