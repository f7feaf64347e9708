package dev.jtpm.libtpms;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;

/**
 * A reader of libtpms' NVMarshal byte stream: big-endian integers, TPM2Bs, the NV_HEADER of every structure
 * (version, magic, min_version from version 2) and the optional blocks ("BLOCK_SKIP": a BOOL saying whether the
 * block is there and a UINT16 with its length), read as a sub-cursor so that what a later libtpms appends inside a
 * block is stepped over.
 */
final class NvCursor {
    private final TpmReader r;
    private final String where;

    NvCursor(byte[] b, String where) { this(new TpmReader(b), where); }

    private NvCursor(TpmReader r, String where) {
        this.r = r;
        this.where = where;
    }

    int u8() throws UnsupportedStateException { try { return r.u8(); } catch (TpmFailure e) { throw truncated(); } }

    int u16() throws UnsupportedStateException { try { return r.u16(); } catch (TpmFailure e) { throw truncated(); } }

    int u32() throws UnsupportedStateException { try { return r.u32(); } catch (TpmFailure e) { throw truncated(); } }

    long u64() throws UnsupportedStateException { try { return r.u64(); } catch (TpmFailure e) { throw truncated(); } }

    boolean bool() throws UnsupportedStateException { return u8() != 0; }

    Bytes bytes(int n) throws UnsupportedStateException { try { return r.bytes(n); } catch (TpmFailure e) { throw truncated(); } }

    /** A TPM2B: UINT16 size and the octets. */
    Bytes tpm2b() throws UnsupportedStateException { return bytes(u16()); }

    int remaining() { return r.remaining(); }

    /** A TPM structure in its TPM marshalling (TPMT_PUBLIC, TPMS_NV_PUBLIC, …) through jtpm's codec. */
    <T extends Record> T read(Class<T> type) throws UnsupportedStateException {
        try {
            return TpmCodec.of(type).read(r);
        } catch (TpmFailure | IllegalArgumentException e) {
            throw new UnsupportedStateException(where + ": a " + type.getSimpleName() + " jtpm cannot read");
        }
    }

    /**
     * An NV_HEADER: returns the version. The magic must be {@code magic}; a min_version above {@code known} means
     * a newer libtpms wrote the structure in a form this reader does not know.
     */
    int header(int magic, int known, String what) throws UnsupportedStateException {
        int version = u16();
        int m = u32();
        if (m != magic) {
            throw new UnsupportedStateException(where + ": " + what + " has magic 0x" + Integer.toHexString(m)
                    + ", expected 0x" + Integer.toHexString(magic));
        }
        if (version >= 2 && u16() > known) {
            throw new UnsupportedStateException(what + " version " + version + " needs a libtpms newer than 0.9");
        }
        return version;
    }

    /** An optional block: its content as a cursor, or null when the writer did not have it. */
    NvCursor block(String what) throws UnsupportedStateException {
        boolean has = bool();
        int size = u16();
        TpmReader sub;
        try {
            sub = r.slice(size);
        } catch (TpmFailure e) {
            throw truncated();
        }
        return has ? new NvCursor(sub, where + "/" + what) : null;
    }

    /** Skips an optional block whose content this reader does not use. */
    void skipBlock(String what) throws UnsupportedStateException { block(what); }

    private UnsupportedStateException truncated() {
        return new UnsupportedStateException(where + ": truncated");
    }
}
