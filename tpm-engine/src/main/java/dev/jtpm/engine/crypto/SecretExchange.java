package dev.jtpm.engine.crypto;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.EccSchemes;
import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.Kdf;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.crypto.SecretSharing;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.structure.Limits;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmuAsymScheme;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A seed shared with an asymmetric key, as ms-tpm's CryptSecretEncrypt and CryptSecretDecrypt make it
 * (libtpms 0.9 for the codes): TPM2_MakeCredential/ActivateCredential (label "IDENTITY") and
 * TPM2_Duplicate/Import/Rewrap ("DUPLICATE"). The arithmetic is tpm-crypto's {@link SecretSharing} and
 * {@link Kdf}; this class picks the hash, parses the TPM2B_ENCRYPTED_SECRET the TPM's way and names the
 * response code of each failure (without an index: the caller adds it where ms-tpm does).
 */
public final class SecretExchange {
    private SecretExchange() {}

    /** The label of credentials (Part 1, 24: "IDENTITY"). */
    public static final String IDENTITY = "IDENTITY";
    /** The label of duplication seeds (Part 1, 23.3.2: "DUPLICATE"). */
    public static final String DUPLICATE = "DUPLICATE";

    /** A new seed and the TPM2B_ENCRYPTED_SECRET that carries it to {@code key}'s owner. */
    public record Shared(Secret seed, Bytes encryptedSecret) {}

    /**
     * CryptSecretEncrypt: a seed of the key's nameAlg digest size, RSA-OAEP with the nameAlg (whatever the
     * key's scheme) or ECDH with a new ephemeral key and KDFe. Fails with TPM_RC_ATTRIBUTES for a key without
     * decrypt, TPM_RC_KEY for an ECC key whose point is not on its curve, TPM_RC_VALUE for an RSA key too small
     * for OAEP with that hash.
     */
    public static Shared encrypt(TpmObject key, String label, RandomBits random) {
        int nameAlg = key.publicArea().nameAlg();
        int size = Hashes.digestSize(nameAlg);
        if (!key.attributes().decrypt()) throw new TpmFailure(TpmRc.ATTRIBUTES);
        return switch (key.publicArea().parameters()) {
            case TpmsRsaParms p -> {
                RsaKey rsa = Signatures.rsaKey(key);
                if (rsa.modulusBytes() < 2 * size + 2 + size) throw new TpmFailure(TpmRc.VALUE);
                Secret seed = Secret.of(random.next(size));
                SecureRandom sr = new SecureRandom() {
                    @Override public void nextBytes(byte[] bytes) { random.nextBytes(bytes); }
                };
                yield new Shared(seed, SecretSharing.rsaEncrypt(rsa, nameAlg, label, seed, sr));
            }
            case TpmsEccParms p -> {
                TpmsEccPoint q = (TpmsEccPoint) key.publicArea().unique();
                EccCurve curve = EccCurve.of(p.curveID());
                if (!curve.isOnCurve(new BigInteger(1, q.x().unsafeArray()), new BigInteger(1, q.y().unsafeArray()))) {
                    throw new TpmFailure(TpmRc.KEY);
                }
                SecretSharing.Encapsulated e = SecretSharing.eccEncapsulate(nameAlg, Signatures.eccKey(key), label, random);
                yield new Shared(e.seed(), e.encryptedSecret());
            }
            default -> throw new IllegalArgumentException("not an asymmetric key");
        };
    }

    /**
     * CryptSecretDecrypt for an asymmetric key. RSA: OAEP with the key's scheme hash, or its nameAlg when the
     * scheme is TPM_ALG_NULL (another scheme: TPM_RC_SCHEME); a secret not as long as the modulus is TPM_RC_SIZE;
     * a decryption or padding failure TPM_RC_FAILURE (libtpms 0.9 decrypts through OpenSSL and answers that,
     * without entering failure mode); a seed longer than the digest TPM_RC_VALUE. ECC: the secret is a
     * TPMS_ECC_POINT (octets after it are ignored): a coordinate's size past the end is TPM_RC_INSUFFICIENT,
     * larger than MAX_ECC_KEY_BYTES TPM_RC_SIZE; a point off the key's curve TPM_RC_ECC_POINT, a product at
     * infinity TPM_RC_NO_RESULT; seed = KDFe(nameAlg, Z.x, label, Qe.x as given, Q.x).
     */
    public static Secret decrypt(TpmObject key, String label, Bytes encryptedSecret) {
        int nameAlg = key.publicArea().nameAlg();
        byte[] in = encryptedSecret.unsafeArray();
        return switch (key.publicArea().parameters()) {
            case TpmsRsaParms p -> {
                int oaepHash;
                if (p.scheme().scheme() == TpmAlg.NULL) oaepHash = nameAlg;
                else if (p.scheme().scheme() == TpmAlg.OAEP && p.scheme().details() instanceof TpmuAsymScheme.Hash h) oaepHash = h.hashAlg();
                else throw new TpmFailure(TpmRc.SCHEME);
                RsaKey rsa = Signatures.rsaKey(key);
                if (in.length != rsa.modulusBytes()) throw new TpmFailure(TpmRc.SIZE);
                Secret seed = SecretSharing.rsaDecrypt(rsa, oaepHash, label, in).orElseThrow(() -> new TpmFailure(TpmRc.FAILURE));
                if (seed.size() > Hashes.digestSize(oaepHash)) throw new TpmFailure(TpmRc.VALUE);
                yield seed;
            }
            case TpmsEccParms p -> {
                int[] at = {0};
                byte[] x = parameter(in, at), y = parameter(in, at);
                EccKey k = Signatures.eccKey(key);
                BigInteger bx = new BigInteger(1, x), by = new BigInteger(1, y);
                if (!k.curve().isOnCurve(bx, by)) throw new TpmFailure(TpmRc.ECC_POINT);
                EccSchemes.SharedPoint z = EccSchemes.ecdh(k, bx, by).orElseThrow(() -> new TpmFailure(TpmRc.NO_RESULT));
                byte[] zx = z.x().toArray();
                TpmsEccPoint q = (TpmsEccPoint) key.publicArea().unique();
                try {
                    yield Secret.of(Kdf.kdfe(nameAlg, zx, label, x, q.x().toArray(), Hashes.digestSize(nameAlg) * 8));
                } finally {
                    Arrays.fill(zx, (byte) 0);
                }
            }
            default -> throw new IllegalArgumentException("not an asymmetric key");
        };
    }

    /** One TPM2B_ECC_PARAMETER of a TPMS_ECC_POINT, unmarshalled as libtpms does. */
    private static byte[] parameter(byte[] in, int[] at) {
        if (in.length - at[0] < 2) throw new TpmFailure(TpmRc.INSUFFICIENT);
        int n = ((in[at[0]] & 0xFF) << 8) | (in[at[0] + 1] & 0xFF);
        if (n > Limits.MAX_ECC_KEY_BYTES) throw new TpmFailure(TpmRc.SIZE);
        if (in.length - at[0] - 2 < n) throw new TpmFailure(TpmRc.INSUFFICIENT);
        byte[] v = Arrays.copyOfRange(in, at[0] + 2, at[0] + 2 + n);
        at[0] += 2 + n;
        return v;
    }
}
