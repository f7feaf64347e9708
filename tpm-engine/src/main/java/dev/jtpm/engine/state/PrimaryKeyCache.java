package dev.jtpm.engine.state;

import dev.jtpm.crypto.LibtpmsDrbg;
import dev.jtpm.crypto.LibtpmsRsaPrimes;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The asymmetric keys of recent primary objects of one TPM (volatile: never saved, empty after
 * power-on).
 *
 * <p>A primary key is a function of its inputs (Part 1 §26.2): nameAlg, the hierarchy seed, the
 * template's derivation context, and the key size and exponent (RSA) or curve (ECC). So a second
 * TPM2_CreatePrimary of the same template under the same seed may take the key the first one derived
 * instead of searching for primes again (tens of milliseconds for RSA-2048) or multiplying the base
 * point again (most of an ECC CreatePrimary); the answer is the same octets either way. Scripts and
 * TSSes recreate the same primary (the SRK, the EK) over and over, which is what this serves.
 *
 * <p>An entry is found by the SHA-256 digest of all those inputs, so a changed seed (TPM2_Clear,
 * TPM2_ChangeEPS/PPS, a TPM Reset for the null seed) can never hit an older entry; {@link #clear}
 * drops the keys of replaced seeds at once. At most {@link #CAPACITY} keys are kept, least recently
 * used out first. Symmetric and keyed-hash primaries are not cached: their derivation is one KDFa.
 */
public final class PrimaryKeyCache {
    /** How many keys are kept. */
    public static final int CAPACITY = 8;

    private final Map<Bytes, Object> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Bytes, Object> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The RSA primary key of these inputs: {@link PrimaryKeys#rsa}, computed once while it stays cached. */
    public RsaKey rsa(int nameAlg, Secret seed, byte[] context, int keyBits, long exponent) {
        Bytes id = id('R', nameAlg, seed, context, keyBits, exponent);
        if (entries.get(id) instanceof RsaKey k) return k;
        RsaKey key = PrimaryKeys.rsa(nameAlg, seed, context, keyBits, exponent);
        entries.put(id, key);
        return key;
    }

    /** The ECC primary key of these inputs: {@link PrimaryKeys#ecc}, computed once while it stays cached. */
    public EccKey ecc(int nameAlg, Secret seed, byte[] context, EccCurve curve) {
        Bytes id = id('E', nameAlg, seed, context, curve.id, 0);
        if (entries.get(id) instanceof EccKey k) return k;
        EccKey key = PrimaryKeys.ecc(nameAlg, seed, context, curve);
        entries.put(id, key);
        return key;
    }

    /** A libtpms RSA primary and the state its DRBG ends in. */
    private record LibtpmsRsa(RsaKey key, LibtpmsDrbg after) {}

    /**
     * The RSA primary key libtpms derives from {@code drbg} ({@link LibtpmsRsaPrimes#generate}), computed once while it
     * stays cached; {@code drbg} is left where the derivation leaves it (the seedValue follows from there).
     */
    public RsaKey libtpmsRsa(LibtpmsDrbg drbg, int keyBits, long exponent, boolean sign) {
        Bytes id = id('L', drbg.seedCompatLevel() << 1 | (sign ? 1 : 0), drbg.instantiation(), new byte[0], keyBits, exponent);
        if (entries.get(id) instanceof LibtpmsRsa k) {
            drbg.restore(k.after());
            return k.key();
        }
        RsaKey key = LibtpmsRsaPrimes.generate(drbg, keyBits, exponent, sign);
        entries.put(id, new LibtpmsRsa(key, drbg.copy()));
        return key;
    }

    /** Drops every entry (a seed was replaced). */
    public void clear() { entries.clear(); }

    /** The number of cached keys. */
    public int size() { return entries.size(); }

    private static Bytes id(char kind, int nameAlg, Secret seed, byte[] context, int size, long exponent) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] s = seed.toArray();
            try {
                md.update(ByteBuffer.allocate(18).putChar(kind).putShort((short) nameAlg).putShort((short) size).putLong(exponent)
                        .putInt(s.length).array());
                md.update(s);
            } finally {
                java.util.Arrays.fill(s, (byte) 0);
            }
            md.update(context);
            return Bytes.wrap(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
