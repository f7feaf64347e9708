package dev.jtpm.fleet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tpm2-tools against a TCP swtpm endpoint; missing tools skip the test with a notice (fail under CI=true). */
final class Tpm2Tools {
    private Tpm2Tools() {}

    record Run(int exit, String out, String err) {
        Run ok() {
            if (exit != 0) throw new AssertionError("exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            return this;
        }
    }

    static void require() {
        if (Files.isExecutable(Path.of("/usr/bin/tpm2_unseal"))) return;
        String notice = "tpm2-tools are not installed";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(notice + "; CI=true requires them");
        System.err.println("SKIPPED: " + notice);
        assumeTrue(false, notice);
    }

    /** Runs {@code tpm2_<tool> -T swtpm:host=127.0.0.1,port=PORT args…} in {@code cwd}, stdin from {@code input}. */
    static Run run(Path cwd, int port, String input, String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tpm2_" + tool, "-T", "swtpm:host=127.0.0.1,port=" + port));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).start();
        if (input != null) p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tpm2_" + tool + " hung");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1), new String(err, StandardCharsets.UTF_8));
    }
}
