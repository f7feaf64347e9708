package dev.jtpm.engine.session;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmSe;

/**
 * One authorization session (Part 1, 19.6; ms-tpm's SESSION): HMAC, policy or trial. Holds the session
 * key, the rolling nonces, the bound entity and, for policy sessions, the policy digest and the
 * assertions that the policy commands leave for authorization time (command code, cpHash / nameHash /
 * templateHash, locality, PCR update counter, authValue or password needed, physical presence,
 * NV-written state, expiration). For an audit session the policy digest is the session audit digest.
 */
public final class AuthSession {
    /** What a policy session's restricting hash ({@link #restrictHash()}) is (ms-tpm's union u1). */
    public enum RestrictKind { NONE, CP_HASH, NAME_HASH, TEMPLATE_HASH }

    private final int type;
    private final int authHash;
    private final Secret sessionKey;
    private final Bytes boundName;
    private Bytes nonceTpm;
    private Bytes nonceCaller;
    private Bytes policyDigest;
    private Secret boundAuth = Secret.EMPTY;
    private int symmetric = TpmAlg.NULL, symmetricKeyBits, symmetricHash;
    private boolean daBound, lockoutBound, salted;

    // policy assertions (reset by PolicyRestart and after each successful use)
    private int commandCode;
    private RestrictKind restrictKind = RestrictKind.NONE;
    private Bytes restrictHash = Bytes.EMPTY;
    private int commandLocality;
    private boolean pcrSelected;
    private int pcrCounter;
    private boolean authValueNeeded, passwordNeeded, ppRequired, checkNvWritten, nvWrittenState;
    /** TPM time (ms since _TPM_Init) when the policy started, and the expiration, 0 = none. */
    private long startTime, timeout;

    // audit
    private boolean audit;

    /**
     * @param type TPM_SE
     * @param authHash the session's hash
     * @param sessionKey KDFa-derived, or empty for an unbound, unsalted session
     * @param boundName the Name of the bind entity of an HMAC session, or null when unbound
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

    public boolean isTrial() { return type == TpmSe.TRIAL; }

    public int authHash() { return authHash; }

    public int digestSize() { return TpmAlg.digestSize(authHash); }

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

    /** isDaBound: the bind entity was DA-protected, so failures count and lockout applies whatever the entity. */
    public boolean daBound() { return daBound; }

    /** isLockoutBound: bound to lockoutAuth. */
    public boolean lockoutBound() { return lockoutBound; }

    public void bindAttributes(boolean daBound, boolean lockoutBound) {
        this.daBound = daBound;
        this.lockoutBound = lockoutBound;
    }

    /** The session was started with a salt (an encrypted secret). */
    public boolean salted() { return salted; }

    public void salted(boolean b) { salted = b; }

    public Bytes nonceTpm() { return nonceTpm; }

    public Bytes nonceCaller() { return nonceCaller; }

    public void nonceCaller(Bytes n) { nonceCaller = n; }

    public void nonceTpm(Bytes n) { nonceTpm = n; }

    /** policyDigest of a policy session; the session audit digest of an audit session. */
    public Bytes policyDigest() { return policyDigest; }

    public void policyDigest(Bytes d) { policyDigest = d; }

    // ---------------------------------------------------------------- policy assertions

    /** The command a policy is restricted to (PolicyCommandCode etc.), 0 for none. */
    public int commandCode() { return commandCode; }

    public void commandCode(int cc) { commandCode = cc; }

    /** What {@link #restrictHash()} holds: cpHash, nameHash or templateHash, or nothing. */
    public RestrictKind restrictKind() { return restrictKind; }

    /** The cpHash, nameHash or templateHash the policy requires (empty when none). */
    public Bytes restrictHash() { return restrictHash; }

    public void restrict(RestrictKind kind, Bytes hash) {
        restrictKind = kind;
        restrictHash = kind == RestrictKind.NONE ? Bytes.EMPTY : hash;
    }

    /** TPMA_LOCALITY the command must come from (0: any). */
    public int commandLocality() { return commandLocality; }

    public void commandLocality(int l) { commandLocality = l; }

    /** True once PolicyPCR ran: then the PCR update counter must still be {@link #pcrCounter()}. */
    public boolean pcrSelected() { return pcrSelected; }

