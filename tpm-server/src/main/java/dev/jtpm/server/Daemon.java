package dev.jtpm.server;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code -d/--daemon}. A JVM cannot fork, so the process runs its own command line again
 * ({@code /proc/self/cmdline}) without {@code --daemon}, as a detached child: stdin and stdout on
 * /dev/null, stderr in a private file, in a new session through {@code setsid(1)} when it is
 * installed. The parent waits until the child says it is ready (it creates the file named by
 * {@value #READY_ENV} where it writes its pid file), then exits 0; when the child exits first, the
 * parent prints the child's last error line and exits with its code. Descriptors cannot be handed on,
 * so {@code fd=} forms are refused with {@code --daemon} ({@link SocketOptions}).
 */
final class Daemon {
    /** The environment variable naming the child's readiness file. */
    static final String READY_ENV = "JTPM_DAEMON_READY";

    private Daemon() {}

    /** Runs the detached child and waits for it; the exit code of the parent. */
    static int detach(List<String> socketArgs, PrintStream err) {
        List<String> cmdline;
        try {
            cmdline = commandLine();
        } catch (IOException e) {
            err.println("jtpm socket: --daemon: cannot read this process' command line: " + e.getMessage());
            return 1;
        }
        int n = socketArgs.size();
        if (cmdline.size() < n || !cmdline.subList(cmdline.size() - n, cmdline.size()).equals(socketArgs)) {
            err.println("jtpm socket: --daemon: cannot find the server's arguments in this process' command line");
            return 1;
        }
        List<String> child = new ArrayList<>();
        File setsid = new File("/usr/bin/setsid");
        if (setsid.canExecute()) child.add(setsid.getPath());
        child.addAll(cmdline.subList(0, cmdline.size() - n));
        for (String a : socketArgs) if (!a.equals("-d") && !a.equals("--daemon")) child.add(a);
        Path dir;
        try {
            dir = Files.createTempDirectory("jtpm-daemon");
        } catch (IOException e) {
            err.println("jtpm socket: --daemon: " + e.getMessage());
            return 1;
        }
        Path ready = dir.resolve("ready"), errFile = dir.resolve("stderr");
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(child).redirectInput(new File("/dev/null"))
                    .redirectOutput(new File("/dev/null")).redirectError(errFile.toFile());
            pb.environment().put(READY_ENV, ready.toString());
            p = pb.start();
        } catch (IOException e) {
            err.println("jtpm socket: --daemon: cannot start the server: " + e.getMessage());
            deleteQuietly(errFile, ready, dir);
            return 1;
        }
        try {
            while (!Files.exists(ready)) {
                if (!p.isAlive()) {
                    String line = lastLine(errFile);
                    err.println(line != null ? line : "jtpm socket: the server exited with code " + p.exitValue());
                    return p.exitValue() == 0 ? 1 : p.exitValue();
                }
                Thread.sleep(10);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            deleteQuietly(errFile, ready, dir);
        }
    }

    /** In the child: says it is ready (after the pid file is written). */
    static void signalReady(Map<String, String> env) throws IOException {
        String f = env.get(READY_ENV);
        if (f != null && !f.isEmpty()) Files.write(Path.of(f), new byte[0]);
    }

    private static List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) out.add(new String(Arrays.copyOfRange(raw, start, raw.length), StandardCharsets.UTF_8));
        return out;
    }

    private static String lastLine(Path f) {
        try {
            String last = null;
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) if (!l.isBlank()) last = l;
            return last;
        } catch (IOException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path... paths) {
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
