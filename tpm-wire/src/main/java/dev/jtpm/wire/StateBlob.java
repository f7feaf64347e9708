package dev.jtpm.wire;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
     * TLV tag of jtpm's own: the cipher of the encrypted data beside it, "aes-gcm" (ASCII). Without it the data is
     * swtpm's AES-CBC with an HMAC-SHA256 in TLV 3. With it: AES-GCM, a 12-octet nonce in the IV tag (6 or 7),
     * the 16-octet tag after the ciphertext, the data's tag and the key length as additional data, and no
     * TLV 3 — so swtpm, which requires the HMAC, refuses such a file instead of misreading it.
     */
    public static final int TAG_JTPM_CIPHER = 0x4A01;
    private static final byte[] AES_GCM = "aes-gcm".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

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

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A state file as swtpm writes it: plain (flags 0, TLV 1) without a key, encrypted with one.
     */
    public static byte[] encodeFile(byte[] payload, Optional<StateKey> key) {
        if (key.isEmpty()) return plainFile(payload).encode();
        StateKey k = key.get();
        return new StateBlob(BLOB_FLAG_ENCRYPTED | (k.is256() ? BLOB_FLAG_ENCRYPTED_256BIT_KEY : 0),
                encrypt(k, payload, TAG_ENCRYPTED_DATA, TAG_IVEC_ENCRYPTED_DATA)).encode();
    }

    /**
     * The payload of a state file, decrypted with the key when one is given (swtpm's LoadData).
     *
     * @throws StateBlobException with a one-line message: a bad header; "state is encrypted but no key
     *     was given" (TPM_KEYNOTFOUND); "state is not encrypted but a key was given" (TPM_FAIL, as swtpm
     *     refuses it); a key of the wrong size (TPM_BAD_KEY_PROPERTY); "wrong key or corrupted state (HMAC
     *     mismatch)" or bad padding (TPM_DECRYPT_ERROR)
     */
    public static byte[] decodeFile(byte[] file, Optional<StateKey> key) throws StateBlobException {
        int version = checkHeader(file);
        int flags = BigEndian.u16(file, 4);
        byte[] body = Arrays.copyOfRange(file, HEADER_SIZE, file.length);
        if (version >= 2 && key.isEmpty() && (flags & BLOB_FLAG_ENCRYPTED) != 0) {
            throw new StateBlobException(Ptm.TPM_KEYNOTFOUND, "state is encrypted but no key was given");
        }
        if (key.isPresent()) {
            if (version >= 2 && (flags & BLOB_FLAG_ENCRYPTED) == 0 && findIn(body, TAG_ENCRYPTED_DATA) == null) {
                throw new StateBlobException(Ptm.TPM_FAIL, "state is not encrypted but a key was given");
            }
            return decrypt(key.get(), body, version, TAG_ENCRYPTED_DATA, TAG_IVEC_ENCRYPTED_DATA,
                    flags, BLOB_FLAG_ENCRYPTED_256BIT_KEY, "state");
        }
        return plainData(body, version, TAG_DATA, "state");
    }

    /**
     * A migration blob as swtpm's GET_STATEBLOB answers it: the file's TLVs (TLV 1, or the file-key
     * TLVs 2/3/6 with flags |0x01 unless {@code decrypted} or no file key) in TLV 4, or encrypted with
     * the migration key (TLVs 5/3/7, flags |0x02); flags always |0x04. The blob is still file-key
     * encrypted (PTM_STATE_FLAG_ENCRYPTED in the reply) exactly when {@code fileKey} is present and
     * {@code decrypted} is false.
     */
    public static byte[] encodeMigration(byte[] payload, Optional<StateKey> fileKey, Optional<StateKey> migrationKey,
                                         boolean decrypted) {
        int flags = BLOB_FLAG_MIGRATION_DATA;
        List<Tlv> inner;
        if (!decrypted && fileKey.isPresent()) {
            inner = encrypt(fileKey.get(), payload, TAG_ENCRYPTED_DATA, TAG_IVEC_ENCRYPTED_DATA);
            flags |= BLOB_FLAG_ENCRYPTED | (fileKey.get().is256() ? BLOB_FLAG_ENCRYPTED_256BIT_KEY : 0);
        } else {
            inner = List.of(new Tlv(TAG_DATA, payload));
        }
        byte[] stream = encodeTlvs(inner);
        List<Tlv> outer;
        if (migrationKey.isPresent()) {
            flags |= BLOB_FLAG_MIGRATION_ENCRYPTED | (migrationKey.get().is256() ? BLOB_FLAG_MIGRATION_256BIT_KEY : 0);
            outer = encrypt(migrationKey.get(), stream, TAG_ENCRYPTED_MIGRATION_DATA, TAG_IVEC_ENCRYPTED_MIGRATION_DATA);
        } else {
            outer = List.of(new Tlv(TAG_MIGRATION_DATA, stream));
        }
        return new StateBlob(flags, outer).encode();
    }

    /**
     * The payload of a migration blob as swtpm's SET_STATEBLOB reads it: decrypted with the migration
     * key when the header says so (TPM_KEYNOTFOUND without one), then with the file key when the
     * header or {@code stillEncrypted} (PTM_STATE_FLAG_ENCRYPTED of the request) says so. A blob that
     * is only a header gives an empty payload (swtpm: clear that state). A plain blob is taken even
     * when a migration key is set (swtpm allows that "upgrade").
     *
     * @throws StateBlobException one line, as {@link #decodeFile}
     */
    public static byte[] decodeMigration(byte[] blob, boolean stillEncrypted, Optional<StateKey> fileKey,
                                         Optional<StateKey> migrationKey) throws StateBlobException {
        int version = checkHeader(blob);
        int flags = BigEndian.u16(blob, 4);
        byte[] body = Arrays.copyOfRange(blob, HEADER_SIZE, blob.length);
        if (body.length == 0) return body;
        byte[] stream;
        if ((flags & BLOB_FLAG_MIGRATION_ENCRYPTED) != 0) {
            if (migrationKey.isEmpty()) {
                throw new StateBlobException(Ptm.TPM_KEYNOTFOUND, "state blob is encrypted with a migration key but no --migration-key was given");
            }
            stream = decrypt(migrationKey.get(), body, version, TAG_ENCRYPTED_MIGRATION_DATA,
                    TAG_IVEC_ENCRYPTED_MIGRATION_DATA, flags, BLOB_FLAG_MIGRATION_256BIT_KEY, "migration blob");
        } else {
            stream = plainData(body, version, TAG_MIGRATION_DATA, "migration blob");
        }
        if (stillEncrypted || (flags & BLOB_FLAG_ENCRYPTED) != 0) {
            if (fileKey.isEmpty()) {
                throw new StateBlobException(Ptm.TPM_KEYNOTFOUND, "state blob is encrypted with a state key but no --key was given");
            }
            return decrypt(fileKey.get(), stream, version, TAG_ENCRYPTED_DATA, TAG_IVEC_ENCRYPTED_DATA, flags,
                    BLOB_FLAG_ENCRYPTED_256BIT_KEY, "state blob");
        }
        return plainData(stream, version, TAG_DATA, "state blob");
    }

    /** True when a blob's header says it is encrypted with a file or migration key. */
    public static boolean isEncrypted(byte[] blob) {
        return blob.length >= HEADER_SIZE
                && (BigEndian.u16(blob, 4) & (BLOB_FLAG_ENCRYPTED | BLOB_FLAG_MIGRATION_ENCRYPTED)) != 0;
    }

    /** swtpm's CheckHeader; answers the header version. */
    private static int checkHeader(byte[] b) throws StateBlobException {
        if (b.length < HEADER_SIZE) throw new StateBlobException(Ptm.TPM_BAD_PARAMETER, "state blob shorter than its header");
        int version = b[0] & 0xff, minVersion = b[1] & 0xff, hdrsize = BigEndian.u16(b, 2);
        long totlen = BigEndian.u32(b, 6) & 0xffffffffL;
        if (totlen != b.length) throw new StateBlobException(Ptm.TPM_BAD_PARAMETER,
                "state blob totlen " + totlen + " but " + b.length + " octets");
        if (minVersion > VERSION) throw new StateBlobException(Ptm.TPM_BAD_VERSION, "state blob min_version " + minVersion);
        if (hdrsize != HEADER_SIZE) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE, "state blob hdrsize " + hdrsize);
        return version;
    }

    private static byte[] plainData(byte[] body, int version, int tag, String what) throws StateBlobException {
        if (version < 2) return body;
        byte[] v = findIn(body, tag);
        if (v == null) throw new StateBlobException(Ptm.TPM_FAIL, what + " has no plain data (TLV " + tag + ")");
        return v;
    }

    private static byte[] findIn(byte[] tlvStream, int tag) throws StateBlobException {
        List<Tlv> tlvs = decodeTlvs(tlvStream);
        if (tlvs == null) throw new StateBlobException(Ptm.TPM_BAD_DATASIZE, "state blob TLVs overrun the blob");
        for (Tlv t : tlvs) if (t.tag() == tag) return t.value;
        return null;
    }

    private static List<Tlv> encrypt(StateKey key, byte[] plain, int tagData, int tagIv) {
        byte[] k = key.raw();
        if (key.gcm()) {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new javax.crypto.spec.GCMParameterSpec(128, nonce));
                c.updateAAD(gcmAad(tagData, k.length));
                return List.of(new Tlv(TAG_JTPM_CIPHER, AES_GCM), new Tlv(tagData, c.doFinal(plain)), new Tlv(tagIv, nonce));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        int pad = k.length - plain.length % k.length;
        byte[] padded = Arrays.copyOf(plain, plain.length + pad);
        Arrays.fill(padded, plain.length, padded.length, (byte) pad);
        byte[] iv = new byte[k.length];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new IvParameterSpec(iv, 0, 16));
            byte[] ct = c.doFinal(padded);
            return List.of(new Tlv(tagData, ct), new Tlv(TAG_HMAC, hmac(k, ct, iv)), new Tlv(tagIv, iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(padded, (byte) 0);
        }
    }

    /** What GCM authenticates beside the data: the data's tag and the key length (the header flags that matter). */
    private static byte[] gcmAad(int tagData, int keyLength) {
        return new byte[] {'j', 't', 'p', 'm', (byte) (tagData >> 8), (byte) tagData, (byte) keyLength};
    }

    private static byte[] hmac(byte[] key, byte[] ct, byte[] iv) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(ct);
        if (iv != null) mac.update(iv);
        return mac.doFinal();
    }

    /** swtpm's SWTPM_NVRAM_DecryptData. */
    private static byte[] decrypt(StateKey key, byte[] body, int version, int tagData, int tagIv, int flags,
                                  int flag256, String what) throws StateBlobException {
        byte[] k = key.raw();
        try {
            if (version < 2) {
                byte[] plain = cbcDecrypt(k, body, new byte[16], what);
                if (plain.length < 32) throw new StateBlobException(Ptm.TPM_FAIL, "wrong key or corrupted " + what + " (hash mismatch)");
                byte[] data = Arrays.copyOfRange(plain, 32, plain.length);
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
                if (!MessageDigest.isEqual(digest, Arrays.copyOf(plain, 32))) {
                    throw new StateBlobException(Ptm.TPM_FAIL, "wrong key or corrupted " + what + " (hash mismatch)");
                }
                return data;
            }
            int needed = (flags & flag256) != 0 ? 32 : 16;
            if (needed != k.length) {
                throw new StateBlobException(Ptm.TPM_BAD_KEY_PROPERTY, "wrong key: the " + what + " needs a " + needed * 8
                        + "-bit key, the key given has " + k.length * 8 + " bits");
            }
            byte[] cipher = findIn(body, TAG_JTPM_CIPHER);
            if (cipher != null) {
                if (!Arrays.equals(cipher, AES_GCM)) {
                    throw new StateBlobException(Ptm.TPM_BAD_MODE, what + " uses an unknown cipher");
                }
                byte[] ct = findIn(body, tagData), nonce = findIn(body, tagIv);
                if (ct == null || nonce == null || nonce.length != 12 || ct.length < 16) {
                    throw new StateBlobException(Ptm.TPM_FAIL, "corrupted " + what + " (AES-GCM data or nonce missing)");
                }
                try {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new javax.crypto.spec.GCMParameterSpec(128, nonce));
                    c.updateAAD(gcmAad(tagData, k.length));
                    return c.doFinal(ct);
                } catch (javax.crypto.AEADBadTagException e) {
                    throw new StateBlobException(Ptm.TPM_DECRYPT_ERROR, "wrong key or corrupted " + what + " (AES-GCM tag mismatch)");
                }
            }
            byte[] mac = findIn(body, TAG_HMAC), ct = findIn(body, tagData), iv = findIn(body, tagIv);
            if (mac == null || ct == null) {
                throw new StateBlobException(Ptm.TPM_FAIL, what + " has no HMAC or encrypted data (TLV " + tagData + ")");
            }
            if (mac.length < 32) throw new StateBlobException(Ptm.TPM_FAIL, what + " has a short HMAC");
            if (!MessageDigest.isEqual(Arrays.copyOf(mac, 32), hmac(k, ct, iv))) {
                throw new StateBlobException(Ptm.TPM_DECRYPT_ERROR, "wrong key or corrupted " + what + " (HMAC mismatch)");
            }
            if (iv != null && iv.length < 16) {
                throw new StateBlobException(Ptm.TPM_DECRYPT_ERROR, what + " has an IV of " + iv.length + " octets");
            }
            return cbcDecrypt(k, ct, iv == null ? new byte[16] : iv, what);
        } catch (GeneralSecurityException e) {
            throw new StateBlobException(Ptm.TPM_FAIL, "cannot decrypt the " + what + ": " + e.getMessage());
        }
    }

    private static byte[] cbcDecrypt(byte[] k, byte[] ct, byte[] iv, String what)
            throws GeneralSecurityException, StateBlobException {
        if (ct.length < k.length || ct.length % 16 != 0) {
            throw new StateBlobException(ct.length < k.length ? Ptm.TPM_DECRYPT_ERROR : Ptm.TPM_FAIL,
                    "corrupted " + what + ": " + ct.length + " octets of ciphertext");
        }
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new IvParameterSpec(iv, 0, 16));
        byte[] p = c.doFinal(ct);
        int pad = p[p.length - 1] & 0xff;
        boolean ok = pad != 0 && pad <= k.length;
        for (int i = 0; ok && i < pad; i++) ok = (p[p.length - 1 - i] & 0xff) == pad;
        if (!ok) {
            Arrays.fill(p, (byte) 0);
            throw new StateBlobException(Ptm.TPM_DECRYPT_ERROR, "wrong key or corrupted " + what + " (bad padding)");
        }
        byte[] out = Arrays.copyOf(p, p.length - pad);
        Arrays.fill(p, (byte) 0);
        return out;
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