    public int pcrCounter() { return pcrCounter; }

    public void pcrCounter(int counter) {
        pcrSelected = true;
        pcrCounter = counter;
    }

    /** PolicyAuthValue: the entity's authValue goes into the HMAC key. */
    public boolean authValueNeeded() { return authValueNeeded; }

    public void authValueNeeded(boolean b) { authValueNeeded = b; }

    /** PolicyPassword: the HMAC field carries the entity's authValue in the clear. */
    public boolean passwordNeeded() { return passwordNeeded; }

    public void passwordNeeded(boolean b) { passwordNeeded = b; }

    /** PolicyPhysicalPresence. */
    public boolean ppRequired() { return ppRequired; }

    public void ppRequired(boolean b) { ppRequired = b; }

    /** PolicyNvWritten: whether TPMA_NV_WRITTEN is checked, and the state it must have. */
    public boolean checkNvWritten() { return checkNvWritten; }

    public boolean nvWrittenState() { return nvWrittenState; }

    public void nvWritten(boolean check, boolean state) {
        checkNvWritten = check;
        nvWrittenState = state;
    }

    /** TPM time (ms since _TPM_Init) when the session (or its policy) started. */
    public long startTime() { return startTime; }

    public void startTime(long t) { startTime = t; }

    /** Expiration in TPM time (ms since _TPM_Init), 0 for none. */
    public long timeout() { return timeout; }

    public void timeout(long t) { timeout = t; }

    /** The session has been used for audit (its {@link #policyDigest()} is the audit digest). */
    public boolean audit() { return audit; }

    /** Makes this an audit session with a zero digest (first use, or auditReset). */
    public void startAudit() {
        audit = true;
        policyDigest = Bytes.zeros(digestSize());
    }

    /**
     * ms-tpm's SessionResetPolicyData and SessionSetStartTime: a fresh policy (PolicyRestart, and after a
     * policy session authorized a command and continues). Type, hash, key, nonces and bind attributes stay.
     */
    public void resetPolicy(long now) {
        commandCode = 0;
        commandLocality = 0;
        restrictKind = RestrictKind.NONE;
        restrictHash = Bytes.EMPTY;
        timeout = 0;
        pcrSelected = false;
        pcrCounter = 0;
        policyDigest = Bytes.zeros(digestSize());
        authValueNeeded = passwordNeeded = ppRequired = checkNvWritten = nvWrittenState = false;
        startTime = now;
    }

    /** The saved form of the policy assertions and flags (for {@link SessionContext}). */
    record Assertions(int commandCode, int restrictKind, Bytes restrictHash, int commandLocality, boolean pcrSelected,
                      int pcrCounter, boolean authValueNeeded, boolean passwordNeeded, boolean ppRequired,
                      boolean checkNvWritten, boolean nvWrittenState, long startTime, long timeout, boolean audit,
                      boolean daBound, boolean lockoutBound, boolean salted) {}

    Assertions assertions() {
        return new Assertions(commandCode, restrictKind.ordinal(), restrictHash, commandLocality, pcrSelected, pcrCounter,
                authValueNeeded, passwordNeeded, ppRequired, checkNvWritten, nvWrittenState, startTime, timeout, audit,
                daBound, lockoutBound, salted);
    }

    void assertions(Assertions a) {
        commandCode = a.commandCode();
        RestrictKind[] kinds = RestrictKind.values();
        restrictKind = a.restrictKind() >= 0 && a.restrictKind() < kinds.length ? kinds[a.restrictKind()] : RestrictKind.NONE;
        restrictHash = a.restrictHash();
        commandLocality = a.commandLocality();
        pcrSelected = a.pcrSelected();
        pcrCounter = a.pcrCounter();
        authValueNeeded = a.authValueNeeded();
        passwordNeeded = a.passwordNeeded();
        ppRequired = a.ppRequired();
        checkNvWritten = a.checkNvWritten();
        nvWrittenState = a.nvWrittenState();
        startTime = a.startTime();
        timeout = a.timeout();
        audit = a.audit();
        daBound = a.daBound();
        lockoutBound = a.lockoutBound();
        salted = a.salted();
    }
}
