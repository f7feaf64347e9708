package dev.jtpm.wire;

import java.util.Arrays;

/**
 * A state-machine decoder for the swtpm data channel. Bytes arrive in any fragmentation through
 * {@link #feed}; {@link #next} returns each complete command, framed by the size field of its
 * header (or of its TPM_SEND_COMMAND envelope), or {@link DataFrame.Malformed} for an impossible size.
 * Not thread-safe: one decoder per connection.
 */
public final class DataFrameDecoder {
    private final int maxCommandSize;
    private byte[] buf = new byte[64];
    private int len;
    private boolean failed;

    /** A decoder accepting commands of 10 to {@code maxCommandSize} bytes. */
    public DataFrameDecoder(int maxCommandSize) {
        if (maxCommandSize < TpmHeader.SIZE) throw new IllegalArgumentException("maxCommandSize " + maxCommandSize);
        this.maxCommandSize = maxCommandSize;
    }

    /** Appends received bytes. */
    public void feed(byte[] bytes, int off, int n) {
        if (failed) return;
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        System.arraycopy(bytes, off, buf, len, n);
        len += n;
    }

    /** The number of buffered bytes not yet returned as a frame. */
    public int buffered() { return len; }

    /** The next complete frame, or null when more bytes are needed. */
    public DataFrame next() {
        if (failed || len < 2) return null;
        int tag = BigEndian.u16(buf, 0);
        boolean raw = tag == TpmHeader.ST_NO_SESSIONS || tag == TpmHeader.ST_SESSIONS;
        if (!raw) {
            if (len < 4) return null;
            raw = !SendCommandEnvelope.isEnvelope(buf);
        }
        if (raw) {
            if (len < 6) return null;
            long size = BigEndian.u32(buf, 2) & 0xffffffffL;
            if (size < TpmHeader.SIZE || size > maxCommandSize) return fail(size, false);
            if (len < size) return null;
            return take(0, (int) size, -1);
        }
        if (len < SendCommandEnvelope.PREFIX_SIZE) return null;
        long size = BigEndian.u32(buf, 5) & 0xffffffffL;
        if (size < TpmHeader.SIZE || size > maxCommandSize) return fail(size, true);
        if (len < SendCommandEnvelope.PREFIX_SIZE + size) return null;
        return take(SendCommandEnvelope.PREFIX_SIZE, (int) size, buf[4] & 0xff);
    }

    private DataFrame fail(long size, boolean enveloped) {
        failed = true;
        len = 0;
        return new DataFrame.Malformed(size, enveloped);
    }

    private DataFrame take(int off, int size, int locality) {
        DataFrame f = new DataFrame.Command(Arrays.copyOfRange(buf, off, off + size), locality);
        int consumed = off + size;
        System.arraycopy(buf, consumed, buf, 0, len - consumed);
        len -= consumed;
        return f;
    }
}
