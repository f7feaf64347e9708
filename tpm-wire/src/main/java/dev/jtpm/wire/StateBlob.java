package dev.jtpm.wire;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * swtpm's state blob container, used for every state file and every migration blob: a 10-byte
 * big-endian header {@code u8 version=2, u8 min_version=1, u16 hdrsize=10, u16 flags, u32 totlen},
 * then TLVs {@code u16 tag, u32 length, value}. Only plain blobs are produced here; the
 * encrypted tags are kept when read, so encryption can be layered on later.
 *
 * @param flags the header flags (BLOB_FLAG_*)
 * @param tlvs the TLVs in order
 */
public record StateBlob(int flags, List<Tlv> tlvs) {
    /** The header version written. */
    public static final int VERSION = 2;
    /** The oldest reader version that understands what is written. */
    public static final int MIN_VERSION = 1;
    /** The header size. */
    public static final int HEADER_SIZE = 10;

    /** Header flag: file-key encrypted. */
    public static final int BLOB_FLAG_ENCRYPTED = 0x01;
    /** Header flag: migration-key encrypted. */
    public static final int BLOB_FLAG_MIGRATION_ENCRYPTED = 0x02;
    /** Header flag: a migration blob (outer TLV 4). */
    public static final int BLOB_FLAG_MIGRATION_DATA = 0x04;
    /** Header flag: the file key is 256 bits. */
    public static final int BLOB_FLAG_ENCRYPTED_256BIT_KEY = 0x08;
    /** Header flag: the migration key is 256 bits. */
    public static final int BLOB_FLAG_MIGRATION_256BIT_KEY = 0x10;

    /** TLV tag: plain state. */
    public static final int TAG_DATA = 1;
    /** TLV tag: file-key encrypted state. */
    public static final int TAG_ENCRYPTED_DATA = 2;
    /** TLV tag: HMAC over ciphertext and IV. */
    public static final int TAG_HMAC = 3;
    /** TLV tag: migration data (a TLV stream inside). */
    public static final int TAG_MIGRATION_DATA = 4;
    /** TLV tag: migration-key encrypted migration data. */
    public static final int TAG_ENCRYPTED_MIGRATION_DATA = 5;
    /** TLV tag: IV of the file-key encryption. */
    public static final int TAG_IVEC_ENCRYPTED_DATA = 6;
    /** TLV tag: IV of the migration-key encryption. */
    public static final int TAG_IVEC_ENCRYPTED_MIGRATION_DATA = 7;

    /**
     * One tag-length-value entry.
     *
     * @param tag the TAG_* value
     * @param value the value bytes (copied)
     */
    public record Tlv(int tag, byte[] value) {
        public Tlv {
            value = value.clone();
        }

        @Override
        public byte[] value() { return value.clone(); }
    }

    public StateBlob {
        tlvs = List.copyOf(tlvs);
    }

    /** A plain state file: flags 0, TLV(1, payload). */
    public static StateBlob plainFile(byte[] payload) {
        return new StateBlob(0, List.of(new Tlv(TAG_DATA, payload)));
    }

    /** A plain migration blob (GET_STATEBLOB): flags 0x04, TLV(4, TLV(1, payload)). */
    public static StateBlob plainMigration(byte[] payload) {
        return new StateBlob(BLOB_FLAG_MIGRATION_DATA,
                List.of(new Tlv(TAG_MIGRATION_DATA, encodeTlvs(List.of(new Tlv(TAG_DATA, payload))))));
    }

    /** The encoded blob: header, then the TLVs. */
    public byte[] encode() {
        byte[] body = encodeTlvs(tlvs);
        byte[] b = new byte[HEADER_SIZE + body.length];
        b[0] = VERSION;
        b[1] = MIN_VERSION;
        BigEndian.put16(b, 2, HEADER_SIZE);
        BigEndian.put16(b, 4, flags);
        BigEndian.put32(b, 6, b.length);
        System.arraycopy(body, 0, b, HEADER_SIZE, body.length);
        return b;
    }

    /** The first TLV with that tag, or null. */
    public Tlv find(int tag) {
        for (Tlv t : tlvs) if (t.tag() == tag) return t;
        return null;
    }

    /**
     * The plain state inside: TLV 1, looked for inside TLV 4 for a migration blob.
     *
     * @throws StateBlobException TPM_FAIL for an encrypted blob (no key support yet) or one without data
     */
    public byte[] plainPayload() throws StateBlobException {
        if ((flags & (BLOB_FLAG_ENCRYPTED | BLOB_FLAG_MIGRATION_ENCRYPTED)) != 0)
            throw new StateBlobException(Ptm.TPM_FAIL, "encrypted state blobs are not supported");
        List<Tlv> scope = tlvs;
        Tlv mig = find(TAG_MIGRATION_DATA);
        if (mig != null) scope = decodeTlvs(mig.value());
        if (scope == null) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE, "migration TLVs overrun their TLV");
        for (Tlv t : scope) if (t.tag() == TAG_DATA) return t.value();
        throw new StateBlobException(Ptm.TPM_FAIL, "state blob has no data");
    }

    /**
     * Reads a blob and checks it as swtpm does: totlen equals the length, min_version ≤ 2,
     * hdrsize 10. A version-1 blob has no TLVs: its plain payload becomes one TLV(1).
     */
    public static StateBlob decode(byte[] b) throws StateBlobException {
        if (b.length < HEADER_SIZE) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE, "state blob shorter than its header");
        int version = b[0] & 0xff, minVersion = b[1] & 0xff, hdrsize = BigEndian.u16(b, 2), flags = BigEndian.u16(b, 4);
        long totlen = BigEndian.u32(b, 6) & 0xffffffffL;
        if (minVersion > VERSION) throw new StateBlobException(Ptm.TPM_BAD_VERSION, "state blob min_version " + minVersion);
        if (hdrsize != HEADER_SIZE) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE, "state blob hdrsize " + hdrsize);
        if (totlen != b.length) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE,
                "state blob totlen " + totlen + " but " + b.length + " bytes");
        byte[] body = java.util.Arrays.copyOfRange(b, HEADER_SIZE, b.length);
        if (version < 2) return new StateBlob(flags, List.of(new Tlv(TAG_DATA, body)));
        List<Tlv> tlvs = decodeTlvs(body);
        if (tlvs == null) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE, "state blob TLVs overrun the blob");
        return new StateBlob(flags, tlvs);
    }

    /** Encodes TLVs back to back. */
    public static byte[] encodeTlvs(List<Tlv> tlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Tlv t : tlvs) {
            byte[] h = new byte[6];
            BigEndian.put16(h, 0, t.tag());
            BigEndian.put32(h, 2, t.value.length);
            out.writeBytes(h);
            out.writeBytes(t.value);
        }
        return out.toByteArray();
    }

    /** Decodes a TLV stream, or null if an entry runs past the end. */
    public static List<Tlv> decodeTlvs(byte[] b) {
        List<Tlv> out = new ArrayList<>();
        int off = 0;
        while (off < b.length) {
            if (b.length - off < 6) return null;
            int tag = BigEndian.u16(b, off);
            long len = BigEndian.u32(b, off + 2) & 0xffffffffL;
            off += 6;
            if (len > b.length - off) return null;
            out.add(new Tlv(tag, java.util.Arrays.copyOfRange(b, off, off + (int) len)));
            off += (int) len;
        }
        return out;
    }
}
