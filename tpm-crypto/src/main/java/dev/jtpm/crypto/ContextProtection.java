package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Protection of saved contexts (Part 1, "Context Management": Context Protection, §30.3 in rev 1.59;
 * Part 3 TPM2_ContextSave/ContextLoad), as ms-tpm-20-ref computes it:
 * <pre>
 *   symKey || iv = KDFa(hashAlg, proof, "CONTEXT", sequence[64], savedHandle[32], symKeyBits + 8·blockSize)
 *   encContext   = CFB(symAlg, symKey, iv, size(context)[16] || context)
 *   integrity    = HMAC_hashAlg(proof, resetBinding || sequence[64] || savedHandle[32] || encContext)
 *   TPMS_CONTEXT.contextBlob = size(integrity)[16] || integrity || encContext
 * </pre>
 * {@code proof} is the hierarchy's proof value (the null hierarchy's changes at every TPM Reset, so
 * its contexts stop loading). {@code resetBinding} is what else must not have changed: ms-tpm puts
 * the 32-bit totalResetCount there, followed by the 32-bit clearCount for objects with stClear set.
 */
public final class ContextProtection {
    private ContextProtection() {}

    /**
     * Protects a context.
     *
     * @param hashAlg the TPM's context integrity hash
     * @param symAlg the TPM's context cipher (TPM_ALG_AES)
     * @param symKeyBits its key size
     * @param proof the hierarchy proof
     * @param sequence the context's sequence number
     * @param savedHandle the TPMS_CONTEXT.savedHandle
     * @param resetBinding totalResetCount (and clearCount), marshalled
     * @param context the marshalled context data
     */
    public static Bytes protect(int hashAlg, int symAlg, int symKeyBits, Secret proof, long sequence, int savedHandle,
                                byte[] resetBinding, Secret context) {
        byte[][] keyIv = keyAndIv(hashAlg, symAlg, symKeyBits, proof, sequence, savedHandle);
        byte[] plain = Octets.sized(context.toArray());
        byte[] enc = Symmetric.encrypt(symAlg, keyIv[0], dev.jtpm.types.TpmAlg.CFB, keyIv[1], plain).data().unsafeArray();
        Arrays.fill(plain, (byte) 0);
        byte[] mac = integrity(hashAlg, proof, sequence, savedHandle, resetBinding, enc);
        return Bytes.wrap(Octets.concat(Octets.sized(mac), enc));
    }

    /** Checks the HMAC (constant time), then decrypts; the same parameters as {@link #protect}. */
    public static Unwrapped unprotect(int hashAlg, int symAlg, int symKeyBits, Secret proof, long sequence, int savedHandle,
                                      byte[] resetBinding, byte[] contextBlob) {
        int digestSize = Hashes.digestSize(hashAlg);
        if (contextBlob.length < 2 + digestSize || Octets.u16(contextBlob, 0) != digestSize) {
            return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        }
        byte[] mac = Arrays.copyOfRange(contextBlob, 2, 2 + digestSize);
        byte[] enc = Arrays.copyOfRange(contextBlob, 2 + digestSize, contextBlob.length);
        if (!MessageDigest.isEqual(mac, integrity(hashAlg, proof, sequence, savedHandle, resetBinding, enc))) {
            return new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        }
        byte[][] keyIv = keyAndIv(hashAlg, symAlg, symKeyBits, proof, sequence, savedHandle);
        byte[] plain = Symmetric.decrypt(symAlg, keyIv[0], dev.jtpm.types.TpmAlg.CFB, keyIv[1], enc).data().unsafeArray();
        return SensitiveProtection.unsized(plain);
    }

    private static byte[][] keyAndIv(int hashAlg, int symAlg, int symKeyBits, Secret proof, long sequence, int handle) {
        int ivBytes = Symmetric.blockSize(symAlg);
        byte[] k = Kdf.kdfa(hashAlg, proof.toArray(), "CONTEXT", Octets.u64(sequence), Octets.u32(handle),
                symKeyBits + ivBytes * 8);
        int keyBytes = symKeyBits / 8;
        return new byte[][] {Arrays.copyOf(k, keyBytes), Arrays.copyOfRange(k, keyBytes, keyBytes + ivBytes)};
    }

    private static byte[] integrity(int hashAlg, Secret proof, long sequence, int handle, byte[] resetBinding, byte[] enc) {
        return Hashes.hmac(hashAlg, proof.toArray(), resetBinding, Octets.u64(sequence), Octets.u32(handle), enc);
    }

}
