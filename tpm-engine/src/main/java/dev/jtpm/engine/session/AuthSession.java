package dev.jtpm.engine.session;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmSe;

/**
 * One authorization session (Part 1, 19.6): HMAC, policy or trial. Holds the session key, the
 * rolling nonces, the bound entity and, for policy sessions, the policy digest.
 */
public final class AuthSession {
    private final int type;
    private final int authHash;
    private final Secret sessionKey;
    private final Bytes boundName;
    private Bytes nonceTpm;
    private Bytes nonceCaller;
    private Bytes policyDigest;
    private Secret boundAuth = Secret.EMPTY;
    private int symmetric = TpmAlg.NULL, symmetricKeyBits, symmetricHash;

    /**
     * @param type TPM_SE
     * @param authHash the session's hash
     * @param sessionKey KDFa-derived, or empty for an unbound, unsalted session
     * @param boundName the Name of the bind entity, or null when unbound
     * @param nonceTpm the first nonceTPM
     * @param nonceCaller the caller's first nonce
     */
    public AuthSession(int type, int authHash, Secret sessionKey, Bytes boundName, Bytes nonceTpm, Bytes nonceCaller) {
        this.type = type;
        this.authHash = authHash;
        this.sessionKey = sessionKey;
        this.boundName = boundName;
        this.nonceTpm = nonceTpm;
        this.nonceCaller = nonceCaller;
        this.policyDigest = Bytes.zeros(TpmAlg.digestSize(authHash));
    }

    public int type() { return type; }

    public boolean isPolicy() { return type == TpmSe.POLICY || type == TpmSe.TRIAL; }

    public int authHash() { return authHash; }

    public Secret sessionKey() { return sessionKey; }

    /** The Name of the bind entity, or null. */
    public Bytes boundName() { return boundName; }

    /** The parameter-encryption algorithm: a block cipher (AES, Camellia, TDES; always CFB), TPM_ALG_XOR or TPM_ALG_NULL. */
    public int symmetric() { return symmetric; }

    /** The block cipher's key size in bits. */
    public int symmetricKeyBits() { return symmetricKeyBits; }

    /** The hash of XOR obfuscation. */
    public int symmetricHash() { return symmetricHash; }

    /** Sets the parameter-encryption algorithm: {@code keyBitsOrHash} is the block cipher's key size or XOR's hash. */
    public void symmetric(int alg, int keyBitsOrHash) {
        symmetric = alg;
        symmetricKeyBits = alg == TpmAlg.XOR ? 0 : keyBitsOrHash;
        symmetricHash = alg == TpmAlg.XOR ? keyBitsOrHash : 0;
    }

    /** The bind entity's authValue when the session started (a changed authValue ends the binding). */
    public Secret boundAuth() { return boundAuth; }

    public void boundAuth(Secret a) { boundAuth = a; }

    /** True when this session is bound to the entity with that Name and (still) that authValue. */
    public boolean isBoundTo(Bytes name, Secret authValue) {
        return boundName != null && boundName.equals(name) && boundAuth.equals(authValue);
    }

    public Bytes nonceTpm() { return nonceTpm; }

    public Bytes nonceCaller() { return nonceCaller; }

    public void nonceCaller(Bytes n) { nonceCaller = n; }

    public void nonceTpm(Bytes n) { nonceTpm = n; }

    public Bytes policyDigest() { return policyDigest; }

    public void policyDigest(Bytes d) { policyDigest = d; }
}
