package dev.jtpm.crypto;

import dev.jtpm.types.TpmAlg;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hash and HMAC by TPM_ALG_ID (Part 1 §11.4.1 hash functions, §11.4.3 HMAC) over the JCA.
 * SHA-1 and the SHA-2 family are what the TPM's name algorithms and KDFs use.
 */
public final class Hashes {
    private Hashes() {}

    /** The digest size in bytes; {@link IllegalArgumentException} if the hash is not supported. */
    public static int digestSize(int hashAlg) {
        jcaName(hashAlg);
        return TpmAlg.digestSize(hashAlg);
    }

    /** True if {@code hashAlg} is a hash this module can compute. */
    public static boolean isSupported(int hashAlg) {
        return TpmAlg.jcaDigestName(hashAlg) != null;
    }

    /** A fresh MessageDigest for {@code hashAlg}. */
    public static MessageDigest digest(int hashAlg) {
        try {
            return MessageDigest.getInstance(jcaName(hashAlg));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName(hashAlg), e);
        }
    }

    /** H(parts[0] || parts[1] || …). */
    public static byte[] hash(int hashAlg, byte[]... parts) {
        MessageDigest md = digest(hashAlg);
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }

    /** A fresh HMAC keyed with {@code key} (an empty key is allowed, as the TPM allows it). */
    public static Mac hmac(int hashAlg, byte[] key) {
        String name = "Hmac" + jcaName(hashAlg).replace("-", "");
        try {
            Mac mac = Mac.getInstance(name);
            // SecretKeySpec rejects an empty key; HMAC with an empty key equals HMAC with one zero byte
            // (the key is zero-padded to the block size either way).
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + name, e);
        }
    }

    /** HMAC(key, parts[0] || parts[1] || …). */
    public static byte[] hmac(int hashAlg, byte[] key, byte[]... parts) {
        Mac mac = hmac(hashAlg, key);
        for (byte[] p : parts) mac.update(p);
        return mac.doFinal();
    }

    /** The JCA name, or {@link IllegalArgumentException}. */
    static String jcaName(int hashAlg) {
        String n = TpmAlg.jcaDigestName(hashAlg);
        if (n == null) throw new IllegalArgumentException("unsupported hash algorithm 0x" + Integer.toHexString(hashAlg));
        return n;
    }
}
