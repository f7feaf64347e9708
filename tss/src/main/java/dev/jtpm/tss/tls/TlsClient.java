package dev.jtpm.tss.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The client side of jtpm's TLS: connects to a TLS 1.3 server, presents this side's certificate, and checks the
 * server's against the CA bundle and (unless turned off) its name or IP address against the host connected to.
 * One context per client, so that JSSE resumes sessions for repeated connections to the same server.
 */
public final class TlsClient {
    /** How long connecting plus the handshake may take. */
    public static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SSLContext context;
    private final boolean hostnameCheck;

    private TlsClient(SSLContext context, boolean hostnameCheck) {
        this.context = context;
        this.hostnameCheck = hostnameCheck;
    }

    /** Reads the files now (errors name the file). */
    public static TlsClient load(TlsFiles files, boolean hostnameCheck) throws IOException {
        return new TlsClient(files.context(), hostnameCheck);
    }

    /** True when the server's certificate must name the host connected to. */
    public boolean hostnameCheck() { return hostnameCheck; }

    /** Connects and completes the handshake; the socket has no read timeout afterwards and TCP_NODELAY set. */
    public SSLSocket connect(String host, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), HANDSHAKE_TIMEOUT_MILLIS);
        } catch (IOException e) {
            plain.close();
            throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        SSLSocket s = null;
        try {
            s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(TlsFiles.PROTOCOLS);
            if (hostnameCheck) p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(host)) p.setServerNames(java.util.List.of(new SNIHostName(host)));
            s.setSSLParameters(p);
            s.setUseClientMode(true);
            s.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            s.startHandshake();
            s.setSoTimeout(0);
            return s;
        } catch (IOException | RuntimeException e) {
            if (s != null) s.close();
            else plain.close();
            throw new IOException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
