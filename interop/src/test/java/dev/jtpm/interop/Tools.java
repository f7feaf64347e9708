package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs external programs (tpm2-tools, swtpm, swtpm_ioctl, openssl). A missing program skips the
 * test with a visible notice on a developer machine, and fails it when {@code CI=true}.
 */
final class Tools {
    private Tools() {}

    /** The result of one program run. */
    record Run(int exit, String out, String err) {
        private static final java.util.regex.Pattern RC = java.util.regex.Pattern.compile("\\((0x[0-9A-Fa-f]+)\\)");

        /** "ok", or the first response code tpm2-tools printed (lower case), or "exit N": for differential tests. */
        String outcome() {
            if (exit == 0) return "ok";
            java.util.regex.Matcher m = RC.matcher(err);
            return m.find() ? m.group(1).toLowerCase() : "exit " + exit;
        }

        Run ok() {
            if (exit != 0) fail("exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            return this;
        }
    }

    static boolean onCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    /** Requires a program on the PATH (or an absolute path). */
    static void require(String program) {
        if (find(program) != null) return;
        String msg = "interop: '" + program + "' is not installed; install Debian's tpm2-tools, swtpm, swtpm-tools, "
                + "libtss2-tcti-swtpm0, libtss2-tcti-mssim0 and openssl (.ci/run does)";
        if (onCi()) fail(msg + " — required on CI");
        System.err.println("NOTICE: skipping, " + msg);
        Assumptions.abort(msg);
    }

    static Path find(String program) {
        if (program.startsWith("/")) return Files.isExecutable(Path.of(program)) ? Path.of(program) : null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Runs a program with a 60 s limit, with extra environment variables and optional stdin bytes. */
    static Run run(Map<String, String> env, byte[] stdin, String... command) {
        require(command[0]);
        ProcessBuilder pb = new ProcessBuilder(List.of(command));
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("jtpm-out", ".txt");
            Path err = Files.createTempFile("jtpm-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (stdin != null) {
                try (var os = p.getOutputStream()) { os.write(stdin); }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a tpm2-tools program against a TCTI. */
    static Run tpm2(String tcti, String... args) {
        List<String> cmd = new ArrayList<>(List.of(args));
        cmd.add(1, "-T");
        cmd.add(2, tcti);
        return run(Map.of("TSS2_LOG", "all+NONE"), null, cmd.toArray(String[]::new));
    }
}
