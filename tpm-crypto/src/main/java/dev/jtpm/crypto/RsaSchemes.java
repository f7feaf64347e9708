package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * The RSA schemes of Part 1 §11.4.4 (PKCS #1 v2.2 / RFC 8017) as TPM2_Sign, TPM2_VerifySignature,
 * TPM2_RSA_Encrypt and TPM2_RSA_Decrypt use them: signatures and the raw primitive over
 * {@link RsaKey#privateOperation} (blinded CRT, the two halves in parallel), and so is OAEP decryption; PKCS#1 v1.5
 * decryption goes over the JDK's RSA.
 *
 * <ul>
 *   <li><b>RSASSA</b>: EMSA-PKCS1-v1_5 over a digest the caller computed (DigestInfo added here).</li>
 *   <li><b>RSAPSS</b>: EMSA-PSS with MGF1 over the scheme's hash and a salt as long as the digest,
 *       or shorter when the key is too small for that (emLen − hLen − 2), which is what libtpms and
 *       ms-tpm-20-ref use; verification recovers any salt length, as theirs does.</li>
 *   <li><b>RSAES</b>: RSAES-PKCS1-v1_5.</li>
 *   <li><b>OAEP</b>: RSAES-OAEP with the scheme's hash for both the label hash and MGF1. TPM labels
 *       are NUL-terminated strings and the octets given are used as they are (TPM2_RSA_Encrypt refuses
 *       a label whose last octet is not 0, see {@link #isValidLabel}; secret sharing labels such as
 *       "DUPLICATE\0" come from {@link #label}).</li>
 *   <li><b>TPM_ALG_NULL</b>: the raw RSA primitive; the message must be less than the modulus.</li>
 * </ul>
 * Decryption failures come back as an empty Optional, which the engine reports as TPM_RC_VALUE.
 */
public final class RsaSchemes {
    private RsaSchemes() {}

    /** An OAEP label from a string: its ASCII octets and the terminating NUL. */
    public static byte[] label(String s) { return Kdf.terminated(Kdf.ascii(s)); }

    /** True if {@code label} is empty or ends with a zero octet (Part 3 TPM2_RSA_Encrypt). */
    public static boolean isValidLabel(byte[] label) { return label.length == 0 || label[label.length - 1] == 0; }

    /** The longest message OAEP with {@code hashAlg} can carry under a key of {@code modulusBytes} octets. */
    public static int oaepMaxMessage(int modulusBytes, int hashAlg) { return modulusBytes - 2 * Hashes.digestSize(hashAlg) - 2; }

    /** The longest message RSAES-PKCS1-v1_5 can carry. */
    public static int pkcs1MaxMessage(int modulusBytes) { return modulusBytes - 11; }

    // ---- signatures ----

    /** RSASSA-PKCS1-v1_5 signature of {@code digest} (EMSA-PKCS1-v1_5, RFC 8017 §9.2). */
    public static Bytes signPkcs1(RsaKey key, int hashAlg, byte[] digest) {
        checkDigest(hashAlg, digest);
        byte[] t = digestInfo(hashAlg, digest);
        int emLen = key.modulusBytes();
        if (emLen < t.length + 11) throw new IllegalArgumentException("key too small for this hash");
        byte[] em = new byte[emLen];
        em[1] = 1;
        Arrays.fill(em, 2, emLen - t.length - 1, (byte) 0xFF);
        System.arraycopy(t, 0, em, emLen - t.length, t.length);
        return Bytes.wrap(rawPrivate(key, em));
    }

    /** Verifies an RSASSA-PKCS1-v1_5 signature of {@code digest}. */
    public static boolean verifyPkcs1(RsaKey key, int hashAlg, byte[] digest, byte[] signature) {
        if (digest.length != Hashes.digestSize(hashAlg) || signature.length != key.modulusBytes()) return false;
        try {
            Signature s = Signature.getInstance("NONEwithRSA");
            s.initVerify(key.toPublicKey());
            s.update(digestInfo(hashAlg, digest));
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RSASSA-PSS signature of {@code digest}; the salt comes from {@code random}. */
    public static Bytes signPss(RsaKey key, int hashAlg, byte[] digest, RandomBits random) {
        checkDigest(hashAlg, digest);
        int emBits = key.bits() - 1;
        int emLen = (emBits + 7) / 8;
        int hLen = digest.length;
        int sLen = pssSaltLength(key.bits(), hashAlg);
        if (emLen < hLen + sLen + 2) throw new IllegalArgumentException("key too small for PSS with this hash");
        byte[] salt = random.next(sLen);
        byte[] h = Hashes.hash(hashAlg, new byte[8], digest, salt);
        byte[] db = new byte[emLen - hLen - 1];
        db[db.length - sLen - 1] = 1;
        System.arraycopy(salt, 0, db, db.length - sLen, sLen);
        xor(db, Kdf.mgf1(hashAlg, h, db.length));
        db[0] &= (byte) (0xFF >>> (8 * emLen - emBits));
        byte[] em = new byte[emLen];
        System.arraycopy(db, 0, em, 0, db.length);
        System.arraycopy(h, 0, em, db.length, hLen);
        em[emLen - 1] = (byte) 0xBC;
        return Bytes.wrap(rawPrivate(key, em));
    }

    /**
     * The PSS salt length for a key of {@code keyBits}: the digest size, or less if the key is small
     * (the rule of libtpms' and ms-tpm-20-ref's CryptRsaPssSaltSize, the largest FIPS 186-4 allows).
     */
    public static int pssSaltLength(int keyBits, int hashAlg) {
        int emLen = (keyBits - 1 + 7) / 8;
        int hLen = Hashes.digestSize(hashAlg);
        return Math.max(0, Math.min(hLen, emLen - hLen - 2));
    }

    /** Verifies an RSASSA-PSS signature of {@code digest} with any salt length. */
    public static boolean verifyPss(RsaKey key, int hashAlg, byte[] digest, byte[] signature) {
        if (digest.length != Hashes.digestSize(hashAlg) || signature.length != key.modulusBytes()) return false;
        BigInteger s = new BigInteger(1, signature);
        if (s.compareTo(key.n()) >= 0) return false;
        int emBits = key.bits() - 1;
        int emLen = (emBits + 7) / 8;
        byte[] em = Octets.fixed(s.modPow(key.e(), key.n()), emLen);
        int hLen = digest.length;
        if (emLen < hLen + 2 || (em[emLen - 1] & 0xFF) != 0xBC) return false;
        byte[] db = Arrays.copyOf(em, emLen - hLen - 1);
        byte[] h = Arrays.copyOfRange(em, emLen - hLen - 1, emLen - 1);
        int topMask = 0xFF << (8 - (8 * emLen - emBits)) & 0xFF;
        if ((db[0] & topMask) != 0) return false;
        xor(db, Kdf.mgf1(hashAlg, h, db.length));
        db[0] &= (byte) (0xFF >>> (8 * emLen - emBits));
        int i = 0;
        while (i < db.length && db[i] == 0) i++;
        if (i == db.length || db[i] != 1) return false;
        byte[] salt = Arrays.copyOfRange(db, i + 1, db.length);
        return MessageDigest.isEqual(h, Hashes.hash(hashAlg, new byte[8], digest, salt));
    }

    // ---- encryption ----

    /** RSAES-OAEP encryption with the scheme's hash for label hash and MGF1. */
    public static Bytes encryptOaep(RsaKey key, int hashAlg, byte[] label, byte[] message, SecureRandom random) {
        if (message.length > oaepMaxMessage(key.modulusBytes(), hashAlg)) throw new IllegalArgumentException("message too long");
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, key.toPublicKey(), oaepSpec(hashAlg, label), random);
            return Bytes.wrap(c.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * RSAES-OAEP decryption (RFC 8017, 7.1.2) over the key's private operation (blinded CRT, the halves in
     * parallel) rather than the JDK's sequential one; empty if the ciphertext or its padding is bad. Every check
     * runs to the end whatever fails first, and one answer stands for every failure (no padding oracle by code).
     */
    public static Optional<Bytes> decryptOaep(RsaKey key, int hashAlg, byte[] label, byte[] ciphertext) {
        int k = key.modulusBytes(), hLen = Hashes.digestSize(hashAlg);
        if (!fits(key, ciphertext) || k < 2 * hLen + 2) return Optional.empty();
        byte[] em = rawPrivate(key, ciphertext);
        byte[] seed = Arrays.copyOfRange(em, 1, 1 + hLen);
        byte[] db = Arrays.copyOfRange(em, 1 + hLen, k);
        xor(seed, Kdf.mgf1(hashAlg, db, hLen));
        xor(db, Kdf.mgf1(hashAlg, seed, db.length));
        byte[] lHash = Hashes.digest(hashAlg).digest(label);
        int bad = em[0] & 0xFF;
        for (int i = 0; i < hLen; i++) bad |= (db[i] ^ lHash[i]) & 0xFF;
        // PS (zeros), then 0x01, then the message: find the first non-zero octet after lHash without branching on data
        int separator = -1;
        boolean inPadding = true;
        for (int i = hLen; i < db.length; i++) {
            int v = db[i] & 0xFF;
            boolean one = v == 1, zero = v == 0;
            if (inPadding && one) separator = i;
            if (inPadding && !zero && !one) bad |= 1;
            inPadding &= zero;
        }
        if (separator < 0) bad |= 1;
        Arrays.fill(em, (byte) 0);
        if (bad != 0) return Optional.empty();
        return Optional.of(Bytes.wrap(Arrays.copyOfRange(db, separator + 1, db.length)));
    }

    /** RSAES-PKCS1-v1_5 encryption. */
    public static Bytes encryptPkcs1(RsaKey key, byte[] message, SecureRandom random) {
        if (message.length > pkcs1MaxMessage(key.modulusBytes())) throw new IllegalArgumentException("message too long");
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.ENCRYPT_MODE, key.toPublicKey(), random);
            return Bytes.wrap(c.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RSAES-PKCS1-v1_5 decryption; empty if the ciphertext or its padding is bad. */
    public static Optional<Bytes> decryptPkcs1(RsaKey key, byte[] ciphertext) {
        if (!fits(key, ciphertext)) return Optional.empty();
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.DECRYPT_MODE, key.toPrivateKey());
            return Optional.of(Bytes.wrap(c.doFinal(ciphertext)));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** Raw RSA (scheme TPM_ALG_NULL): m^e mod n, modulus-sized; empty if m ≥ n. */
    public static Optional<Bytes> encryptRaw(RsaKey key, byte[] message) {
        BigInteger m = new BigInteger(1, message);
        if (m.compareTo(key.n()) >= 0) return Optional.empty();
        return Optional.of(Bytes.wrap(Octets.fixed(m.modPow(key.e(), key.n()), key.modulusBytes())));
    }

    /** Raw RSA decryption: c^d mod n, modulus-sized; empty if c ≥ n. */
    public static Optional<Bytes> decryptRaw(RsaKey key, byte[] ciphertext) {
        if (!fits(key, ciphertext)) return Optional.empty();
        return Optional.of(Bytes.wrap(rawPrivate(key, Octets.fixed(new BigInteger(1, ciphertext), key.modulusBytes()))));
    }

    // ---- helpers ----

    private static boolean fits(RsaKey key, byte[] c) {
        return c.length <= key.modulusBytes() && new BigInteger(1, c).compareTo(key.n()) < 0;
    }

    /** The private-key primitive (CRT, blinded by the JDK) on a value below n, modulus-sized. */
    private static byte[] rawPrivate(RsaKey key, byte[] value) {
        return Octets.fixed(key.privateOperation(new BigInteger(1, value)), key.modulusBytes());
    }

    private static OAEPParameterSpec oaepSpec(int hashAlg, byte[] label) {
        String h = Hashes.jcaName(hashAlg);
        return new OAEPParameterSpec(h, "MGF1", new MGF1ParameterSpec(h), new PSource.PSpecified(label));
    }

    private static void xor(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) a[i] ^= b[i];
    }

    private static void checkDigest(int hashAlg, byte[] digest) {
        if (digest.length != Hashes.digestSize(hashAlg)) throw new IllegalArgumentException("digest size does not match the hash");
    }

    /** DER DigestInfo prefix || digest (RFC 8017 §9.2 note 1). */
    static byte[] digestInfo(int hashAlg, byte[] digest) {
        String prefix = switch (hashAlg) {
            case TpmAlg.SHA1 -> "3021300906052b0e03021a05000414";
            case TpmAlg.SHA256 -> "3031300d060960864801650304020105000420";
            case TpmAlg.SHA384 -> "3041300d060960864801650304020205000430";
            case TpmAlg.SHA512 -> "3051300d060960864801650304020305000440";
            case TpmAlg.SHA3_256 -> "3031300d060960864801650304020805000420";
            case TpmAlg.SHA3_384 -> "3041300d060960864801650304020905000430";
            case TpmAlg.SHA3_512 -> "3051300d060960864801650304020a05000440";
            default -> throw new IllegalArgumentException("no DigestInfo for hash 0x" + Integer.toHexString(hashAlg));
        };
        return Octets.concat(HexFormat.of().parseHex(prefix), digest);
    }
}
