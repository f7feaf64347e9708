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
 * (both the parent's), and the child's Name {@code name}, an ordinary object's private area
 * ({@link #wrapPrivate}, ms-tpm-20-ref's and libtpms' SensitiveToPrivate) is:
 * <pre>
 *   symKey     = KDFa(nameAlg, seed, "STORAGE", name, "", symKeyBits)
 *   iv         = one random block of symAlg, as TPM2B_IV: size(iv)[16] || iv
 *   encSens    = CFB(symAlg, symKey, iv, size(sensitive)[16] || sensitive)
 *   hmacKey    = KDFa(nameAlg, seed, "INTEGRITY", "", "", 8·digestSize(nameAlg))
 *   outerHMAC  = HMAC_nameAlg(hmacKey, TPM2B_IV || encSens || name)
 *   TPM2B_PRIVATE.buffer = size(outerHMAC)[16] || outerHMAC || TPM2B_IV || encSens
 * </pre>
 * The duplication outer wrapper ({@link #wrap}) is the same without the IV area: a zero IV, which the
 * spec allows there because its key is unique to one duplication seed.
 *
 * <p>Removal ({@link #unwrapPrivate}) checks in ms-tpm's order (UnwrapOuter, then PrivateToSensitive):
 * the integrity TPM2B (larger than any digest: SIZE; past the end: INSUFFICIENT), the HMAC over the
 * rest (INTEGRITY), the IV TPM2B (larger than a block: SIZE; past the end: INSUFFICIENT; not one block
 * of the parent's cipher: VALUE), then the decrypted TPM2B_SENSITIVE's size (SENSITIVE).
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
     * Protects a marshalled TPMT_SENSITIVE with the duplication outer wrapper (no IV area, zero IV).
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

    /** The largest digest a TPM2B_DIGEST holds (SHA-512). */
    private static final int MAX_DIGEST_SIZE = 64;
    /** The largest block a TPM2B_IV holds. */
    private static final int MAX_SYM_BLOCK_SIZE = 16;

    /**
     * Protects a marshalled TPMT_SENSITIVE as an ordinary object's TPM2B_PRIVATE, with a random IV.
     *
     * @param nameAlg the parent's nameAlg
     * @param seed the parent's seedValue
     * @param symAlg the parent's symmetric algorithm (the mode is always CFB)
     * @param symKeyBits its key size
     * @param name the protected object's Name
     * @param sensitive the marshalled TPMT_SENSITIVE (without size prefix)
     * @param random where the IV comes from
     * @return the TPM2B_PRIVATE buffer (without the TPM2B's own size)
     */
    public static Bytes wrapPrivate(int nameAlg, Secret seed, int symAlg, int symKeyBits, byte[] name, Secret sensitive,
                                    RandomBits random) {
        byte[] iv = random.next(Symmetric.blockSize(symAlg));
        byte[] plain = Octets.sized(sensitive.toArray());
        byte[] enc = Symmetric.encrypt(symAlg, storageKey(nameAlg, seed, name, symKeyBits), dev.jtpm.types.TpmAlg.CFB, iv, plain)
                .data().unsafeArray();
        Arrays.fill(plain, (byte) 0);
        byte[] protectedArea = Octets.concat(Octets.sized(iv), enc);
        byte[] mac = Hashes.hmac(nameAlg, integrityKey(nameAlg, seed), protectedArea, name);
        return Bytes.wrap(Octets.concat(Octets.sized(mac), protectedArea));
    }

    /**
     * Checks and removes the protection of an ordinary object's TPM2B_PRIVATE ({@link #wrapPrivate}),
     * refusing with the failures of the class comment, in its order.
     */
    public static Unwrapped unwrapPrivate(int nameAlg, Secret seed, int symAlg, int symKeyBits, byte[] name, byte[] buffer) {
        Integrity checked = checkIntegrity(nameAlg, seed, name, buffer);
        if (checked.refused() != null) return checked.refused();
        byte[] rest = checked.rest();
        if (rest.length < 2) return new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT);
        int ivSize = Octets.u16(rest, 0);
        if (ivSize > MAX_SYM_BLOCK_SIZE) return new Unwrapped.Refused(Unwrapped.Failure.SIZE);
        if (rest.length < 2 + ivSize) return new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT);
        if (ivSize != Symmetric.blockSize(symAlg)) return new Unwrapped.Refused(Unwrapped.Failure.VALUE);
        byte[] iv = Arrays.copyOfRange(rest, 2, 2 + ivSize);
        byte[] enc = Arrays.copyOfRange(rest, 2 + ivSize, rest.length);
        byte[] plain = Symmetric.decrypt(symAlg, storageKey(nameAlg, seed, name, symKeyBits), dev.jtpm.types.TpmAlg.CFB, iv, enc)
                .data().toArray();
        if (plain.length < 2) return new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT);
        return unsized(plain);
    }

    /**
     * Checks and removes the duplication outer wrapper ({@link #wrap}: no IV area). The HMAC is checked (constant time) before anything is
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

    /**
     * ms-tpm's ProduceOuterWrap without an IV, over any content: what a duplication blob (the content is the
     * marshalled TPM2B_SENSITIVE, inner-wrapped or not) and a credential blob (a marshalled TPM2B_DIGEST) carry:
     * {@code size(outerHMAC) || outerHMAC || CFB(symAlg, KDFa(nameAlg, seed, "STORAGE", name), IV = 0, content)}
     * with {@code outerHMAC = HMAC_nameAlg(KDFa(nameAlg, seed, "INTEGRITY"), encrypted || name)}.
     *
     * @param content the octets to protect, as they are (no size is added)
     * @return the TPM2B_PRIVATE or TPM2B_ID_OBJECT buffer (without the TPM2B's own size)
     */
    public static Bytes outerWrap(int nameAlg, Secret seed, int symAlg, int symKeyBits, byte[] name, byte[] content) {
        byte[] enc = Symmetric.cfbZeroIv(symAlg, storageKey(nameAlg, seed, name, symKeyBits), content, true);
        byte[] mac = Hashes.hmac(nameAlg, integrityKey(nameAlg, seed), enc, name);
        return Bytes.wrap(Octets.concat(Octets.sized(mac), enc));
    }

    /**
     * ms-tpm's UnwrapOuter without an IV ({@link #outerWrap}'s inverse), refusing in its order: the integrity
     * TPM2B larger than any digest (SIZE) or past the end (INSUFFICIENT), then an HMAC that does not match
     * (INTEGRITY: also when the integrity field is shorter than the digest).
     *
     * @return the decrypted content after the integrity field, or the refusal
     */
    public static Unwrapped outerUnwrap(int nameAlg, Secret seed, int symAlg, int symKeyBits, byte[] name, byte[] buffer) {
        Integrity checked = checkIntegrity(nameAlg, seed, name, buffer);
        if (checked.refused() != null) return checked.refused();
        byte[] enc = checked.rest();
        return new Unwrapped.Ok(Secret.of(Symmetric.cfbZeroIv(symAlg, storageKey(nameAlg, seed, name, symKeyBits), enc, false)));
    }

    /**
     * The inner duplication wrapper over a marshalled TPM2B_SENSITIVE (ms-tpm ProduceInnerIntegrity and the CFB
     * that follows, Part 1 §23.3.2.2): {@code CFB(symAlg, key, IV = 0, size(d) || d || sized)} with
     * {@code d = H_nameAlg(sized || name)}.
     *
     * @param nameAlg the duplicated object's nameAlg
     * @param sized the marshalled TPM2B_SENSITIVE (with its size)
     */
    public static Bytes innerWrapSized(int nameAlg, int symAlg, Secret encryptionKey, byte[] name, byte[] sized) {
        byte[] plain = Octets.concat(Octets.sized(Hashes.hash(nameAlg, sized, name)), sized);
        try {
            return Bytes.wrap(Symmetric.cfbZeroIv(symAlg, encryptionKey.toArray(), plain, true));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Removes the inner wrapper in ms-tpm's order (decrypt, then CheckInnerIntegrity): the inner digest's TPM2B
     * larger than any digest (SIZE) or past the end (INSUFFICIENT), a digest that does not match H_nameAlg(rest ||
     * name) (INTEGRITY).
     *
     * @return what follows the inner digest field (the marshalled TPM2B_SENSITIVE when the digest is of nameAlg's
     *     size), or the refusal
     */
    public static Unwrapped innerUnwrapSized(int nameAlg, int symAlg, Secret encryptionKey, byte[] name, byte[] encrypted) {
        byte[] plain = Symmetric.cfbZeroIv(symAlg, encryptionKey.toArray(), encrypted, false);
        try {
            if (plain.length < 2) return new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT);
            int size = Octets.u16(plain, 0);
            if (size > MAX_DIGEST_SIZE) return new Unwrapped.Refused(Unwrapped.Failure.SIZE);
            if (plain.length < 2 + size) return new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT);
            byte[] digest = Arrays.copyOfRange(plain, 2, 2 + size);
            byte[] rest = Arrays.copyOfRange(plain, 2 + size, plain.length);
            if (!MessageDigest.isEqual(digest, Hashes.hash(nameAlg, rest, name))) {
                return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
            }
            return new Unwrapped.Ok(Secret.of(rest));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    static Unwrapped unsized(byte[] plain) {
        if (plain.length < 2 || Octets.u16(plain, 0) != plain.length - 2) return new Unwrapped.Refused(Unwrapped.Failure.SENSITIVE);
        Secret s = Secret.of(Arrays.copyOfRange(plain, 2, plain.length));
        Arrays.fill(plain, (byte) 0);
        return new Unwrapped.Ok(s);
    }

    /** What follows a matching outer integrity field, or why it does not match. */
    private record Integrity(byte[] rest, Unwrapped.Refused refused) {}

    /**
     * The outer integrity check that private areas, duplication blobs and credential blobs share (ms-tpm's
     * UnwrapOuter): {@code size || HMAC(KDFa(nameAlg, seed, "INTEGRITY"), rest || name) || rest}, refusing a size
     * past any digest (SIZE), past the end (INSUFFICIENT), and an HMAC that does not match (INTEGRITY).
     */
    private static Integrity checkIntegrity(int nameAlg, Secret seed, byte[] name, byte[] buffer) {
        if (buffer.length < 2) return new Integrity(null, new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT));
        int macSize = Octets.u16(buffer, 0);
        if (macSize > MAX_DIGEST_SIZE) return new Integrity(null, new Unwrapped.Refused(Unwrapped.Failure.SIZE));
        if (buffer.length < 2 + macSize) return new Integrity(null, new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT));
        byte[] mac = Arrays.copyOfRange(buffer, 2, 2 + macSize);
        byte[] rest = Arrays.copyOfRange(buffer, 2 + macSize, buffer.length);
        if (!MessageDigest.isEqual(mac, Hashes.hmac(nameAlg, integrityKey(nameAlg, seed), rest, name))) {
            return new Integrity(null, new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY));
        }
        return new Integrity(rest, null);
    }
}
