package dev.jtpm.tpm12;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/** The TPM 1.2 primitives over the JCA: SHA-1, HMAC-SHA-1, RSA key generation, OAEP with the "TCPA" label. */
final class Crypto12 {
    private Crypto12() {}

    private static final byte[] TCPA = {'T', 'C', 'P', 'A'};

    static byte[] sha1(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac m = Mac.getInstance("HmacSHA1");
            // one zero octet is the empty key once HMAC pads it
            m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            for (byte[] p : parts) m.update(p);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new RSA key pair of {@code bits} with public exponent {@code e}, drawn from the TPM's entropy. */
    static KeyPair generateRsa(int bits, BigInteger e, Random entropy) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            SecureRandom sr = entropy instanceof SecureRandom s ? s : new SeededRandom(entropy);
            g.initialize(new RSAKeyGenParameterSpec(bits, e), sr);
            return g.generateKeyPair();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** RSAES-OAEP (SHA-1, MGF1-SHA-1, label "TCPA") encryption, TPM_ES_RSAESOAEP_SHA1_MGF1. */
    static byte[] oaepEncrypt(RSAPublicKey key, byte[] data, Random entropy) {
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, key, oaep(), entropy instanceof SecureRandom s ? s : new SeededRandom(entropy));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new Tpm12Failure(Tpm12Rc.BAD_DATASIZE);
        }
    }

    /** RSAES-OAEP decryption with the "TCPA" label; a block that does not decode is TPM_DECRYPT_ERROR. */
    static byte[] oaepDecrypt(RSAPrivateCrtKey key, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.DECRYPT_MODE, key, oaep());
            return c.doFinal(data);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Tpm12Failure(Tpm12Rc.DECRYPT_ERROR);
        }
    }

    /** RSASSA-PKCS1-v1_5 of an already-encoded DigestInfo or raw data (NONEwithRSA). */
    static byte[] pkcs1Sign(RSAPrivateCrtKey key, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.ENCRYPT_MODE, key);
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new Tpm12Failure(Tpm12Rc.BAD_DATASIZE);
        }
    }

    /** RSAES-PKCS1-v1_5 decryption (TPM_ES_RSAESPKCSv15). */
    static byte[] pkcs1Decrypt(RSAPrivateCrtKey key, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.DECRYPT_MODE, key);
            return c.doFinal(data);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Tpm12Failure(Tpm12Rc.DECRYPT_ERROR);
        }
    }

    static RSAPublicKey publicKey(byte[] modulus, BigInteger e) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, modulus), e));
        } catch (GeneralSecurityException ex) {
            throw new Tpm12Failure(Tpm12Rc.BAD_KEY_PROPERTY);
        }
    }

    /** The unsigned big-endian modulus, as long as the key. */
    static byte[] unsigned(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) return b;
        byte[] out = new byte[len];
        if (b.length > len) System.arraycopy(b, b.length - len, out, 0, len);
        else System.arraycopy(b, 0, out, len - b.length, b.length);
        return out;
    }

    private static OAEPParameterSpec oaep() {
        return new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, new PSource.PSpecified(TCPA));
    }

    /** A SecureRandom drawing from the platform's (possibly deterministic) entropy. */
    private static final class SeededRandom extends SecureRandom {
        private final transient Random source;

        SeededRandom(Random source) {
            super(new byte[0]);
            this.source = source;
        }

        @Override
        public void nextBytes(byte[] bytes) { source.nextBytes(bytes); }

        @Override
        public byte[] generateSeed(int n) {
            byte[] b = new byte[n];
            source.nextBytes(b);
            return b;
        }
    }
}
