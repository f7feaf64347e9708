package dev.jtpm.crypto;

/**
 * XOR obfuscation (Part 1 §11.4.6.3): {@code data ⊕ KDFa(hashAlg, key, "XOR", contextU, contextV, 8·|data|)}.
 * It is its own inverse. The keyed-hash XOR scheme and sessions with TPM_ALG_XOR parameter
 * encryption (key = sessionKey || authValue, contexts = the two nonces) use it.
 */
public final class XorObfuscation {
    private XorObfuscation() {}

    /** Obfuscates or, applied again with the same inputs, restores {@code data}. */
    public static byte[] apply(int hashAlg, byte[] key, byte[] contextU, byte[] contextV, byte[] data) {
        if (data.length == 0) return new byte[0];
        byte[] mask = Kdf.kdfa(hashAlg, key, "XOR", contextU, contextV, data.length * 8);
        for (int i = 0; i < mask.length; i++) mask[i] ^= data[i];
        return mask;
    }
}
