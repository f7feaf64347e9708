package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

import javax.crypto.Mac;

/**
 * A deterministic random bit generator built on KDFa: the "KDF-based DRBG" ms-tpm-20-ref seeds from
 * a hierarchy's primary seed to create primary objects (Part 1 §26.2, "the same template under the
 * same seed gives the same key").
 *
 * <p>The stream is KDFa with an open-ended counter: block i (from 1) is
 * {@code HMAC_hashAlg(seed, [i]32 || label || 00 || context || [0]32)}. The length field is fixed
 * at 0 because the number of octets a prime search consumes is not known in advance. Octets are
 * handed out in order without gaps, so how a caller splits its requests does not change what it
 * gets. Not thread-safe: one generator per derivation.
 */
public final class KdfDrbg implements RandomBits {
    private final Mac mac;
    private final byte[] fixed;
    private byte[] block = new byte[0];
    private int used;
    private int counter;

    /**
     * @param hashAlg the HMAC hash (normally the object's nameAlg)
     * @param seed the HMAC key (the hierarchy's primary seed)
     * @param label the purpose ("RSA", "ECC", …), NUL added
     * @param context what distinguishes one key from another under the seed (the template digest)
     */
    public KdfDrbg(int hashAlg, Secret seed, String label, byte[] context) {
        this(hashAlg, seed, Kdf.ascii(label), context, 0);
    }

    /**
     * A stream whose length field is {@code lengthBits} instead of 0: ms-tpm's KDF-seeded DRBG for derived
     * objects (Part 1 §27.1) gives KDFa its limit, TPM_MAX_DERIVATION_BITS.
     *
     * @param label the label octets, with or without its terminating NUL (added if missing, or if empty)
     */
    public KdfDrbg(int hashAlg, Secret seed, byte[] label, byte[] context, int lengthBits) {
        this.mac = Hashes.hmac(hashAlg, seed.toArray());
        byte[] l = Kdf.terminated(label);
        this.fixed = new byte[l.length + context.length + 4];
        System.arraycopy(l, 0, fixed, 0, l.length);
        System.arraycopy(context, 0, fixed, l.length, context.length);
        System.arraycopy(Octets.u32(lengthBits), 0, fixed, l.length + context.length, 4);
    }

    @Override
    public void nextBytes(byte[] out) {
        int off = 0;
        while (off < out.length) {
            if (used == block.length) refill();
            int n = Math.min(block.length - used, out.length - off);
            System.arraycopy(block, used, out, off, n);
            used += n;
            off += n;
        }
    }

    private void refill() {
        counter++;
        mac.update(Octets.u32(counter));
        mac.update(fixed);
        block = mac.doFinal();
        used = 0;
    }
}
