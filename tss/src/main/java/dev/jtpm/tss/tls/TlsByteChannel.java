package dev.jtpm.tss.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import javax.net.ssl.SSLSocket;

/** A blocking {@link ByteChannel} over a connected {@link SSLSocket}, for code written against channels. */
public final class TlsByteChannel implements ByteChannel {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Wraps {@code socket} (handshake done or not). */
    public TlsByteChannel(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        int n;
        if (dst.hasArray()) {
            n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) dst.position(dst.position() + n);
        } else {
            byte[] b = new byte[dst.remaining()];
            n = in.read(b);
            if (n > 0) dst.put(b, 0, n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            byte[] b = new byte[n];
            src.get(b);
            out.write(b);
        }
        out.flush();
        return n;
    }

    @Override
    public boolean isOpen() { return !socket.isClosed(); }

    @Override
    public void close() throws IOException { socket.close(); }
}
