package dev.jtpm.cli;

import dev.jtpm.server.connect.TlsForwarder;
import dev.jtpm.tss.tls.TlsClient;
import dev.jtpm.tss.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm connect}: for tools that speak only plain TCP or Unix sockets (tpm2-tools' swtpm TCTI), local swtpm
 * data and control endpoints forwarded over TLS 1.3 with a client certificate to a remote {@code jtpm socket} (or
 * {@code jtpm rm}) listening with {@code --server type=tls} and {@code --ctrl type=tls}. Runs until killed.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Forward local plain swtpm endpoints (data on PORT, control on PORT+1; or PATH and PATH.ctrl) to a"
                + " remote jtpm over TLS 1.3 with mutual authentication:",
                "  jtpm connect --to tpm.example:2321 --cert client.pem --key client.key --ca ca.pem --listen 127.0.0.1:2321",
                "then: tpm2_getrandom -T swtpm:host=127.0.0.1,port=2321 8"})
final class ConnectCommand implements Callable<Integer> {

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "the remote TLS data endpoint")
    String to;

    @Option(names = "--ctrl-to", paramLabel = "HOST:PORT", description = "the remote TLS control endpoint (default: the --to host, PORT+1)")
    String ctrlTo;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "this client's certificate chain (PEM)")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "this client's private key (PEM, unencrypted)")
    Path key;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "the CA bundle the server's certificate must chain to (PEM)")
    Path ca;

    @Option(names = "--listen", paramLabel = "HOST:PORT|unix:PATH", defaultValue = "127.0.0.1:2321",
            description = "where the plain endpoints listen (default: ${DEFAULT-VALUE}; control on PORT+1, or PATH.ctrl)")
    String listen;

    @Option(names = "--no-hostname-check", description = "do not check the server certificate's names against the --to host"
            + " (the CA check stays); better: issue the server certificate with the address in its subjectAltName")
    boolean noHostnameCheck;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "close a local client process's upstream data connection after it was unused this long (its"
                    + " space on a remote jtpm rm goes with it; default: ${DEFAULT-VALUE}; 0: only when the process exits)")
    long idleSeconds;

    @Option(names = "--per-connection", description = "forward every local data connection over its own TLS connection"
            + " (by default a local client process's connections share one: one space per process on a remote jtpm rm)."
            + " For a server that serves one connection at a time (jtpm socket, swtpm) with long-lived clients")
    boolean perConnection;

    @Override
    public Integer call() {
        TlsForwarder.Remote data, ctrl;
        TlsForwarder.Local local;
        try {
            data = remote("--to", to);
            if (ctrlTo != null) {
                ctrl = remote("--ctrl-to", ctrlTo);
            } else {
                if (data.port() == 65535) throw new IllegalArgumentException("--to: port 65535 leaves no room for the control port");
                ctrl = new TlsForwarder.Remote(data.host(), data.port() + 1);
            }
            if (listen.startsWith("unix:")) {
                if (listen.length() == 5) throw new IllegalArgumentException("--listen unix: needs a path");
                local = new TlsForwarder.Local.Unix(Path.of(listen.substring(5)));
            } else {
                TlsForwarder.Remote l = remote("--listen", listen);
                if (l.port() == 65535) throw new IllegalArgumentException("--listen: port 65535 leaves no room for the control port");
                local = new TlsForwarder.Local.Tcp(l.host(), l.port());
            }
            if (idleSeconds < 0 || idleSeconds > 86_400 * 365L) throw new IllegalArgumentException("--idle-timeout: 0 to 31536000 seconds");
        } catch (IllegalArgumentException e) {
            System.err.println("jtpm connect: " + e.getMessage());
            return 1;
        }
        TlsForwarder f;
        try {
            TlsClient client = TlsClient.load(new TlsFiles(cert, key, ca), !noHostnameCheck);
            f = TlsForwarder.start(local, data, ctrl, client, !perConnection, idleSeconds * 1000, System.err::println);
        } catch (IOException e) {
            System.err.println("jtpm connect: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            f.close();
            stop.countDown();
        }, "jtpm-connect-exit"));
        String where = switch (local) {
            case TlsForwarder.Local.Tcp t -> t.bindAddr() + ":" + t.port() + " (control " + (t.port() + 1) + ")";
            case TlsForwarder.Local.Unix u -> u.path() + " (control " + u.path() + ".ctrl)";
        };
        System.err.println("jtpm connect: " + where + " -> TLS " + data + " (control " + ctrl + ")");
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code HOST:PORT} or {@code [V6]:PORT}. */
    static TlsForwarder.Remote remote(String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) throw new IllegalArgumentException(option + ": expected HOST:PORT, not '" + text + "'");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": bad port in '" + text + "'");
        }
        return new TlsForwarder.Remote(host, port);
    }
}
