package dev.jtpm.cli;

import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.server.rm.RmOptions;
import dev.jtpm.server.rm.RmServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm rm}: a resource manager in front of one TPM (docs/resource-manager.md). Many clients speak the swtpm
 * data and control protocol (or mssim) to it, each in its own space of virtual handles; it serves until killed.
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"A resource manager: many clients share one TPM, each with its own handles (as /dev/tpmrm0).",
                "Example: jtpm rm --backend swtpm:host=127.0.0.1,port=2321 --server type=tcp,port=2421"})
final class RmCommand implements Callable<Integer> {

    @Option(names = "--backend", required = true, paramLabel = "in-process[:DIR]|swtpm:…|mssim:…|device:PATH",
            description = "the TPM behind the resource manager")
    String backend;

    @Option(names = "--server", required = true, paramLabel = "type=tcp,port=N|type=unixio,path=P[,mode=0660,group=G]|type=mssim,port=N|type=tls,port=N,cert=F,key=F,ca=F",
            description = "where clients connect (type=tls: TLS 1.3, client certificates from ca; docs/tls.md)")
    String server;

    @Option(names = "--ctrl", paramLabel = "type=tcp,port=N|type=unixio,path=P|type=tls,port=N,cert=F,key=F,ca=F",
            description = "the swtpm control channel (default: data port + 1, or PATH.ctrl)")
    String ctrl;

    @Option(names = "--max-objects", paramLabel = "N", description = "transient objects per client (default 16)")
    int maxObjects = 16;

    @Option(names = "--max-sessions", paramLabel = "N", description = "sessions per client (default 8)")
    int maxSessions = 8;

    @Option(names = "--read-timeout", paramLabel = "MS", description = "time an incomplete request may take (default 10000)")
    long readTimeout = RmOptions.DEFAULT_READ_TIMEOUT_MILLIS;

    @Option(names = "--backend-timeout", paramLabel = "MS", description = "time the backend may take per command (default 120000)")
    long backendTimeout = RmOptions.DEFAULT_BACKEND_TIMEOUT_MILLIS;

    @Option(names = "--verbose", description = "log connections and backend events on stderr")
    boolean verbose;

    @Override
    public Integer call() {
        RmServer.Config config;
        BackendSpec spec;
        try {
            spec = RmOptions.backend(backend);
            config = RmOptions.parse(server, ctrl, maxObjects, maxSessions, readTimeout, backendTimeout);
        } catch (OptionException e) {
            System.err.println("jtpm rm: " + e.getMessage());
            return 1;
        }
        ServerLog log = new ServerLog(System.err, verbose ? 2 : 0);
        RmServer rm;
        try {
            rm = RmServer.start(spec, config, log);
        } catch (IOException e) {
            System.err.println("jtpm rm: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rm.close();
            stop.countDown();
        }));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
