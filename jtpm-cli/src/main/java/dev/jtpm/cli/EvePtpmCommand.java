package dev.jtpm.cli;

import dev.jtpm.eve.EvePtpmServer;
import dev.jtpm.eve.RequestHandler;
import dev.jtpm.eve.ToolRunner;
import dev.jtpm.eve.ToolTarget;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.backend.BackendSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm eve-ptpm}: EVE's TPM proxy server (port 8877) in front of any TPM; the tools run with the TCTI made
 * from {@code --tcti} and nothing else. Runs until killed; bad options are one line and exit 1.
 */
@Command(name = "eve-ptpm", mixinStandardHelpOptions = true,
        description = {"EVE's PTPM server: runs 13 allowed tpm2-tools commands for eve_run / libevetools clients (docs/eve.md)."})
final class EvePtpmCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "where to listen (default 127.0.0.1:8877)")
    String listen = "127.0.0.1:" + dev.jtpm.eve.EveRun.DEFAULT_PORT;

    @Option(names = "--tcti", paramLabel = "SPEC", description = "the TPM: " + BackendSpec.FORMS + " (default device:/dev/tpmrm0)")
    String tcti = "device:/dev/tpmrm0";

    @Option(names = "--max-workers", paramLabel = "N", description = "requests served at once; beyond, \"Server busy\" (default 64)")
    int maxWorkers = 64;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "time a client has to send its request (default 30)")
    int readTimeout = 30;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "time a tool may run before it is killed (default 30)")
    int timeout = 30;

    @Option(names = "--tools-dir", paramLabel = "DIR", description = "where the tpm2_* programs are (default /usr/bin)")
    Path toolsDir = Path.of("/usr/bin");

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where per-request working directories are made (default: a fresh private temporary directory)")
    Path workDir;

    @Override
    public Integer call() {
        InetSocketAddress address;
        BackendSpec spec;
        try {
            address = hostPort("--listen", listen);
            spec = BackendSpec.parse("--tcti", tcti);
            if (spec instanceof BackendSpec.Device d && !Files.exists(d.path())) throw new OptionException("--tcti: no device " + d.path());
            if (maxWorkers < 1 || readTimeout < 1 || timeout < 1) throw new OptionException("--max-workers, --read-timeout and --timeout must be positive");
            if (!Files.isExecutable(toolsDir.resolve("tpm2_getcap"))) throw new OptionException("--tools-dir: no tpm2_getcap in " + toolsDir);
        } catch (OptionException e) {
            System.err.println("jtpm eve-ptpm: " + e.getMessage());
            return 1;
        }
        Path root;
        boolean ownRoot = workDir == null;
        try {
            root = ownRoot ? Files.createTempDirectory("jtpm-eve-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createDirectories(workDir);
        } catch (IOException e) {
            System.err.println("jtpm eve-ptpm: cannot make the working directory root: " + e.getMessage());
            return 1;
        }
        ToolTarget opened = null;
        try {
            opened = ToolTarget.open(spec);
            ToolTarget target = opened;
            RequestHandler handler = new RequestHandler(new ToolRunner(toolsDir, target.tcti(), Duration.ofSeconds(timeout), dev.jtpm.eve.EveFrame.MAX_MESSAGE),
                    root, target.serialize(), Duration.ofSeconds(timeout));
            EvePtpmServer server = EvePtpmServer.start(address, handler, new EvePtpmServer.Config(maxWorkers, Duration.ofSeconds(readTimeout), System.err));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                target.close();
                if (ownRoot) removeQuietly(root);
                stop.countDown();
            }));
            System.err.println("jtpm eve-ptpm: listening on " + address.getHostString() + ":" + server.port()
                    + ", tools reach the TPM at " + target.tcti());
            stop.await();
            return 0;
        } catch (OptionException | IOException e) {
            System.err.println("jtpm eve-ptpm: " + e.getMessage());
            if (opened != null) opened.close();
            if (ownRoot) removeQuietly(root);
            return 1;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private static void removeQuietly(Path root) {
        try {
            Files.deleteIfExists(root);
        } catch (IOException ignored) {
            // a leftover empty directory
        }
    }

    static InetSocketAddress hostPort(String option, String text) throws OptionException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new OptionException(option + ": expected HOST:PORT, not '" + text + "'");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new OptionException(option + ": bad port in '" + text + "'");
        }
    }
}
