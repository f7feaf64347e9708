package dev.jtpm.cros;

import java.io.ByteArrayOutputStream;

/** Response bytes as vtpm builds them (trunks' {@code RealResponseSerializer}). */
final class Responses {
    private Responses() {}

    /** TPM_ST_RSP_COMMAND: the tag of a BAD_TAG answer. */
    static final int ST_RSP_COMMAND = 0x00C4;

    /**
     * {@code SerializeHeaderOnlyResponse}: tag, size 10, rc; the tag is 0x00C4 only for TPM_RC_BAD_TAG, else 0x8001.
     */
    static byte[] headerOnly(int rc) {
        int tag = rc == VtpmRc.BAD_TAG ? ST_RSP_COMMAND : CommandReader.ST_NO_SESSIONS;
        byte[] b = new byte[10];
        b[0] = (byte) (tag >>> 8);
        b[1] = (byte) tag;
        CommandReader.putU32(b, 2, 10);
        CommandReader.putU32(b, 6, rc);
        return b;
    }

    /** The response code of a response (bytes [6,10)), or -1 when it is shorter than a header. */
    static int rc(byte[] response) {
        return response.length < 10 ? -1 : CommandReader.u32(response, 6);
    }

    /** A growing response whose header is patched at the end. */
    static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        /** A success response. */
        Builder(int tag) {
            this(tag, VtpmRc.SUCCESS);
        }

        /** A header with {@code code} (a response code, or a command code when building a command). */
        Builder(int tag, int code) {
            u16(tag).u32(0).u32(code);
        }

        Builder u8(int v) {
            out.write(v);
            return this;
        }

        Builder u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Builder u32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Builder bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Builder tpm2b(byte[] b) {
            return u16(b.length).bytes(b);
        }

        byte[] build() {
            byte[] b = out.toByteArray();
            CommandReader.putU32(b, 2, b.length);
            return b;
        }
    }
}
