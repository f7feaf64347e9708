package dev.jtpm.eve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jtpm.provision.Setup;
import dev.jtpm.server.backend.BackendSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A running eve-ptpm for tests: an in-process TPM on a state directory set up with {@code --profile eve}, tools from
 * /usr/bin, a server on a free port below the ephemeral range, a working-directory root to inspect.
 */
final class EveFixture implements AutoCloseable {

    final Path state;
    final Path workRoot;
    final ToolTarget target;
    final EvePtpmServer server;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    EveFixture(Path base, int maxWorkers, Duration readTimeout, Duration toolTimeout) throws Exception {
        requireTools();
        state = Files.createDirectories(base.resolve("state"));
        workRoot = Files.createDirectories(base.resolve("work"));
        ByteArrayOutputStream setupOut = new ByteArrayOutputStream();
        int rc = Setup.run(List.of("--tpm2", "--tpmstate", state.toString(), "--profile", "eve"), Map.of(),
                new PrintStream(setupOut), new PrintStream(setupOut));
        assertEquals(0, rc, setupOut.toString());
        target = ToolTarget.open(BackendSpec.parse("--tcti", "in-process:" + state));
        RequestHandler handler = new RequestHandler(new ToolRunner(Path.of("/usr/bin"), target.tcti(), toolTimeout, EveFrame.MAX_MESSAGE),
                workRoot, target.serialize(), toolTimeout);
        EvePtpmServer s = null;
        for (int i = 0; s == null; i++) {
            try {
                s = EvePtpmServer.start(new InetSocketAddress("127.0.0.1", ThreadLocalRandom.current().nextInt(20000, 32000)), handler,
                        new EvePtpmServer.Config(maxWorkers, readTimeout, new PrintStream(log, true)));
            } catch (BindException e) {
                if (i > 50) throw e;
            }
        }
        server = s;
    }

    EveFixture(Path base) throws Exception {
        this(base, 64, Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    InetSocketAddress address() { return new InetSocketAddress("127.0.0.1", server.port()); }

    /** Runs jtpm eve-run's logic in {@code cwd}; returns stdout. */
    String eveRun(Path cwd, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = EveRun.run(List.of(argv), address(), cwd, new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, rc, err.toString());
        return out.toString(StandardCharsets.UTF_8);
    }

    String log() { return log.toString(StandardCharsets.UTF_8); }

    static void requireTools() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/tpm2_getcap")) && Files.isExecutable(Path.of("/usr/bin/openssl"));
        if (!present && "true".equals(System.getenv("CI"))) throw new AssertionError("tpm2-tools and openssl are required with CI=true");
        if (!present) System.err.println("NOTICE: tpm2-tools or openssl missing: eve-ptpm tests skipped");
        assumeTrue(present, "tpm2-tools (apt-get install tpm2-tools libtss2-tcti-swtpm0) and openssl needed");
    }

    /** Runs a local program; returns its output, asserting exit 0. */
    static String exec(Path cwd, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().remove("TPM2TOOLS_TCTI");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    @Override
    public void close() {
        server.close();
        target.close();
    }
}
