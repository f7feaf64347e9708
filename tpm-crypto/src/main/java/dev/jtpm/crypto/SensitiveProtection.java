package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Protected storage of an object's private area (Part 1, "Protected Storage": Symmetric Encryption
 * and Integrity, §22.4–§22.5 in rev 1.59; the same outer wrapper protects duplicated objects,
 * "Protected Storage Hierarchy" §23.3.2.3).
 *
 * <p>For a child of a storage parent with seed {@code seed} and name algorithm {@code nameAlg}
 * (both the parent's), and the child's Name {@code name}:
 * <pre>
 *   symKey     = KDFa(nameAlg, seed, "STORAGE", name, "", symKeyBits)
 *   encSens    = CFB(symAlg, symKey, IV = 0, size(sensitive)[16] || sensitive)
 *   hmacKey    = KDFa(nameAlg, seed, "INTEGRITY", "", "", 8·digestSize(nameAlg))
 *   outerHMAC  = HMAC_nameAlg(hmacKey, encSens || name)
 *   TPM2B_PRIVATE.buffer = size(outerHMAC)[16] || outerHMAC || encSens
 * </pre>
 * The IV is zero because the key is unique to the object's Name: the spec allows it for this
 * wrapper (an inner wrapper chooses its own key and also uses a zero IV).
 */
public final class SensitiveProtection {
    private SensitiveProtection() {}

    /** symKey = KDFa(nameAlg, seed, "STORAGE", name, "", symKeyBits). */
    public static byte[] storageKey(int nameAlg, Secret seed, byte[] name, int symKeyBits) {
        return Kdf.kdfa(nameAlg, seed.toArray(), "STORAGE", name, new byte[0], symKeyBits);
    }

    /** hmacKey = KDFa(nameAlg, seed, "INTEGRITY", "", "", digest bits). */
    public static byte[] integrityKey(int nameAlg, Secret seed) {
        return Kdf.kdfa(nameAlg, seed.toArray(), "INTEGRITY", new byte[0], new byte[0], Hashes.digestSize(nameAlg) * 8);
    }

    /**
     * Protects a marshalled TPMT_SENSITIVE.
     *
     * @param nameAlg the parent's nameAlg
     * @param seed the parent's seedValue (or a duplication seed)
     * @param symAlg the parent's symmetric algorithm (TPM_ALG_AES, …; the mode is always CFB)
     * @param symKeyBits its key size
     * @param name the protected object's Name
     * @param sensitive the marshalled TPMT_SENSITIVE (without size prefix)
     * @return the TPM2B_PRIVATE buffer (without the TPM2B's own size)
     */
    public static Bytes wrap(int nameAlg, Secret seed, int symAlg, int symKeyBits, byte[] name, Secret sensitive) {
        byte[] plain = Octets.sized(sensitive.toArray());
        byte[] enc = Symmetric.cfbZeroIv(symAlg, storageKey(nameAlg, seed, name, symKeyBits), plain, true);
        Arrays.fill(plain, (byte) 0);
        byte[] mac = Hashes.hmac(nameAlg, integrityKey(nameAlg, seed), enc, name);
        return Bytes.wrap(Octets.concat(Octets.sized(mac), enc));
    }

    /**
     * Checks and removes the protection. The HMAC is checked (constant time) before anything is
     * decrypted.
     *
     * @param privateBuffer the TPM2B_PRIVATE buffer (without the TPM2B's own size)
     * @return the marshalled TPMT_SENSITIVE, or {@link Unwrapped.Failure#INTEGRITY} when the integrity
     *     field is missing, of the wrong size or does not match, {@link Unwrapped.Failure#SENSITIVE}
     *     when the decrypted size prefix disagrees with the data
     */
    public static Unwrapped unwrap(int nameAlg, Secret seed, int symAlg, int symKeyBits, byte[] name, byte[] privateBuffer) {
        int digestSize = Hashes.digestSize(nameAlg);
        if (privateBuffer.length < 2) return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        int macSize = Octets.u16(privateBuffer, 0);
        if (macSize != digestSize || privateBuffer.length < 2 + macSize) return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        byte[] mac = Arrays.copyOfRange(privateBuffer, 2, 2 + macSize);
        byte[] enc = Arrays.copyOfRange(privateBuffer, 2 + macSize, privateBuffer.length);
        byte[] expected = Hashes.hmac(nameAlg, integrityKey(nameAlg, seed), enc, name);
        if (!MessageDigest.isEqual(mac, expected)) return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        byte[] plain = Symmetric.cfbZeroIv(symAlg, storageKey(nameAlg, seed, name, symKeyBits), enc, false);
        return unsized(plain);
    }

    /**
     * The inner duplication wrapper (Part 1 §23.3.2.2): {@code innerIntegrity = H_nameAlg(sensitive || name)},
     * encrypted as {@code CFB(symAlg, encryptionKey, IV = 0, size(innerIntegrity) || innerIntegrity || size(sensitive) || sensitive)}.
     *
     * @param nameAlg the object's nameAlg
     */
    public static Bytes innerWrap(int nameAlg, int symAlg, Secret encryptionKey, byte[] name, Secret sensitive) {
        byte[] s = sensitive.toArray();
        byte[] plain = Octets.concat(Octets.sized(Hashes.hash(nameAlg, Octets.sized(s), name)), Octets.sized(s));
        return Bytes.wrap(Symmetric.cfbZeroIv(symAlg, encryptionKey.toArray(), plain, true));
    }

    /** Removes an inner wrapper; refuses with INTEGRITY when the inner digest does not match. */
    public static Unwrapped innerUnwrap(int nameAlg, int symAlg, Secret encryptionKey, byte[] name, byte[] encrypted) {
        byte[] plain = Symmetric.cfbZeroIv(symAlg, encryptionKey.toArray(), encrypted, false);
        int digestSize = Hashes.digestSize(nameAlg);
        if (plain.length < 2 || Octets.u16(plain, 0) != digestSize || plain.length < 2 + digestSize) {
            return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        }
        byte[] digest = Arrays.copyOfRange(plain, 2, 2 + digestSize);
        byte[] rest = Arrays.copyOfRange(plain, 2 + digestSize, plain.length);
        if (!MessageDigest.isEqual(digest, Hashes.hash(nameAlg, rest, name))) {
            return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        }
        return unsized(rest);
    }

    static Unwrapped unsized(byte[] plain) {
        if (plain.length < 2 || Octets.u16(plain, 0) != plain.length - 2) return new Unwrapped.Refused(Unwrapped.Failure.SENSITIVE);
        Secret s = Secret.of(Arrays.copyOfRange(plain, 2, plain.length));
        Arrays.fill(plain, (byte) 0);
        return new Unwrapped.Ok(s);
    }



}
