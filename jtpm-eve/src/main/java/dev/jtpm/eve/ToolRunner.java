package dev.jtpm.eve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one tpm2-tools program the way the reference's {@code execCmd} does — its own process, the working directory
 * as cwd, stdout and stderr interleaved into one output, no shell — with what the reference lacks: an environment
 * holding only the TCTI ({@code TPM2TOOLS_TCTI}; nothing inherited), stdin from {@code /dev/null}, the output kept up
 * to a bound (the rest read and dropped so the tool never blocks), and a run-time limit after which the tool and
 * its descendants are killed.
 *
 * @param toolsDir where the {@code tpm2_*} programs are ({@code /usr/bin})
 * @param tcti the TCTI the tools get
 * @param timeout how long a tool may run
 * @param maxOutput how many output bytes are kept
 */
public record ToolRunner(Path toolsDir, String tcti, Duration timeout, int maxOutput) {

    /** How a run ended: the exit code (−1: killed by a signal or the time limit), the output kept, whether it timed out. */
    public record Result(int exitCode, byte[] output, boolean timedOut) {}

    /** Runs {@code tool} with {@code arguments} in {@code workDir}; an exec failure is exit code 2 (ENOENT), as the reference's {@code exit(errno)}. */
    public Result run(String tool, List<String> arguments, Path workDir) throws InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(toolsDir.resolve(tool).toString());
        argv.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("TPM2TOOLS_TCTI", tcti);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(2, new byte[0], false);
        }
        AtomicBoolean killed = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) kill(p, killed);
            } catch (InterruptedException e) {
                kill(p, killed);
            }
        });
        byte[] output;
        try (InputStream in = p.getInputStream()) {
            output = bounded(in, maxOutput);
        } catch (IOException e) {
            output = new byte[0];
        } finally {
            if (Thread.interrupted()) {
                kill(p, killed);
                watchdog.interrupt();
                throw new InterruptedException();
            }
        }
        int code = p.waitFor();
        watchdog.join();
        boolean timedOut = killed.get();
        // a Java exit value above 128 is a signal (0x80 + signo); the reference reports −1 for those
        return new Result(timedOut || code >= 128 ? -1 : code, output, timedOut);
    }

    private static void kill(Process p, AtomicBoolean killed) {
        killed.set(true);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static byte[] bounded(InputStream in, int max) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int r;
        while ((r = in.read(buf)) >= 0) {
            int room = max - kept.size();
            if (room > 0) kept.write(buf, 0, Math.min(room, r));
        }
        return kept.toByteArray();
    }
}
