package dev.jtpm.tpm12;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * An RSA key as TPM 1.2 describes it (TPM_KEY / TPM_KEY12, Part 2, 10.2/10.3): usage, flags, authDataUsage,
 * TPM_KEY_PARMS, PCR info, and, when the TPM holds it, the private key and its usageAuth and migrationAuth.
 */
final class Key12 {
    static final int TAG_KEY12 = 0x0028;
    static final int KEY_SIGNING = 0x10, KEY_STORAGE = 0x11, KEY_IDENTITY = 0x12, KEY_AUTHCHANGE = 0x13, KEY_BIND = 0x14,
            KEY_LEGACY = 0x15, KEY_MIGRATE = 0x16;
    static final int ALG_RSA = 1;
    static final int ES_NONE = 1, ES_RSAESPKCSv15 = 2, ES_RSAESOAEP_SHA1_MGF1 = 3;
    static final int SS_NONE = 1, SS_RSASSAPKCS1v15_SHA1 = 2, SS_RSASSAPKCS1v15_DER = 3, SS_RSASSAPKCS1v15_INFO = 4;
    static final int FLAG_MIGRATABLE = 0x02, FLAG_IS_VOLATILE = 0x04, FLAG_PCR_IGNORED_ON_READ = 0x08;
    static final int AUTH_NEVER = 0, AUTH_ALWAYS = 1, AUTH_PRIV_USE_ONLY = 3;

    boolean key12;
    int keyUsage, keyFlags, authDataUsage;
    int algorithmId, encScheme, sigScheme;
    int keyLength, numPrimes;
    byte[] exponent = new byte[0];
    byte[] pcrInfo = new byte[0];
    KeyPcrInfo pcr; // parsed pcrInfo, null when empty
    byte[] modulus = new byte[0];
    byte[] encData = new byte[0];
    // held by the TPM only
    byte[] usageAuth = new byte[20], migrationAuth = new byte[20];
    RSAPrivateCrtKey privateKey;
    int parentHandle;
    boolean parentPCRStatus; // a key above it in the hierarchy is bound to PCRs (set by TPM_LoadKey2; not in contexts)

    BigInteger publicExponent() {
        return exponent.length == 0 ? BigInteger.valueOf(65537) : new BigInteger(1, exponent);
    }

    RSAPublicKey publicKey() { return Crypto12.publicKey(modulus, publicExponent()); }

    /** Reads TPM_KEY_PARMS (RSA parameters only; other algorithms keep algorithmId for the caller to refuse). */
    static void readParms(Key12 k, CommandReader in) {
        k.algorithmId = in.u32();
        k.encScheme = in.u16();
        k.sigScheme = in.u16();
        byte[] parms = in.sized32();
        switch (k.algorithmId) {
            case ALG_RSA -> {
                CommandReader p = new CommandReader(parms, 0, parms.length);
                k.keyLength = p.u32();
                k.numPrimes = p.u32();
                k.exponent = p.sized32();
            }
            case 0, 6, 7, 8 -> { } // none, TPM_ALG_AES128/192/256 (libtpms TPM_KeyParms_Load)
            default -> throw new Tpm12Failure(Tpm12Rc.BAD_KEY_PROPERTY);
        }
    }

    /** Reads a TPM_KEY or TPM_KEY12 (told apart by the first two octets, as libtpms does). */
    static Key12 read(CommandReader in) {
        Key12 k = new Key12();
        int first = in.u16();
        int second = in.u16();
        if (first == TAG_KEY12) {
            k.key12 = true;
            if (second != 0) throw new Tpm12Failure(Tpm12Rc.BAD_PARAMETER);
        } else if (first != 0x0101 || second != 0x0000) {
            throw new Tpm12Failure(Tpm12Rc.BAD_VERSION);
        }
        k.keyUsage = in.u16();
        k.keyFlags = in.u32();
        k.authDataUsage = in.u8();
        readParms(k, in);
        k.pcrInfo = in.sized32();
        if (k.pcrInfo.length != 0) k.pcr = KeyPcrInfo.parse(k.pcrInfo, k.key12);
        k.modulus = in.sized32();
        k.encData = in.sized32();
        return k;
    }

    /** Replaces the PCR info (creation values filled): pcrInfo is the structure serialized again, as in libtpms. */
    void setPcr(KeyPcrInfo info) {
        pcr = info;
        pcrInfo = info.encode();
    }

    /** Key use: the release PCRs and locality must hold (TPM_WRONGPCRVAL); a key without PCR info always may. */
    void checkPcrs(Command c) {
        if (pcr != null) pcr.check(c.st, c.locality);
    }

    /** TPM_KEY_PARMS. */
    byte[] parms() {
        ResponseWriter w = new ResponseWriter().u32(algorithmId).u16(encScheme).u16(sigScheme);
        ResponseWriter p = new ResponseWriter().u32(keyLength).u32(numPrimes).sized32(exponent);
        return w.sized32(p.toByteArray()).toByteArray();
    }

