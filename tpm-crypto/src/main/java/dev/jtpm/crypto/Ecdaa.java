package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Mac;

import org.bouncycastle.math.ec.ECPoint;

/**
 * The ECDAA split signing scheme (Part 1 §11.4.7.4 and Annex C; ms-tpm-20-ref CryptGenerateR,
 * CryptEccCommitCompute and TpmEcc_SignEcdaa, which libtpms follows): TPM2_Commit computes points with a
 * secret r, TPM2_Sign later signs with the same r, named by the commit counter. TPM2_EC_Ephemeral and
 * TPM2_ZGen_2Phase use the same r for their ephemeral keys.
 *
 * <ul>
 *   <li><b>r</b> is not stored: it is recomputed from the commit nonce (new at every TPM Reset), the
 *       signing key's Name (empty for an ephemeral key) and the 64-bit commit count with a KDFa stream
 *       (label "ECDAA Commit"; the HMAC block counter runs on from one candidate to the next). Each
 *       candidate takes as many octets as the order n has, its bits above n's length cleared, and is
 *       kept if 0 &lt; r &lt; n. Only this TPM ever sees r, so the exact derivation is this TPM's
 *       choice; its properties (r fixed by nonce, Name and count, uniform below n) are ms-tpm's.</li>
 *   <li><b>Commit</b>: with P2 = (H<sub>nameAlg</sub>(s2) mod p, y2): K = [d]P2, L = [r]P2; E = [r]P1,
 *       or [r]G when neither P1 nor s2 is given. A point at infinity fails the commit.</li>
 *   <li><b>Sign</b>: nonceK random in [1, n−1] as its minimal big-endian octets, T = H(nonceK || digest)
 *       as an integer, s = r + T·d mod n (a zero s draws a new nonceK). The signature is (nonceK, s),
 *       s fixed to the order's size. A verifier checks [s]P = E' + [T]·([d]P) for the base it committed to
 *       (G: E' = E and [d]G = Q; P2: E' = L and [d]P2 = K).</li>
 * </ul>
 */
public final class Ecdaa {
    private Ecdaa() {}

    /** The KDFa label of r. */
    public static final String COMMIT_LABEL = "ECDAA Commit";

    /** The hash of r's KDFa stream. */
    private static final int R_HASH = dev.jtpm.types.TpmAlg.SHA256;

    /**
     * The commit random r for a count (ms-tpm CryptGenerateR).
     *
     * @param commitNonce the commit nonce of this TPM Reset
     * @param name the signing key's Name, or empty for an ephemeral key
     * @param count the full 64-bit commit count the value belongs to
     * @param curve the curve
     */
    public static BigInteger commitRandom(Secret commitNonce, byte[] name, long count, EccCurve curve) {
        BigInteger n = curve.order();
        int bits = n.bitLength();
        int len = curve.orderBytes();
        Mac mac = Hashes.hmac(R_HASH, commitNonce.toArray());
        byte[] label = Kdf.terminated(Kdf.ascii(COMMIT_LABEL));
        byte[] fixed = Octets.concat(label, name, Octets.u64(count), Octets.u32(len * 8));
        int counter = 0;
        while (true) {
            byte[] candidate = new byte[len];
            for (int off = 0; off < len; ) {
                mac.update(Octets.u32(++counter));
                mac.update(fixed);
                byte[] block = mac.doFinal();
                int take = Math.min(block.length, len - off);
                System.arraycopy(block, 0, candidate, off, take);
                off += take;
            }
            if (bits % 8 != 0) candidate[0] &= (byte) ((1 << (bits % 8)) - 1);
            BigInteger r = new BigInteger(1, candidate);
            Arrays.fill(candidate, (byte) 0);
            if (r.signum() > 0 && r.compareTo(n) < 0) return r;
        }
    }

    /**
     * The points of TPM2_Commit; a null point was not computed (its TPM2B is empty).
     *
     * @param k [d]P2, or null
     * @param l [r]P2, or null
     * @param e [r]P1 or [r]G, or null
     */
    public record Commitment(ECPoint k, ECPoint l, ECPoint e) {}

    /**
     * The point multiplications of TPM2_Commit (ms-tpm CryptEccCommitCompute). Empty when a result is
     * the point at infinity (TPM_RC_NO_RESULT).
     *
     * @param curve the key's curve
     * @param d the private key (used only with {@code p2})
     * @param r the commit random
     * @param p1 P1 (on the curve), or null
     * @param p2 P2 (on the curve), or null
     */
    public static Optional<Commitment> commit(EccCurve curve, BigInteger d, BigInteger r, ECPoint p1, ECPoint p2) {
        ECPoint k = null, l = null, e = null;
        if (p2 != null) {
            k = p2.multiply(d).normalize();
            l = p2.multiply(r).normalize();
            if (k.isInfinity() || l.isInfinity()) return Optional.empty();
        }
        if (p1 != null || p2 == null) {
            e = (p1 == null ? curve.multiplyG(r) : p1.multiply(r)).normalize();
            if (e.isInfinity()) return Optional.empty();
        }
        return Optional.of(new Commitment(k, l, e));
    }

    /**
     * x2 of TPM2_Commit's P2: H<sub>nameAlg</sub>(s2) mod p.
     *
     * @param nameAlg the signing key's nameAlg
     * @param s2 the s2 parameter
     */
    public static BigInteger x2(int nameAlg, byte[] s2, EccCurve curve) {
        return new BigInteger(1, Hashes.hash(nameAlg, s2)).mod(curve.prime());
    }

    /**
     * An ECDAA signature (ms-tpm TpmEcc_SignEcdaa): r of the signature is nonceK, in its minimal octets
     * (as ms-tpm converts it, and as it is hashed); s is fixed to the order's size.
     *
     * @param key the signing key (with d)
     * @param commitRandom r of the commitment the signature uses
     * @param hashAlg the scheme's hash
     * @param digest the digest to sign
     * @param random the source of nonceK
     */
    public static EccSchemes.Signature sign(EccKey key, BigInteger commitRandom, int hashAlg, byte[] digest,
                                            RandomBits random) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        while (true) {
            BigInteger nonceK = EccKeys.scalar(random, c);
            byte[] k = minimal(nonceK);
            BigInteger t = new BigInteger(1, Hashes.hash(hashAlg, k, digest));
            BigInteger s = commitRandom.add(t.multiply(key.d())).mod(n);
            if (s.signum() == 0) continue;
            return new EccSchemes.Signature(Bytes.wrap(k), Bytes.wrap(Octets.fixed(s, c.orderBytes())));
        }
    }

    /** T = H(nonceK || digest) as an integer: what a verifier recomputes from a signature. */
    public static BigInteger challenge(int hashAlg, byte[] nonceK, byte[] digest) {
        return new BigInteger(1, Hashes.hash(hashAlg, nonceK, digest));
    }

    private static byte[] minimal(BigInteger v) {
        byte[] b = v.toByteArray();
        return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }
}
