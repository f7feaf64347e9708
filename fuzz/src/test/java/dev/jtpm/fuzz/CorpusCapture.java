package dev.jtpm.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tap between tpm2-tools and a swtpm-protocol server: it listens on a data port P and a control port P+1 (the pair
 * tcti-swtpm uses), forwards both to the server's pair, and records what clients send on the data port (and, apart,
 * on the control port) into the current recording. What a tpm2-tools run sends becomes one fuzz corpus file.
 */
final class CorpusCapture implements AutoCloseable {
    private final ServerSocket data;
    private final ServerSocket ctrl;
    private final int serverPort;
    private final AtomicReference<ByteArrayOutputStream> dataRecording = new AtomicReference<>(new ByteArrayOutputStream());
    private final AtomicReference<ByteArrayOutputStream> ctrlRecording = new AtomicReference<>(new ByteArrayOutputStream());

    /** Taps the server whose data port is {@code serverPort} (control {@code serverPort + 1}). */
    CorpusCapture(int serverPort) throws IOException {
        this.serverPort = serverPort;
        ServerSocket[] pair = freePair();
        data = pair[0];
        ctrl = pair[1];
        Thread.ofVirtual().start(() -> acceptLoop(data, serverPort, dataRecording));
        Thread.ofVirtual().start(() -> acceptLoop(ctrl, serverPort + 1, ctrlRecording));
    }

    /** The tap's data port (control: one more). */
    int port() { return data.getLocalPort(); }

    /** What clients sent on the data channel since the last call; starts a new recording. */
    byte[] takeData() { return dataRecording.getAndSet(new ByteArrayOutputStream()).toByteArray(); }

    /** What clients sent on the control channel since the last call; starts a new recording. */
    byte[] takeCtrl() { return ctrlRecording.getAndSet(new ByteArrayOutputStream()).toByteArray(); }

    /** A port P below the ephemeral range such that P and P+1 were free a moment ago. */
    static int freePortPair() throws IOException {
        ServerSocket[] pair = freePair();
        int p = pair[0].getLocalPort();
        pair[0].close();
        pair[1].close();
        return p;
    }

    private static ServerSocket[] freePair() throws IOException {
        java.util.Random rnd = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int p = 20_000 + rnd.nextInt(12_000);   // below the ephemeral range
            ServerSocket a = null;
            try {
                a = new ServerSocket(p, 16, InetAddress.getLoopbackAddress());
                return new ServerSocket[] {a, new ServerSocket(p + 1, 16, InetAddress.getLoopbackAddress())};
            } catch (IOException taken) {
                if (a != null) a.close();
            }
        }
        throw new IOException("no free port pair");
    }

    private void acceptLoop(ServerSocket listener, int target, AtomicReference<ByteArrayOutputStream> recording) {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                Thread.ofVirtual().start(() -> pump(client, server, recording));
                Thread.ofVirtual().start(() -> pump(server, client, null));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, AtomicReference<ByteArrayOutputStream> recording) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (recording != null) {
                    ByteArrayOutputStream r = recording.get();
                    synchronized (r) {
                        r.write(buf, 0, n);
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ended) {
            // either side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        data.close();
        ctrl.close();
    }
}