    /** The public fields of TPM_KEY/TPM_KEY12 up to pubKey (what pubDataDigest covers). */
    byte[] publicPart() {
        ResponseWriter w = new ResponseWriter();
        if (key12) w.u16(TAG_KEY12).u16(0);
        else w.u32(0x01010000);
        return w.u16(keyUsage).u32(keyFlags).u8(authDataUsage).bytes(parms()).sized32(pcrInfo).sized32(modulus).toByteArray();
    }

    /** The whole TPM_KEY/TPM_KEY12 with {@code encData}. */
    byte[] encode() { return new ResponseWriter().bytes(publicPart()).sized32(encData).toByteArray(); }

    /** TPM_PUBKEY: TPM_KEY_PARMS and TPM_STORE_PUBKEY. */
    byte[] pubkey() { return new ResponseWriter().bytes(parms()).sized32(modulus).toByteArray(); }

    /** Installs a freshly generated key pair. */
    void setKeyPair(KeyPair kp) {
        privateKey = (RSAPrivateCrtKey) kp.getPrivate();
        RSAPublicKey pub = (RSAPublicKey) kp.getPublic();
        modulus = Crypto12.unsigned(pub.getModulus(), keyLength / 8);
    }

    /** TPM_STORE_ASYMKEY (Part 2, 10.6): payload, usageAuth, migrationAuth, pubDataDigest, TPM_STORE_PRIVKEY (p). */
    byte[] storeAsymkey() {
        byte[] p = Crypto12.unsigned(privateKey.getPrimeP(), keyLength / 16);
        return new ResponseWriter().u8(1).bytes(usageAuth).bytes(migrationAuth).bytes(Crypto12.sha1(publicPart()))
                .sized32(p).toByteArray();
    }

    /**
     * Reads a TPM_STORE_ASYMKEY into this key: checks payload and pubDataDigest, rebuilds the private key from p.
     *
     * @throws Tpm12Failure TPM_DECRYPT_ERROR when it does not belong to this public part
     */
    void loadAsymkey(byte[] plain) {
        CommandReader r = new CommandReader(plain, 0, plain.length);
        try {
            if (r.u8() != 1) throw new Tpm12Failure(Tpm12Rc.INVALID_STRUCTURE);
            usageAuth = r.digest();
            migrationAuth = r.digest();
            byte[] digest = r.digest();
            if (!java.security.MessageDigest.isEqual(digest, Crypto12.sha1(publicPart()))) {
                throw new Tpm12Failure(Tpm12Rc.DECRYPT_ERROR);
            }
            BigInteger p = new BigInteger(1, r.sized32());
            BigInteger n = new BigInteger(1, modulus);
            if (p.signum() == 0 || !n.mod(p).equals(BigInteger.ZERO)) throw new Tpm12Failure(Tpm12Rc.DECRYPT_ERROR);
            privateKey = fromPrimes(n, publicExponent(), p, n.divide(p));
        } catch (Tpm12Failure f) {
            throw f.rc() == Tpm12Rc.BAD_PARAM_SIZE ? new Tpm12Failure(Tpm12Rc.DECRYPT_ERROR) : f;
        }
    }

    static RSAPrivateCrtKey fromPrimes(BigInteger n, BigInteger e, BigInteger p, BigInteger q) {
        try {
            BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
            BigInteger d = e.modInverse(phi);
            var spec = new java.security.spec.RSAPrivateCrtKeySpec(n, e, d, p, q, d.mod(p.subtract(BigInteger.ONE)),
                    d.mod(q.subtract(BigInteger.ONE)), q.modInverse(p));
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (java.security.GeneralSecurityException | ArithmeticException ex) {
            throw new Tpm12Failure(Tpm12Rc.DECRYPT_ERROR);
        }
    }

    /** The key with its private part, for the permanent state (EK, SRK) and the volatile state. */
    byte[] marshal() {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bo)) {
            byte[] pub = encode();
            out.writeInt(pub.length);
            out.write(pub);
            out.write(usageAuth);
            out.write(migrationAuth);
            byte[] priv = privateKey == null ? new byte[0] : privateKey.getEncoded();
            out.writeInt(priv.length);
            out.write(priv);
            out.writeInt(parentHandle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static Key12 unmarshal(byte[] blob) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
            byte[] pub = new byte[in.readInt()];
            in.readFully(pub);
            Key12 k = read(new CommandReader(pub, 0, pub.length));
            in.readFully(k.usageAuth);
            in.readFully(k.migrationAuth);
            byte[] priv = new byte[in.readInt()];
            in.readFully(priv);
            if (priv.length > 0) {
                k.privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(priv));
            }
            k.parentHandle = in.readInt();
            return k;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("bad stored TPM 1.2 key", e);
        }
    }
}
