package dev.jtpm.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 in front of a swtpm-protocol server: data port P and control port P+1 are
 * forwarded to the target's, and every octet sent towards the data port is recorded, so a test can check
 * what crossed the wire (parameter encryption).
 */
final class RecordingProxy implements AutoCloseable {
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final ByteArrayOutputStream toTpm = new ByteArrayOutputStream();
    private int port;

    RecordingProxy(int targetPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int p = FreePorts.pair();
            try {
                listeners.add(new ServerSocket(p, 16, InetAddress.getLoopbackAddress()));
                listeners.add(new ServerSocket(p + 1, 16, InetAddress.getLoopbackAddress()));
                port = p;
                relay(listeners.get(0), targetPort, true);
                relay(listeners.get(1), targetPort + 1, false);
                return;
            } catch (IOException e) {
                last = e;
                for (ServerSocket s : listeners) s.close();
                listeners.clear();
            }
        }
        throw last;
    }

    /** The TCTI string that reaches the target through this relay. */
    String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

    /** Everything sent to the data port so far. */
    synchronized byte[] recorded() { return toTpm.toByteArray(); }

    private void relay(ServerSocket listener, int targetPort, boolean record) {
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    Thread.ofVirtual().start(() -> pump(client, target, record));
                    Thread.ofVirtual().start(() -> pump(target, client, false));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void pump(Socket from, Socket to, boolean record) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (record) {
                    synchronized (this) { toTpm.write(buf, 0, n); }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection closed
        } finally {
            try { from.close(); } catch (IOException ignored) { }
            try { to.close(); } catch (IOException ignored) { }
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : listeners) s.close();
    }
}
