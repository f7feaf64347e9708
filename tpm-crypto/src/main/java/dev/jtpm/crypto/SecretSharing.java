package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * Sharing a seed with a TPM key ("secret sharing" of Part 1 Annex B.10.3 for RSA and Annex C.6.4 for
 * ECC): what TPM2_StartAuthSession (label "SECRET"), TPM2_Import ("DUPLICATE"),
 * TPM2_MakeCredential/ActivateCredential ("IDENTITY") and the TSS on the other side use to put a seed
 * into a TPM2B_ENCRYPTED_SECRET only the key's owner can open.
 * <ul>
 *   <li>RSA: encryptedSecret = RSAES-OAEP(label || 00, seed) with the key's OAEP hash (its scheme's
 *       hash when the scheme is OAEP, else its nameAlg).</li>
 *   <li>ECC: an ephemeral key (d_e, Q_e) on the key's curve; Z = d_e·Q;
 *       seed = KDFe(nameAlg, Z.x, label, Q_e.x, Q.x, 8·digestSize(nameAlg));
 *       encryptedSecret = TPMS_ECC_POINT(Q_e) marshalled (x and y as TPM2Bs).</li>
 * </ul>
 */
public final class SecretSharing {
    private SecretSharing() {}

    /** A shared seed and the TPM2B_ENCRYPTED_SECRET contents that carry it. */
    public record Encapsulated(Secret seed, Bytes encryptedSecret) {}

    /** RSA: encrypts {@code seed} to {@code target} (the sender's side). */
    public static Bytes rsaEncrypt(RsaKey target, int oaepHash, String label, Secret seed, SecureRandom random) {
        return RsaSchemes.encryptOaep(target, oaepHash, RsaSchemes.label(label), seed.toArray(), random);
    }

    /** RSA: recovers the seed (the TPM's side); empty if decryption fails (TPM_RC_VALUE). */
    public static Optional<Secret> rsaDecrypt(RsaKey target, int oaepHash, String label, byte[] encryptedSecret) {
        return RsaSchemes.decryptOaep(target, oaepHash, RsaSchemes.label(label), encryptedSecret).map(Secret::of);
    }

    /** ECC: a seed for {@code target} from a fresh ephemeral key drawn from {@code random}. */
    public static Encapsulated eccEncapsulate(int nameAlg, EccKey target, String label, RandomBits random) {
        return eccEncapsulate(nameAlg, target, label, EccKeys.generate(random, target.curve()));
    }

    /** ECC with a given ephemeral key (tests and derandomized callers). */
    public static Encapsulated eccEncapsulate(int nameAlg, EccKey target, String label, EccKey ephemeral) {
        EccSchemes.SharedPoint z = EccSchemes.ecdh(ephemeral, target.x(), target.y())
                .orElseThrow(() -> new IllegalArgumentException("target point not usable"));
        Secret seed = seed(nameAlg, z, label, ephemeral.xBytes(), target.xBytes());
        return new Encapsulated(seed, Bytes.wrap(Octets.concat(Octets.sized(ephemeral.xBytes()), Octets.sized(ephemeral.yBytes()))));
    }

    /**
     * ECC: recovers the seed from a marshalled TPMS_ECC_POINT (the TPM's side). Empty when the point is
     * malformed or not on the key's curve (the engine answers TPM_RC_ECC_POINT or TPM_RC_SIZE).
     */
    public static Optional<Secret> eccDecapsulate(int nameAlg, EccKey target, String label, byte[] encryptedSecret) {
        if (encryptedSecret.length < 2) return Optional.empty();
        int xl = Octets.u16(encryptedSecret, 0);
        if (encryptedSecret.length < 4 + xl) return Optional.empty();
        int yl = Octets.u16(encryptedSecret, 2 + xl);
        if (encryptedSecret.length != 4 + xl + yl) return Optional.empty();
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(encryptedSecret, 2, 2 + xl));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(encryptedSecret, 4 + xl, 4 + xl + yl));
        return EccSchemes.ecdh(target, x, y)
                .map(z -> seed(nameAlg, z, label, Octets.fixed(x, target.curve().fieldBytes()), target.xBytes()));
    }

    private static Secret seed(int nameAlg, EccSchemes.SharedPoint z, String label, byte[] partyU, byte[] partyV) {
        byte[] zx = z.x().toArray();
        byte[] s = Kdf.kdfe(nameAlg, zx, label, partyU, partyV, Hashes.digestSize(nameAlg) * 8);
        Arrays.fill(zx, (byte) 0);
        return Secret.of(s);
    }
}
