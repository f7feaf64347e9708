package dev.jtpm.eve;

import java.io.IOException;
import java.io.InputStream;

/**
 * EVE's PTPM framing, the same in both directions: a protobuf base-128 varint32 length N, the N bytes of the message,
 * then padding to N+4 bytes in all ({@code CODED_STRM_HDR_LEN 4}: 3 pad bytes when N &lt; 128, 2 when N &lt; 16384, …).
 * jtpm pads with zeros (the original sends uninitialised heap bytes).
 *
 * <p>Reading ({@link #read}) takes the varint byte by byte and the message by its length, and never waits for the
 * padding: a client that sends standard length-delimited framing without it is answered at once. A length above the
 * limit is refused before anything is allocated for it.
 */
public final class EveFrame {

    /** {@code CODED_STRM_HDR_LEN}: the varint plus padding take 4 bytes at least. */
    public static final int HEADER_LEN = 4;

    /** EVE ≥ 10.1's {@code MAX_PAYLOAD_SIZE}: 10 KiB for the whole frame. */
    public static final int MAX_PAYLOAD_SIZE = 10 * 1024;

    /** The largest message in a frame of {@link #MAX_PAYLOAD_SIZE}: 10236. */
    public static final int MAX_MESSAGE = MAX_PAYLOAD_SIZE - HEADER_LEN;

    private EveFrame() {}

    /** Why a frame could not be read; the text is for logs and replies. */
    public static final class FrameException extends Exception {
        /** What went wrong. */
        public enum Kind {
            /** the peer closed before sending anything */
            EMPTY,
            /** the peer closed in the middle of the length or the message */
            TRUNCATED,
            /** more than 5 length bytes, or a length over 2^31 − 1 */
            BAD_LENGTH,
            /** a length of 0 */
            ZERO_LENGTH,
            /** a length above the limit */
            TOO_LARGE
        }

        private final Kind kind;
        private final long length;

        FrameException(Kind kind, long length, String message) {
            super(message);
            this.kind = kind;
            this.length = length;
        }

        public Kind kind() { return kind; }

        /** The announced length, or −1 when none was read. */
        public long length() { return length; }
    }

    /** The number of bytes the varint32 encoding of {@code n} takes (1–5). */
    public static int varintLength(int n) {
        if ((n & ~0x7F) == 0) return 1;
        if ((n & ~0x3FFF) == 0) return 2;
        if ((n & ~0x1FFFFF) == 0) return 3;
        if ((n & ~0xFFFFFFF) == 0) return 4;
        return 5;
    }

    /** Frames a message: varint length, the message, zero padding up to {@code N + 4} bytes. */
    public static byte[] encode(byte[] message) {
        int n = message.length;
        int v = varintLength(n);
        byte[] out = new byte[Math.max(n + HEADER_LEN, n + v)];
        int p = 0;
        int x = n;
        while ((x & ~0x7F) != 0) {
            out[p++] = (byte) ((x & 0x7F) | 0x80);
            x >>>= 7;
        }
        out[p++] = (byte) x;
        System.arraycopy(message, 0, out, p, n);
        return out;
    }

    /** A frame as read: the message and how many padding bytes its sender owes ({@code 4 − varint length}, ≥ 0). */
    public record Read(byte[] message, int padding) {}

    /**
     * Reads one frame's length and message from {@code in}, not the padding (see {@link #skipPadding}).
     *
     * @param maxMessage the largest length accepted; a larger one is refused without reading further
     * @throws FrameException a malformed, empty, truncated or oversized frame, or a request of length 0
     * @throws IOException the stream failed (a timeout included)
     */
    public static Read read(InputStream in, int maxMessage) throws IOException, FrameException {
        return read(in, maxMessage, false);
    }

    /** {@link #read(InputStream, int)}; {@code allowEmpty}: a length of 0 is an empty message (a reply may be one). */
    public static Read read(InputStream in, int maxMessage, boolean allowEmpty) throws IOException, FrameException {
        long n = 0;
        int i = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) throw new FrameException(FrameException.Kind.EMPTY, -1, "no request");
                throw new FrameException(FrameException.Kind.TRUNCATED, -1, "truncated request length");
            }
            n |= (long) (b & 0x7F) << (7 * i);
            i++;
            if ((b & 0x80) == 0) break;
            if (i == 5) throw new FrameException(FrameException.Kind.BAD_LENGTH, -1, "request length longer than 5 bytes");
        }
        if (n > Integer.MAX_VALUE) throw new FrameException(FrameException.Kind.BAD_LENGTH, n, "request length " + n + " out of range");
        if (n == 0 && !allowEmpty) throw new FrameException(FrameException.Kind.ZERO_LENGTH, 0, "Invalid request length:0");
        if (n > maxMessage) {
            throw new FrameException(FrameException.Kind.TOO_LARGE, n,
                    "Request size " + n + " is too large (at most " + maxMessage + ")");
        }
        byte[] message = in.readNBytes((int) n);
        if (message.length < n) {
            throw new FrameException(FrameException.Kind.TRUNCATED, n,
                    "truncated request: " + message.length + " of " + n + " bytes");
        }
        return new Read(message, Math.max(0, HEADER_LEN - i));
    }

    /**
     * Reads a frame from a whole buffer as a client reads a reply (a length of 0 is an empty message): varint,
     * message, anything after it ignored as the C++ parser ignores the padding. The fuzz target.
     */
    public static byte[] decode(byte[] frame, int maxMessage) throws FrameException {
        try {
            return read(new java.io.ByteArrayInputStream(frame), maxMessage, true).message();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array does not fail
        }
    }

    /** Consumes up to {@code padding} bytes that have already arrived, without waiting for more. */
    public static void skipPadding(InputStream in, int padding) throws IOException {
        for (int k = 0; k < padding && in.available() > 0; k++) {
            if (in.read() < 0) return;
        }
    }
}
