package dev.jtpm.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * CMAC (NIST SP 800-38B; RFC 4493 for AES) over any block cipher {@link Symmetric} implements: the MAC
 * TPM_ALG_CMAC names, which TPM2_MAC and TPM2_MAC_Start compute with a symcipher key whose mode is CMAC
 * (ms-tpm-20-ref's CryptSmac.c/CryptCmac.c). The tag is one block: 16 octets for AES and Camellia, 8 for
 * TDES (a 128-bit TDES key is K1‖K2‖K1 as in {@link Symmetric}).
 *
 * <p>One deliberate departure from SP 800-38B, to give the octets libtpms gives: the subkeys are doubled
 * with Rb = 0x87 for every block size, as ms-tpm-20-ref's CryptCmacEnd does, where the standard has 0x1B
 * for 64-bit blocks. AES and Camellia are unaffected; a TDES CMAC differs from the standard's whenever a
 * subkey doubling carries (checked against swtpm in SymmetricAlgorithmsInteropTest).
 *
 * <p>Written here because the JDK has no CMAC and Bouncy Castle's provider has none for Camellia; the
 * block cipher itself is the JCA's (one ECB encryptor per MAC). Streaming: {@link #update} any number of
 * times, then {@link #doFinal} once. Not thread-safe.
 */
public final class Cmac {
    private final Cipher ecb;
    private final int bs;
    private final byte[] k1, k2;
    private final byte[] state;
    private final byte[] buf;
    private int buffered;
    private boolean done;

    /**
     * @param alg the block cipher (TPM_ALG_AES, _CAMELLIA, _TDES, _SM4)
     * @param key its key, of a size {@link Symmetric#isSupported} accepts
     */
    public Cmac(int alg, byte[] key) {
        if (!Symmetric.isSupported(alg, key.length * 8)) throw new IllegalArgumentException("unsupported cipher/key size");
        this.ecb = Symmetric.ecbEncryptor(alg, key);
        this.bs = Symmetric.blockSize(alg);
        this.state = new byte[bs];
        this.buf = new byte[bs];
        byte[] l = block(new byte[bs]);
        this.k1 = doubled(l);
        this.k2 = doubled(k1);
    }

    /** The tag length in octets: the cipher's block size. */
    public int length() { return bs; }

    /** Adds {@code data} to the message. */
    public void update(byte[] data) {
        if (done) throw new IllegalStateException("CMAC already finished");
        int off = 0;
        while (off < data.length) {
            // the last block is held back until doFinal, since it gets the subkey
            if (buffered == bs) {
                for (int i = 0; i < bs; i++) state[i] ^= buf[i];
                System.arraycopy(block(state), 0, state, 0, bs);
                buffered = 0;
            }
            int n = Math.min(bs - buffered, data.length - off);
            System.arraycopy(data, off, buf, buffered, n);
            buffered += n;
            off += n;
        }
    }

    /** Adds {@code last} and returns the tag. */
    public byte[] doFinal(byte[] last) {
        update(last);
        done = true;
        byte[] m = Arrays.copyOf(buf, bs);
        byte[] k;
        if (buffered == bs) {
            k = k1;
        } else {
            Arrays.fill(m, buffered, bs, (byte) 0);
            m[buffered] = (byte) 0x80;
            k = k2;
        }
        for (int i = 0; i < bs; i++) state[i] ^= (byte) (m[i] ^ k[i]);
        return block(state);
    }

    /**
     * The running state, so that a MAC in progress can be carried in a TPM's volatile state: the chaining value,
     * then the held-back octets (at most one block). {@link #resume} continues from it.
     */
    public byte[] runningState() {
        if (done) throw new IllegalStateException("CMAC already finished");
        byte[] r = Arrays.copyOf(state, bs + buffered);
        System.arraycopy(buf, 0, r, bs, buffered);
        return r;
    }

    /** A CMAC with {@code alg} and {@code key} continued from {@link #runningState()}; IllegalArgumentException if malformed. */
    public static Cmac resume(int alg, byte[] key, byte[] running) {
        Cmac c = new Cmac(alg, key);
        if (running.length < c.bs || running.length > 2 * c.bs) throw new IllegalArgumentException("bad CMAC state");
        System.arraycopy(running, 0, c.state, 0, c.bs);
        c.buffered = running.length - c.bs;
        System.arraycopy(running, c.bs, c.buf, 0, c.buffered);
        return c;
    }

    /** The CMAC of {@code data} in one call. */
    public static byte[] mac(int alg, byte[] key, byte[] data) {
        return new Cmac(alg, key).doFinal(data);
    }

    private byte[] block(byte[] in) {
        try {
            return ecb.doFinal(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Multiplication by x: shift left one bit, xor Rb = 0x87 into the last octet on carry (for TDES too, as libtpms). */
    private byte[] doubled(byte[] v) {
        byte[] r = new byte[bs];
        int carry = (v[0] & 0x80) != 0 ? 1 : 0;
        for (int i = 0; i < bs; i++) {
            r[i] = (byte) (v[i] << 1 | (i + 1 < bs ? (v[i + 1] & 0xFF) >>> 7 : 0));
        }
        if (carry == 1) r[bs - 1] ^= (byte) 0x87;
        return r;
    }
}
