package dev.jtpm.tpm12;

import java.io.ByteArrayOutputStream;

/** Writes TPM 1.2 structures big-endian. */
final class ResponseWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ResponseWriter u8(int v) {
        out.write(v);
        return this;
    }

    ResponseWriter bool(boolean v) { return u8(v ? 1 : 0); }

    ResponseWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    ResponseWriter u32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    ResponseWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** A UINT32 size then the octets. */
    ResponseWriter sized32(byte[] b) { return u32(b.length).bytes(b); }

    int size() { return out.size(); }

    byte[] toByteArray() { return out.toByteArray(); }
}
