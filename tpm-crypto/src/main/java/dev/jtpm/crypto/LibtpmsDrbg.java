package dev.jtpm.crypto;

import dev.jtpm.types.Secret;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The DRBG libtpms (and ms-tpm-20-ref) seeds from a hierarchy's primary seed in TPM2_CreatePrimary and
 * TPM2_CreateLoaded (DRBG_InstantiateSeeded): an SP 800-90A CTR_DRBG over AES-256 without a
 * prediction-resistance request, instantiated from a derivation function over
 * {@code seed || "Primary Object Creation\0" || templateName || inSensitive.data}.
 *
 * <p>The derivation function is the reference implementation's DfStart/DfUpdate/DfEnd, reproduced as it
 * computes (not as SP 800-90A's Block_Cipher_df reads): three 16-octet chaining blocks under the fixed key
 * 00 01 … 1f; each full input block X updates them with an accumulator t (t = 0; for k = 0..2: t ^= iv[k] ^ X;
 * iv[k] = AES(t)); the start runs one such update on the blocks [k]32 || 0…, then puts [inputLength]32 ||
 * [48]32 in the first 8 octets of iv[0] and starts input at octet 4 of the first block; the end appends 0x80,
 * pads with zeros and runs a last update. The 48 octets iv[0..2] are the entropy input of the reseed (the
 * CTR_DRBG update with key 0 and V 0).
 *
 * <p>Each {@link #nextBytes} is one DRBG_Generate: V is incremented before each block, AES(key, V) blocks
 * are output (the last one truncated), then the state is updated (three more blocks, no additional data).
 * So how a caller splits its requests matters: the callers make the same requests libtpms makes.
 * {@link #additionalData} is DRBG_AdditionalData (a reseed with the derivation function of the data), which
 * libtpms runs with shProof and ehProof before an endorsement primary's seedValue. Not thread-safe.
 */
public final class LibtpmsDrbg implements RandomBits {
    /** libtpms' PRIMARY_OBJECT_CREATION: the string with its NUL. */
    static final byte[] PRIMARY_OBJECT_CREATION = "Primary Object Creation\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int SEED_BYTES = 48;
    private static final byte[] DF_KEY = new byte[32];

    static {
        for (int i = 0; i < 32; i++) DF_KEY[i] = (byte) i;
    }

    private final byte[] key = new byte[32];
    private final byte[] v = new byte[16];
    private final int seedCompatLevel;
    /** key || V right after instantiation: what identifies this generator's stream (for caches). */
    private byte[] instantiation;

    private LibtpmsDrbg(int seedCompatLevel) {
        this.seedCompatLevel = seedCompatLevel;
    }

    /**
     * The generator of a primary object (libtpms DRBG_InstantiateSeeded).
     *
     * @param seed the hierarchy's primary seed, as long as the state holds it
     * @param templateName the template's Name (nameAlg || H(TPMT_PUBLIC as given))
     * @param sensitiveData inSensitive.data (may be empty)
     * @param seedCompatLevel the hierarchy's SEED_COMPAT_LEVEL (0 original, 1 RSA prime adjustment fix)
     */
    public static LibtpmsDrbg primary(Secret seed, byte[] templateName, byte[] sensitiveData, int seedCompatLevel) {
        LibtpmsDrbg d = new LibtpmsDrbg(seedCompatLevel);
        byte[] s = seed.toArray();
        try {
            d.update(df(s, PRIMARY_OBJECT_CREATION, templateName, sensitiveData));
            d.instantiation = d.state();
        } finally {
            Arrays.fill(s, (byte) 0);
        }
        return d;
    }

    /**
     * The working state right after instantiation (key || V, 48 octets): equal for two generators exactly when they
     * produce the same stream. Secret: it determines every key drawn.
     */
    public Secret instantiation() { return Secret.of(instantiation); }

    /** An independent generator in this one's current state. */
    public LibtpmsDrbg copy() {
        LibtpmsDrbg c = new LibtpmsDrbg(seedCompatLevel);
        c.restore(this);
        return c;
    }

    /** Puts this generator in {@code other}'s current state (the state after a cached key). */
    public void restore(LibtpmsDrbg other) {
        System.arraycopy(other.key, 0, key, 0, 32);
        System.arraycopy(other.v, 0, v, 0, 16);
        instantiation = other.instantiation;
    }

    private byte[] state() {
        byte[] st = new byte[48];
        System.arraycopy(key, 0, st, 0, 32);
        System.arraycopy(v, 0, st, 32, 16);
        return st;
    }

    /** The SEED_COMPAT_LEVEL this generator was instantiated with. */
    public int seedCompatLevel() { return seedCompatLevel; }

    /** DRBG_AdditionalData: reseeds with the derivation function of {@code data} (not empty). */
    public void additionalData(byte[] data) {
        if (data.length == 0) throw new IllegalArgumentException("empty additional data");
        update(df(data));
    }

    @Override
    public void nextBytes(byte[] out) {
        if (out.length > 0xFFFF) throw new IllegalArgumentException("request too large");
        Cipher aes = aes(key);
        for (int off = 0; off < out.length; off += 16) {
            increment(v);
            byte[] block = encrypt(aes, v);
            System.arraycopy(block, 0, out, off, Math.min(16, out.length - off));
        }
        update(aes, null);
    }

    /** CTR_DRBG_Update with the provided data (48 octets). */
    private void update(byte[] provided) {
        update(aes(key), provided);
    }

    private void update(Cipher aes, byte[] provided) {
        byte[] temp = new byte[SEED_BYTES];
        for (int off = 0; off < SEED_BYTES; off += 16) {
            increment(v);
            System.arraycopy(encrypt(aes, v), 0, temp, off, 16);
        }
        if (provided != null) for (int i = 0; i < SEED_BYTES; i++) temp[i] ^= provided[i];
        System.arraycopy(temp, 0, key, 0, 32);
        System.arraycopy(temp, 32, v, 0, 16);
        Arrays.fill(temp, (byte) 0);
    }

    /** The reference implementation's derivation function over the concatenation of {@code inputs}. */
    static byte[] df(byte[]... inputs) {
        Cipher aes = aes(DF_KEY);
        int length = 0;
        for (byte[] in : inputs) length += in.length;
        byte[][] iv = new byte[3][16];
        for (int k = 0; k < 3; k++) iv[k][3] = (byte) k;
        byte[] buf = new byte[16];
        compute(aes, iv, buf);
        System.arraycopy(Octets.u32(length), 0, iv[0], 0, 4);
        System.arraycopy(Octets.u32(SEED_BYTES), 0, iv[0], 4, 4);
        int contents = 4;
        for (byte[] in : inputs) {
            for (byte b : in) {
                buf[contents++] = b;
                if (contents == 16) {
                    compute(aes, iv, buf);
                    contents = 0;
                }
            }
        }
        buf[contents++] = (byte) 0x80;
        while (contents < 16) buf[contents++] = 0;
        compute(aes, iv, buf);
        byte[] out = new byte[SEED_BYTES];
        for (int k = 0; k < 3; k++) System.arraycopy(iv[k], 0, out, 16 * k, 16);
        return out;
    }

    /** DfCompute: one pass of the input block over the three chaining blocks; empties the block. */
    private static void compute(Cipher aes, byte[][] iv, byte[] buf) {
        byte[] t = new byte[16];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 16; i++) t[i] ^= (byte) (iv[k][i] ^ buf[i]);
            iv[k] = encrypt(aes, t);
        }
        Arrays.fill(buf, (byte) 0);
    }

    private static void increment(byte[] counter) {
        for (int i = counter.length - 1; i >= 0; i--) {
            if (++counter[i] != 0) break;
        }
    }

    private static Cipher aes(byte[] k) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"));
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encrypt(Cipher aes, byte[] block) {
        try {
            return aes.doFinal(block);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
