package dev.jtpm.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The TPM's key derivation functions: KDFa and KDFe, which TPM_ALG_KDF1_SP800_108 and
 * TPM_ALG_KDF1_SP800_56A name in a TPMT_KDF_SCHEME, and the hash-based mask generators TPM_ALG_KDF2
 * (IEEE 1363a-2004 KDF2, ISO/IEC 18033-2) and TPM_ALG_MGF1 (PKCS #1 B.2.1). libtpms (like ms-tpm-20-ref)
 * accepts all four in key parameters, but derives its own keys only with KDFa and KDFe; {@link #kdf2} and
 * {@link #mgf1} complete the set for clients and tests.
 *
 * <ul>
 *   <li><b>KDFa</b> (Part 1 §11.4.10.2): SP800-108 KDF in counter mode with HMAC as the PRF.
 *       Block i is {@code HMAC(key, [i]32 || Label || 00 || ContextU || ContextV || [bits]32)},
 *       i counting from 1.</li>
 *   <li><b>KDFe</b> (Part 1 §11.4.10.3): SP800-56A concatenation KDF.
 *       Block i is {@code H([i]32 || Z || Label || 00 || PartyUInfo || PartyVInfo)}.</li>
 * </ul>
 *
 * <p>Labels are NUL-terminated strings in the spec. As ms-tpm-20-ref and libtpms do, a zero octet
 * is appended when the label is empty or does not already end in one, so "STORAGE" and "STORAGE\0"
 * give the same key. When {@code bits} is not a multiple of 8 the result is the first
 * {@code ceil(bits/8)} octets with the unused high-order bits of the first octet cleared (the
 * spec's "the unneeded bits are removed from the first octet").
 */
public final class Kdf {
    private Kdf() {}

    /** The largest output the 32-bit length field allows; the engine limits sizes far below this. */
    private static final int MAX_BITS = Integer.MAX_VALUE - 7;

    /** KDFa with a string label (ASCII; the terminating NUL is added). */
    public static byte[] kdfa(int hashAlg, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        return kdfa(hashAlg, key, ascii(label), contextU, contextV, bits);
    }

    /**
     * KDFa (Part 1 §11.4.10.2).
     *
     * @param hashAlg the HMAC's hash (TPM_ALG_ID)
     * @param key the HMAC key (a seed, a session key, …)
     * @param label the label, with or without its terminating NUL
     * @param contextU first context value (may be empty)
     * @param contextV second context value (may be empty)
     * @param bits the number of bits to produce, 1 or more
     */
    public static byte[] kdfa(int hashAlg, byte[] key, byte[] label, byte[] contextU, byte[] contextV, int bits) {
        checkBits(bits);
        byte[] out = new byte[(bits + 7) / 8];
        Mac mac = Hashes.hmac(hashAlg, key);
        byte[] fixed = fixedInput(label, contextU, contextV, Octets.u32(bits));
        int block = mac.getMacLength();
        for (int i = 1, off = 0; off < out.length; i++, off += block) {
            mac.update(Octets.u32(i));
            mac.update(fixed);
            byte[] b = mac.doFinal();
            System.arraycopy(b, 0, out, off, Math.min(block, out.length - off));
        }
        return maskLeadingBits(out, bits);
    }

    /** KDFe with a string label (ASCII; the terminating NUL is added). */
    public static byte[] kdfe(int hashAlg, byte[] z, String label, byte[] partyUInfo, byte[] partyVInfo, int bits) {
        return kdfe(hashAlg, z, ascii(label), partyUInfo, partyVInfo, bits);
    }

    /**
     * KDFe (Part 1 §11.4.10.3).
     *
     * @param hashAlg the hash (TPM_ALG_ID)
     * @param z the shared secret: the x-coordinate of an ECDH point, fixed to the field size
     * @param label the label, with or without its terminating NUL
     * @param partyUInfo the initiator's public x-coordinate (may be empty)
     * @param partyVInfo the responder's public x-coordinate (may be empty)
     * @param bits the number of bits to produce, 1 or more
     */
    public static byte[] kdfe(int hashAlg, byte[] z, byte[] label, byte[] partyUInfo, byte[] partyVInfo, int bits) {
        checkBits(bits);
        byte[] out = new byte[(bits + 7) / 8];
        MessageDigest md = Hashes.digest(hashAlg);
        byte[] otherInfo = fixedInput(label, partyUInfo, partyVInfo, new byte[0]);
        int block = md.getDigestLength();
        for (int i = 1, off = 0; off < out.length; i++, off += block) {
            md.update(Octets.u32(i));
            md.update(z);
            md.update(otherInfo);
            byte[] b = md.digest();
            System.arraycopy(b, 0, out, off, Math.min(block, out.length - off));
        }
        return maskLeadingBits(out, bits);
    }

    /**
     * KDF2 (IEEE 1363a-2004 §13.2, ISO/IEC 18033-2 §6.2.3): block i (from 1) is
     * {@code H(Z || [i]32 || otherInfo)}; the first {@code bytes} octets.
     */
    public static byte[] kdf2(int hashAlg, byte[] z, byte[] otherInfo, int bytes) {
        return counterHash(hashAlg, z, otherInfo, bytes, 1);
    }

    /** MGF1 (PKCS #1 v2.2 B.2.1): block i (from 0) is {@code H(seed || [i]32)}; the first {@code bytes} octets. */
    public static byte[] mgf1(int hashAlg, byte[] seed, int bytes) {
        return counterHash(hashAlg, seed, new byte[0], bytes, 0);
    }

    private static byte[] counterHash(int hashAlg, byte[] z, byte[] tail, int bytes, int first) {
        if (bytes <= 0 || bytes > MAX_BITS / 8) throw new IllegalArgumentException("length out of range: " + bytes);
        byte[] out = new byte[bytes];
        MessageDigest md = Hashes.digest(hashAlg);
        int block = md.getDigestLength();
        for (int i = first, off = 0; off < out.length; i++, off += block) {
            md.update(z);
            md.update(Octets.u32(i));
            md.update(tail);
            byte[] b = md.digest();
            System.arraycopy(b, 0, out, off, Math.min(block, out.length - off));
        }
        return out;
    }

    /** The label as the KDFs use it: its octets and exactly one terminating NUL. */
    static byte[] terminated(byte[] label) {
        if (label.length > 0 && label[label.length - 1] == 0) return label;
        return Arrays.copyOf(label, label.length + 1);
    }

    static byte[] ascii(String label) { return label.getBytes(StandardCharsets.US_ASCII); }


    private static byte[] fixedInput(byte[] label, byte[] a, byte[] b, byte[] tail) {
        byte[] l = terminated(label);
        byte[] r = new byte[l.length + a.length + b.length + tail.length];
        int o = 0;
        System.arraycopy(l, 0, r, o, l.length); o += l.length;
        System.arraycopy(a, 0, r, o, a.length); o += a.length;
        System.arraycopy(b, 0, r, o, b.length); o += b.length;
        System.arraycopy(tail, 0, r, o, tail.length);
        return r;
    }

    private static byte[] maskLeadingBits(byte[] out, int bits) {
        if (bits % 8 != 0) out[0] &= (byte) ((1 << (bits % 8)) - 1);
        return out;
    }

    private static void checkBits(int bits) {
        if (bits <= 0 || bits > MAX_BITS) throw new IllegalArgumentException("bits out of range: " + bits);
    }
}
