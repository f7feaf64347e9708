package dev.jtpm.cli;

import dev.jtpm.server.ServerLog;
import dev.jtpm.server.host.InstanceHost;
import dev.jtpm.server.host.ManagementApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm host}: many TPM instances in one JVM behind an HTTP/JSON management API
 * ({@link ManagementApi}); each instance has swtpm-compatible data and control endpoints.
 */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = {"Serve many TPM instances in one process, managed over HTTP/JSON.",
                "curl -X POST --data '{\"name\":\"vm1\"}' http://127.0.0.1:8080/instances"})
final class HostCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "instances' directories (DIR/NAME/tpm2 holds the state)")
    Path dir;

    @Option(names = "--api", required = true, paramLabel = "HOST:PORT|unix:PATH", description = "where the management API listens")
    String api;

    @ArgGroup(exclusive = true)
    Endpoints endpoints;

    static final class Endpoints {
        @Option(names = "--ports", paramLabel = "FROM-TO", description = "TCP port pairs (data P, control P+1) from this range")
        String ports;

        @Option(names = "--sockets", paramLabel = "DIR", description = "Unix sockets DIR/NAME.sock and DIR/NAME.ctrl (default: DIR/sockets)")
        Path sockets;
    }

    @Option(names = "--bind", paramLabel = "ADDR", description = "address the instances' TCP ports bind (default: 127.0.0.1)")
    String bind = "127.0.0.1";

    @Option(names = "--tls", paramLabel = "cert=F,key=F,ca=F",
            description = "with --ports: the instances' ports speak TLS 1.3 and require client certificates from ca (docs/tls.md)")
    String tls;

    @Option(names = "--store", paramLabel = "URI", description = "keep the instances' state in this store"
            + " (postgresql://HOST:PORT/DB?…, see docs/fleet.md) instead of DIR/NAME/tpm2")
    String store;

    @Option(names = "--key", paramLabel = "file=PATH|pwdfile=PATH[,…]", description = "encrypt every instance's state"
            + " (files or database rows) with this key: jtpm socket's --key forms")
    String key;

    @Option(names = "--log-level", paramLabel = "N", description = "swtpm log level for the instances (default: 0)")
    int logLevel = 0;

    @Override
    public Integer call() {
        InstanceHost.Endpoints ep;
        if (endpoints != null && endpoints.ports != null) {
            String[] r = endpoints.ports.split("-", -1);
            int from, to;
            try {
                if (r.length != 2) throw new NumberFormatException();
                from = Integer.parseInt(r[0]);
                to = Integer.parseInt(r[1]);
                if (from < 1 || to > 65535 || to < from + 1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                System.err.println("jtpm host: --ports: give FROM-TO with 1 <= FROM < TO <= 65535, not '" + endpoints.ports + "'");
                return 2;
            }
            dev.jtpm.tss.tls.TlsFiles files = null;
            if (tls != null) {
                try {
                    files = tlsFiles(tls);
                    files.context(); // a file that cannot be used stops the host now, not at the first instance
                } catch (IllegalArgumentException | IOException e) {
                    System.err.println("jtpm host: --tls: " + e.getMessage());
                    return e instanceof IOException ? 1 : 2;
                }
            }
            ep = new InstanceHost.Endpoints.Ports(bind, from, to, files);
        } else if (tls != null) {
            System.err.println("jtpm host: --tls goes with --ports (TLS is TCP)");
            return 2;
        } else {
            ep = new InstanceHost.Endpoints.Sockets(endpoints != null && endpoints.sockets != null ? endpoints.sockets
                    : dir.resolve("sockets"));
        }
        java.util.Optional<dev.jtpm.wire.StateKey> stateKey;
        try {
            stateKey = key == null ? java.util.Optional.empty()
                    : java.util.Optional.of(dev.jtpm.wire.StateKey.parse("--key", key, dev.jtpm.server.SwtpmSocket.FD_READER,
                            dev.jtpm.server.backend.SealedStateKey.UNSEALER));
        } catch (IllegalArgumentException e) {
            System.err.println("jtpm host: " + e.getMessage());
            return 2;
        }
        InstanceHost host;
        try {
            host = InstanceHost.open(dir, ep, new ServerLog(System.err, logLevel), store, stateKey);
        } catch (IOException e) {
            System.err.println("jtpm host: cannot use " + dir + ": " + e.getMessage());
            return 1;
        }
        ManagementApi mgmt;
        try {
            mgmt = ManagementApi.start(host, api);
        } catch (IllegalArgumentException | IOException e) {
            host.close();
            System.err.println("jtpm host: " + (e instanceof IOException ? "cannot listen on " + api + ": " : "") + e.getMessage());
            return 1;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mgmt.close();
            host.close();
            done.countDown();
        }, "jtpm-host-exit"));
        System.out.println("jtpm host: " + host.counts()[0] + " instances, API on "
                + (api.startsWith("unix:") ? api : api.substring(0, api.lastIndexOf(':') + 1) + mgmt.port()));
        System.out.flush();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code cert=F,key=F,ca=F}, all three. */
    static dev.jtpm.tss.tls.TlsFiles tlsFiles(String text) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            if (!java.util.Set.of("cert", "key", "ca").contains(k) || eq < 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("expected cert=FILE,key=FILE,ca=FILE, not '" + part + "'");
            }
            m.put(k, part.substring(eq + 1));
        }
        for (String k : java.util.List.of("cert", "key", "ca")) {
            if (!m.containsKey(k)) throw new IllegalArgumentException("missing " + k + "=");
        }
        return new dev.jtpm.tss.tls.TlsFiles(Path.of(m.get("cert")), Path.of(m.get("key")), Path.of(m.get("ca")));
    }
}
