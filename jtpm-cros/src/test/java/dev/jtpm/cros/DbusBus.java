package dev.jtpm.cros;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A private {@code dbus-daemon --session} on a Unix socket in a temporary directory, started by a test and stopped
 * with it. A missing dbus-daemon skips the test with a notice, and fails it when {@code CI=true}.
 */
final class DbusBus implements AutoCloseable {
    private final Process process;
    private final String address;

    DbusBus(Path dir) throws IOException {
        require("/usr/bin/dbus-daemon", "Debian's dbus package");
        Path socket = dir.resolve("bus");
        process = new ProcessBuilder("/usr/bin/dbus-daemon", "--session", "--nofork", "--nopidfile",
                "--address=unix:path=" + socket, "--print-address").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine(); // blocks until the daemon listens (it prints the address then)
        if (line == null) {
            process.destroy();
            throw new IOException("dbus-daemon did not start");
        }
        address = line.strip();
        if (!Files.exists(socket)) throw new IOException("no bus socket at " + socket);
    }

    /** The bus address (unix:path=…,guid=…). */
    String address() { return address; }

    static void require(String program, String pkg) {
        if (Files.isExecutable(Path.of(program))) return;
        String msg = program + " is not installed (" + pkg + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(msg + " — required on CI");
        System.err.println("NOTICE: skipping, " + msg);
        Assumptions.abort(msg);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
