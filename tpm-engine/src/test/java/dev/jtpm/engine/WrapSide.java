package dev.jtpm.engine;

import dev.jtpm.crypto.Kdf;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmuPublicId;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The other side of credentials and duplication, written for the tests from Part 1 (24, 23.3.2) with the JDK:
 * OAEP and ECDH seed sharing, the outer wrapper (HMAC-SHA-256, AES-CFB with a zero IV) and the inner wrapper.
 * Only KDFa/KDFe come from tpm-crypto. SHA-256 and AES only: what the tests use.
 */
public final class WrapSide {
    private WrapSide() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A seed and the TPM2B_ENCRYPTED_SECRET contents carrying it. */
    public record Seed(byte[] seed, byte[] encryptedSecret) {}

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static byte[] u16(int v) { return new byte[] {(byte) (v >>> 8), (byte) v}; }

    public static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    public static byte[] sized(byte[] b) { return cat(u16(b.length), b); }

    /** The label with its terminating NUL. */
    public static byte[] label(String s) { return (s + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII); }

    public static PublicKey rsaPublic(TpmtPublic pub) throws Exception {
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) pub.unique()).n().toArray());
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
    }

    public static ECParameterSpec p256() throws Exception {
        var params = java.security.AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        return params.getParameterSpec(ECParameterSpec.class);
    }

    public static PublicKey eccPublic(TpmtPublic pub) throws Exception {
        TpmsEccPoint q = (TpmsEccPoint) pub.unique();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())), p256()));
    }

    private static OAEPParameterSpec oaep(String label) {
        return new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label(label)));
    }

    /** RSA-OAEP(SHA-256, label) of {@code seed}. */
    public static byte[] rsaEncrypt(PublicKey key, String label, byte[] seed) throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, key, oaep(label));
        return c.doFinal(seed);
    }

    public static byte[] rsaDecrypt(PrivateKey key, String label, byte[] secret) throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.DECRYPT_MODE, key, oaep(label));
        return c.doFinal(secret);
    }

    /** A 32-octet seed for an RSA key (SHA-256 nameAlg). */
    public static Seed rsaSeed(TpmtPublic target, String label) throws Exception {
        byte[] seed = random(32);
        return new Seed(seed, rsaEncrypt(rsaPublic(target), label, seed));
    }

    /** ECDH with an ephemeral P-256 key, seed = KDFe(SHA-256, Z.x, label, Qe.x, Q.x, 256). */
    public static Seed eccSeed(TpmtPublic target, String label) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair e = g.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(e.getPrivate());
        ka.doPhase(eccPublic(target), true);
        byte[] z = ka.generateSecret();
        ECPoint qe = ((ECPublicKey) e.getPublic()).getW();
        byte[] x = fixed(qe.getAffineX()), y = fixed(qe.getAffineY());
        byte[] seed = Kdf.kdfe(TpmAlg.SHA256, z, "" + label, x, ((TpmsEccPoint) target.unique()).x().toArray(), 256);
        return new Seed(seed, cat(sized(x), sized(y)));
    }

    public static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] r = new byte[32];
        if (b.length > 32) System.arraycopy(b, b.length - 32, r, 0, 32);
        else System.arraycopy(b, 0, r, 32 - b.length, b.length);
        return r;
    }

    public static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] p : parts) mac.update(p);
        return mac.doFinal();
    }

    public static byte[] sha256(byte[]... parts) { return TestTpm.hash(TpmAlg.SHA256, parts).toArray(); }

    public static byte[] cfb(byte[] key, byte[] data, boolean encrypt) throws Exception {
        Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
        c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        return c.doFinal(data);
    }

    /** The outer wrapper of a SHA-256, AES-{@code keyBits} protector: size(HMAC) || HMAC || CFB(content). */
    public static byte[] outerWrap(byte[] seed, byte[] name, int keyBits, byte[] content) throws Exception {
        byte[] symKey = Kdf.kdfa(TpmAlg.SHA256, seed, "STORAGE", name, new byte[0], keyBits);
        byte[] enc = cfb(symKey, content, true);
        byte[] hmacKey = Kdf.kdfa(TpmAlg.SHA256, seed, "INTEGRITY", new byte[0], new byte[0], 256);
        return cat(sized(hmac(hmacKey, enc, name)), enc);
    }

    /** Checks the outer HMAC and decrypts; null when the HMAC does not match. */
    public static byte[] outerUnwrap(byte[] seed, byte[] name, int keyBits, byte[] blob) throws Exception {
        int size = ((blob[0] & 0xFF) << 8) | (blob[1] & 0xFF);
        byte[] mac = Arrays.copyOfRange(blob, 2, 2 + size);
        byte[] enc = Arrays.copyOfRange(blob, 2 + size, blob.length);
        byte[] hmacKey = Kdf.kdfa(TpmAlg.SHA256, seed, "INTEGRITY", new byte[0], new byte[0], 256);
        if (!Arrays.equals(mac, hmac(hmacKey, enc, name))) return null;
        return cfb(Kdf.kdfa(TpmAlg.SHA256, seed, "STORAGE", name, new byte[0], keyBits), enc, false);
    }

    /** The inner wrapper (SHA-256 nameAlg, AES-CFB): CFB(key, size(d) || d || sizedSensitive), d = H(sized || name). */
    public static byte[] innerWrap(byte[] key, byte[] name, byte[] sizedSensitive) throws Exception {
        return cfb(key, cat(sized(sha256(sizedSensitive, name)), sizedSensitive), true);
    }

    /** Removes the inner wrapper; null when the digest does not match. */
    public static byte[] innerUnwrap(byte[] key, byte[] name, byte[] blob) throws Exception {
        byte[] plain = cfb(key, blob, false);
        byte[] d = Arrays.copyOfRange(plain, 2, 34);
        byte[] rest = Arrays.copyOfRange(plain, 34, plain.length);
        return Arrays.equals(d, sha256(rest, name)) ? rest : null;
    }

    /** Bytes of a byte array. */
    public static Bytes b(byte[] v) { return Bytes.wrap(v); }
}
