package dev.jtpm.tpm12;

import java.util.Arrays;

/**
 * Reads a TPM 1.2 command's parameters (big-endian). Running short is TPM_BAD_PARAM_SIZE, as libtpms' TPM_Load*.
 */
final class CommandReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    CommandReader(byte[] buf, int pos, int end) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
    }

    int position() { return pos; }

    int remaining() { return end - pos; }

    byte[] slice(int from, int to) { return Arrays.copyOfRange(buf, from, to); }

    private void need(long n) {
        if (n < 0 || n > end - pos) throw new Tpm12Failure(Tpm12Rc.BAD_PARAM_SIZE);
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    /** A TPM_BOOL: 0 or 1, anything else TPM_BAD_PARAMETER (libtpms' TPM_LoadBool). */
    boolean bool() {
        int v = u8();
        if (v > 1) throw new Tpm12Failure(Tpm12Rc.BAD_PARAMETER);
        return v == 1;
    }

    int u16() {
        need(2);
        int v = (buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff;
        pos += 2;
        return v;
    }

    int u32() {
        need(4);
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    byte[] bytes(long n) {
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    /** A 20-octet TPM_DIGEST / TPM_NONCE / TPM_AUTHDATA. */
    byte[] digest() { return bytes(20); }

    /** A UINT32-sized buffer (TPM_SIZED_BUFFER). */
    byte[] sized32() { return bytes(Integer.toUnsignedLong(u32())); }
}
