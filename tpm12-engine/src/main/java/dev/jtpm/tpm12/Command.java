package dev.jtpm.tpm12;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One command in flight: its header, a reader over the parameters, the output parameters, and the authorization
 * trailers as libtpms reads them. A handler reads its inputs, then calls {@link #checkState}, {@link #tag},
 * {@link #auth()} once per session and {@link #end()} in libtpms' order, then authorizes with {@link #authorize}.
 */
final class Command {
    // TPM_CheckState map bits (libtpms TPM_CHECK_*)
    static final int CHECK_NOT_SHUTDOWN = 0x01, CHECK_ENABLED = 0x02, CHECK_ACTIVATED = 0x04, CHECK_OWNER = 0x08,
            CHECK_NO_LOCKOUT = 0x10, CHECK_NV_NOAUTH = 0x20;
    static final int CHECK_ALLOW_NO_OWNER = CHECK_NOT_SHUTDOWN | CHECK_ENABLED | CHECK_ACTIVATED | CHECK_NO_LOCKOUT;
    static final int CHECK_ALL = CHECK_ALLOW_NO_OWNER | CHECK_OWNER;

    // entity types (Part 2, 4.9)
    static final int ET_KEYHANDLE = 1, ET_OWNER = 2, ET_DATA = 3, ET_SRK = 4, ET_KEY = 5, ET_REVOKE = 6, ET_COUNTER = 0x0A,
            ET_NV = 0x0B;

    final Tpm12Core core;
    final Tpm12State st;
    final int tag, ordinal, locality;
    final CommandReader in;
    final ResponseWriter out = new ResponseWriter();
    final ResponseWriter outHandles = new ResponseWriter();
    final List<Auth> auths = new ArrayList<>();
    int paramStart = 10;
    private int paramEnd = -1;
    boolean permanentChanged;

    /** One authorization trailer and what the check found. */
    static final class Auth {
        final int handle;
        final byte[] nonceOdd;
        boolean continueSession;
        final byte[] hmac;
        AuthSession session;
        byte[] key;
        boolean verified;

        Auth(int handle, byte[] nonceOdd, boolean continueSession, byte[] hmac) {
            this.handle = handle;
            this.nonceOdd = nonceOdd;
            this.continueSession = continueSession;
            this.hmac = hmac;
        }
    }

    Command(Tpm12Core core, Tpm12State st, int tag, int ordinal, int locality, CommandReader in) {
        this.core = core;
        this.st = st;
        this.tag = tag;
        this.ordinal = ordinal;
        this.locality = locality;
        this.in = in;
    }

    /** Handlers with handles call this after reading them: the inParamDigest starts here. */
    void paramsStartHere() { paramStart = in.position(); }

    /** libtpms' TPM_CheckState. */
    void checkState(int map) {
        if ((map & CHECK_NO_LOCKOUT) != 0 && tag != Ordinal.TAG_RQU_COMMAND && core.lockedOut()) {
            fail(Tpm12Rc.DEFEND_LOCK_RUNNING);
        }
        if ((map & CHECK_NOT_SHUTDOWN) != 0 && st.testState == Tpm12State.TEST_FAILURE) fail(Tpm12Rc.FAILEDSELFTEST);
        if (st.postInitialise) fail(Tpm12Rc.INVALID_POSTINIT);
        boolean nvNoAuth = (map & CHECK_NV_NOAUTH) != 0 && !st.pf[Tpm12State.PF_NV_LOCKED];
        if ((map & CHECK_ENABLED) != 0 && !nvNoAuth && st.pf[Tpm12State.PF_DISABLE]) fail(Tpm12Rc.DISABLED);
        if ((map & CHECK_ACTIVATED) != 0 && !nvNoAuth && st.sfDeactivated) fail(Tpm12Rc.DEACTIVATED);
        if ((map & CHECK_OWNER) != 0 && !st.ownerInstalled) fail(Tpm12Rc.NOSRK);
    }

    /** TPM_CheckRequestTag: the tags allowed, by the number of sessions (0, 1, 2). */
    void tag(int... sessions) {
        for (int n : sessions) if (tag == Ordinal.TAG_RQU_COMMAND + n) return;
        fail(Tpm12Rc.BADTAG);
    }

    /** The number of authorization sessions the tag announces. */
    int sessionCount() { return tag - Ordinal.TAG_RQU_COMMAND; }

    /** TPM_AuthParams_Get: one trailer (authHandle, nonceOdd, continueAuthSession, auth). */
    Auth auth() {
        if (paramEnd < 0) paramEnd = in.position();
        Auth a = new Auth(in.u32(), in.digest(), in.bool(), in.digest());
        auths.add(a);
        return a;
    }

    /** No octets may remain: TPM_BAD_PARAM_SIZE. */
    void end() {
        if (in.remaining() != 0) fail(Tpm12Rc.BAD_PARAM_SIZE);
        authsValid = true;
    }

    /** libtpms' authHandleValid: the trailers were read and nothing was left over; an error then ends their sessions. */
    boolean authsValid;

    /** SHA-1(ordinal || the input parameters), the inParamDigest of Part 1, 11.2. */
    byte[] inParamDigest() {
        int to = paramEnd < 0 ? in.position() : paramEnd;
        return Crypto12.sha1(u32(ordinal), in.slice(paramStart, to));
    }

    /**
     * TPM_AuthSessions_GetData + TPM_Authdata_Check for the trailer {@code a}: the session must exist
     * (TPM_INVALID_AUTHHANDLE) and be of the protocol asked (0: any; else TPM_BAD_MODE); an OSAP session must have
     * been set up with {@code entityAuth} (TPM_AUTHFAIL); then the HMAC with the OIAP key {@code entityAuth} or the
     * OSAP shared secret; a wrong one is {@code failRc} and counts for the dictionary-attack logic.
     */
    void authorize(Auth a, int protocolId, byte[] entityAuth, int failRc) {
        AuthSession s = st.sessions.get(a.handle);
        if (s == null) fail(Tpm12Rc.INVALID_AUTHHANDLE);
        a.session = s;
        if (protocolId != 0 && s.protocolId != protocolId) fail(Tpm12Rc.BAD_MODE);
        byte[] key;
        if (s.protocolId == AuthSession.PID_OIAP) {
            key = entityAuth;
        } else {
            if (!MessageDigest.isEqual(s.entityDigest, entityAuth)) fail(Tpm12Rc.AUTHFAIL);
            key = s.sharedSecret;
        }
        byte[] expect = Crypto12.hmac(key, inParamDigest(), s.nonceEven, a.nonceOdd, new byte[] {(byte) (a.continueSession ? 1 : 0)});
        if (!MessageDigest.isEqual(expect, a.hmac)) {
            core.authFailed();
            fail(failRc);
        }
        a.key = key;
        a.verified = true;
    }

    /** The session of a trailer, checked for existence only (for OSAP-derived secrets such as ADIP). */
    AuthSession session(Auth a) {
        AuthSession s = st.sessions.get(a.handle);
        if (s == null) fail(Tpm12Rc.INVALID_AUTHHANDLE);
        a.session = s;
        return s;
    }

    static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    static Tpm12Failure fail(int rc) { throw new Tpm12Failure(rc); }
}
