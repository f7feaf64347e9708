package dev.jtpm.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BooleanSupplier;

/**
 * The client QEMU is: one TCP connection to a TPM server's data port kept open, a raw command
 * written, and the response read as its 10-byte header and then the rest that header's size names.
 * No TSS, no sessions of its own: the same bytes go to every server.
 */
final class RawTpmClient implements AutoCloseable {
    private static final int MAX_RESPONSE = 64 * 1024;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final byte[] header = new byte[10];

    private RawTpmClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to 127.0.0.1:{@code port}, retrying while the server starts.
     *
     * @param alive false once the server process has gone (then retrying stops)
     * @throws IOException when no connection was made within {@code timeoutMillis}
     */
    static RawTpmClient connect(int port, long timeoutMillis, BooleanSupplier alive) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        IOException last = null;
        while (System.nanoTime() < deadline && alive.getAsBoolean()) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                return new RawTpmClient(s);
            } catch (IOException e) {
                s.close();
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("could not connect to 127.0.0.1:" + port
                + (alive.getAsBoolean() ? "" : " (the server exited)") + (last == null ? "" : ": " + last.getMessage()));
    }

    /** Sends one command and returns its complete response. */
    byte[] transact(byte[] command) throws IOException {
        out.write(command);
        out.flush();
        in.readFully(header);
        int size = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
        if (size < 10 || size > MAX_RESPONSE) throw new IOException("bad response size " + size);
        byte[] response = new byte[size];
        System.arraycopy(header, 0, response, 0, 10);
        in.readFully(response, 10, size - 10);
        return response;
    }

    /**
     * What tcti-swtpm (tpm2-tools) does: a new connection to 127.0.0.1:{@code port} for one command,
     * closed after its response. Closed with a reset (SO_LINGER 0), unlike tcti-swtpm, so that the
     * thousands of connections of a run leave no client ports in TIME_WAIT, which would keep other
     * programs on a shared machine from binding ports for a minute.
     */
    static byte[] transactOnce(int port, byte[] command) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoLinger(true, 0);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        try (RawTpmClient c = new RawTpmClient(s)) {
            return c.transact(command);
        }
    }

    @Override
    public void close() throws IOException { socket.close(); }
}
