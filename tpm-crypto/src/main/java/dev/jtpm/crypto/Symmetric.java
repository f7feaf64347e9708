package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Block ciphers in the TPM's modes (Part 1 §11.4.6 symmetric encryption; Part 2 §6.3 TPM_ALG_ID for
 * CTR, OFB, CBC, CFB, ECB) with the IV chaining TPM2_EncryptDecrypt (Part 3 §15.2) returns in
 * {@code ivOut}, as ms-tpm-20-ref's CryptSymmetricEncrypt/Decrypt compute it:
 * <ul>
 *   <li>CFB (full-block feedback): the last ciphertext block; after a partial last block, its
 *       ciphertext octets followed by the rest of that block's key stream (the register as libtpms
 *       leaves it, checked against swtpm);</li>
 *   <li>CBC: the last ciphertext block;</li>
 *   <li>OFB: the last key-stream block (the encrypted IV of the last block);</li>
 *   <li>CTR: the next counter value (the whole block is a big-endian counter);</li>
 *   <li>ECB: no IV; ivOut is empty.</li>
 * </ul>
 * No padding is ever added: CBC and ECB need whole blocks ({@link #needsWholeBlocks}); TPM2_EncryptDecrypt
 * answers TPM_RC_SIZE otherwise, which the engine checks before calling. CFB, OFB and CTR take any length.
 *
 * <p>AES and TDES come from the JDK. Camellia and SM4 come from Bouncy Castle's provider (an
 * instance passed explicitly, never registered globally) because the JDK has neither.
 */
public final class Symmetric {
    private Symmetric() {}

    private static final Provider BC = new BouncyCastleProvider();

    /** The result of one operation: the output octets and the IV to continue with. */
    public record Result(Bytes data, Bytes ivOut) {}

    /** True if this module implements {@code alg} with {@code keyBits}. */
    public static boolean isSupported(int alg, int keyBits) {
        return switch (alg) {
            case TpmAlg.AES, TpmAlg.CAMELLIA -> keyBits == 128 || keyBits == 192 || keyBits == 256;
            case TpmAlg.TDES -> keyBits == 128 || keyBits == 192;
            case TpmAlg.SM4 -> keyBits == 128;
            default -> false;
        };
    }

    /** True if {@code mode} is one of CTR, OFB, CBC, CFB, ECB. */
    public static boolean isMode(int mode) {
        return mode == TpmAlg.CTR || mode == TpmAlg.OFB || mode == TpmAlg.CBC || mode == TpmAlg.CFB || mode == TpmAlg.ECB;
    }

    /** The block size in octets (also the IV size of every mode but ECB). */
    public static int blockSize(int alg) {
        return switch (alg) {
            case TpmAlg.AES, TpmAlg.CAMELLIA, TpmAlg.SM4 -> 16;
            case TpmAlg.TDES -> 8;
            default -> throw new IllegalArgumentException("unsupported cipher 0x" + Integer.toHexString(alg));
        };
    }

    /** True for the modes that accept only whole blocks (CBC, ECB). */
    public static boolean needsWholeBlocks(int mode) { return mode == TpmAlg.CBC || mode == TpmAlg.ECB; }

    /** True if {@code dataSize} is acceptable for {@code mode} (the TPM_RC_SIZE check). */
    public static boolean sizeAllowed(int alg, int mode, int dataSize) {
        return !needsWholeBlocks(mode) || dataSize % blockSize(alg) == 0;
    }

    /** Encrypts {@code data}; {@code iv} must be one block (ignored for ECB). */
    public static Result encrypt(int alg, byte[] key, int mode, byte[] iv, byte[] data) {
        return run(alg, key, mode, iv, data, true);
    }

    /** Decrypts {@code data}; {@code iv} must be one block (ignored for ECB). */
    public static Result decrypt(int alg, byte[] key, int mode, byte[] iv, byte[] data) {
        return run(alg, key, mode, iv, data, false);
    }

    /** AES-CFB with a zero IV, as the storage and context protections use it (Part 1 §22.3). */
    static byte[] cfbZeroIv(int alg, byte[] key, byte[] data, boolean encrypt) {
        byte[] iv = new byte[blockSize(alg)];
        return run(alg, key, TpmAlg.CFB, iv, data, encrypt).data().unsafeArray();
    }

    private static Result run(int alg, byte[] key, int mode, byte[] iv, byte[] data, boolean encrypt) {
        if (!isSupported(alg, key.length * 8)) throw new IllegalArgumentException("unsupported cipher/key size");
        if (!isMode(mode)) throw new IllegalArgumentException("unsupported mode 0x" + Integer.toHexString(mode));
        int bs = blockSize(alg);
        if (mode != TpmAlg.ECB && iv.length != bs) throw new IllegalArgumentException("IV must be " + bs + " octets");
        if (!sizeAllowed(alg, mode, data.length)) throw new IllegalArgumentException("data is not whole blocks");
        if (data.length == 0) return new Result(Bytes.EMPTY, mode == TpmAlg.ECB ? Bytes.EMPTY : Bytes.of(iv));

        // Stream-like modes: pad to whole blocks with zeros, run, cut back. The padded tail yields the
        // key-stream (OFB) or the full last block the TPM's ivOut needs.
        int whole = (data.length + bs - 1) / bs * bs;
        byte[] in = whole == data.length ? data : Arrays.copyOf(data, whole);
        byte[] out;
        try {
            out = cipher(alg, key, mode, iv, encrypt).doFinal(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (out.length != whole) throw new IllegalStateException("cipher returned a short block");
        byte[] result = Arrays.copyOf(out, data.length);

        byte[] ivOut = switch (mode) {
            case TpmAlg.ECB -> new byte[0];
            case TpmAlg.CBC -> Arrays.copyOfRange(encrypt ? out : data, whole - bs, whole);
            case TpmAlg.CFB -> {
                // the shift register as the TPM leaves it: the used octets of the last block are ciphertext,
                // the unused ones still key stream (the zero padding encrypts/decrypts to exactly that)
                byte[] ct = encrypt ? result : data;
                int from = whole - bs;
                byte[] last = Arrays.copyOfRange(out, from, whole);
                System.arraycopy(ct, from, last, 0, ct.length - from);
                yield last;
            }
            case TpmAlg.OFB -> {
                byte[] ks = new byte[bs];
                for (int i = 0; i < bs; i++) ks[i] = (byte) (out[whole - bs + i] ^ in[whole - bs + i]);
                yield ks;
            }
            case TpmAlg.CTR -> {
                BigInteger modulus = BigInteger.ONE.shiftLeft(bs * 8);
                BigInteger next = new BigInteger(1, iv).add(BigInteger.valueOf(whole / bs)).mod(modulus);
                yield Octets.fixed(next, bs);
            }
            default -> throw new IllegalStateException();
        };
        return new Result(Bytes.wrap(result), Bytes.wrap(ivOut));
    }

    /** A one-block encryptor (ECB, no padding) for {@link Cmac}: reused for every block of one MAC. */
    static Cipher ecbEncryptor(int alg, byte[] key) {
        return cipher(alg, key, TpmAlg.ECB, new byte[0], true);
    }

    private static Cipher cipher(int alg, byte[] key, int mode, byte[] iv, boolean encrypt) {
        String m = switch (mode) {
            case TpmAlg.CFB -> "CFB";
            case TpmAlg.CBC -> "CBC";
            case TpmAlg.ECB -> "ECB";
            case TpmAlg.OFB -> "OFB";
            case TpmAlg.CTR -> "CTR";
            default -> throw new IllegalStateException();
        };
        String name = switch (alg) {
            case TpmAlg.AES -> "AES";
            case TpmAlg.TDES -> "DESede";
            case TpmAlg.CAMELLIA -> "Camellia";
            case TpmAlg.SM4 -> "SM4";
            default -> throw new IllegalStateException();
        };
        byte[] k = alg == TpmAlg.TDES && key.length == 16 ? twoKeyToThreeKey(key) : key;
        try {
            Cipher c = alg == TpmAlg.AES || alg == TpmAlg.TDES
                    ? Cipher.getInstance(name + "/" + m + "/NoPadding")
                    : Cipher.getInstance(name + "/" + m + "/NoPadding", BC);
            int op = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
            SecretKeySpec spec = new SecretKeySpec(k, name);
            if (mode == TpmAlg.ECB) c.init(op, spec);
            else c.init(op, spec, new IvParameterSpec(iv));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(name + "/" + m + " unavailable", e);
        }
    }

    /** A 128-bit TDES key K1||K2 is keying option 2: K1||K2||K1. */
    private static byte[] twoKeyToThreeKey(byte[] key) {
        byte[] k = Arrays.copyOf(key, 24);
        System.arraycopy(key, 0, k, 16, 8);
        return k;
    }
}
