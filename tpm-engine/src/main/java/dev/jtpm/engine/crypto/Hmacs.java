package dev.jtpm.engine.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC, digests and KDFa (Part 1, 11.4.10.2) over the JCA, by TPM_ALG_ID. */
public final class Hmacs {
    private Hmacs() {}

    private static String macName(int hashAlg) {
        return switch (hashAlg) {
            case TpmAlg.SHA1 -> "HmacSHA1";
            case TpmAlg.SHA256 -> "HmacSHA256";
            case TpmAlg.SHA384 -> "HmacSHA384";
            case TpmAlg.SHA512 -> "HmacSHA512";
            default -> throw new IllegalArgumentException("no HMAC for hash " + hashAlg);
        };
    }

    /** A keyed Mac; an empty key is allowed (HMAC pads it to the block size). */
    public static Mac mac(int hashAlg, byte[] key) {
        try {
            Mac m = Mac.getInstance(macName(hashAlg));
            // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so one zero octet is the same key
            m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, m.getAlgorithm()));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh digest. */
    public static MessageDigest digest(int hashAlg) {
        try {
            return MessageDigest.getInstance(TpmAlg.jcaDigestName(hashAlg));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * KDFa (SP 800-108 counter mode with HMAC): {@code bits} of key material from {@code key},
     * {@code label} (a NUL is appended), {@code contextU} and {@code contextV}.
     */
    public static byte[] kdfa(int hashAlg, byte[] key, String label, Bytes contextU, Bytes contextV, int bits) {
        int bytes = (bits + 7) / 8;
        byte[] out = new byte[bytes];
        byte[] labelBytes = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int done = 0;
        for (int counter = 1; done < bytes; counter++) {
            Mac m = mac(hashAlg, key);
            m.update(be32(counter));
            m.update(labelBytes);
            m.update((byte) 0);
            m.update(contextU.unsafeArray());
            m.update(contextV.unsafeArray());
            m.update(be32(bits));
            byte[] block = m.doFinal();
            int n = Math.min(block.length, bytes - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        if (bits % 8 != 0) out[0] &= (byte) ((1 << (bits % 8)) - 1);
        return out;
    }

    static byte[] be32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }
}
