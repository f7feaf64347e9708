package dev.jtpm.tss;

import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.TpmHeader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/** Blocking socket helpers shared by the transports. */
final class Wire {
    private Wire() {}

    static byte[] readFully(ByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) if (ch.read(b) < 0) throw new EOFException("connection closed by the TPM server");
        return b.array();
    }

    static int readU32(ByteChannel ch) throws IOException {
        return BigEndian.u32(readFully(ch, 4), 0);
    }

    static void writeAll(ByteChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Reads one TPM response: the 10-byte header, then size - 10 bytes. */
    static byte[] readResponse(ByteChannel ch) throws IOException {
        byte[] h = readFully(ch, TpmHeader.SIZE);
        long size = BigEndian.u32(h, 2) & 0xffffffffL;
        if (size < TpmHeader.SIZE || size > 1 << 20) throw new IOException("bad TPM response size " + size);
        byte[] r = new byte[(int) size];
        System.arraycopy(h, 0, r, 0, TpmHeader.SIZE);
        System.arraycopy(readFully(ch, (int) size - TpmHeader.SIZE), 0, r, TpmHeader.SIZE, (int) size - TpmHeader.SIZE);
        return r;
    }
}
