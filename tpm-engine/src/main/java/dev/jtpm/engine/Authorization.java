package dev.jtpm.engine;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthValues;
import dev.jtpm.engine.session.DictionaryAttack;
import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.session.ParameterEncryption;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.codec.Wire;
import dev.jtpm.types.command.CommandTable;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;

/**
 * The handle and authorization stages of the pipeline (Part 1, 19; Part 3, 5.4–5.6): handle
 * existence, the authorization area, password (TPM_RS_PW) and HMAC-session authorization with
 * cpHash, and the response sessions with rpHash and fresh nonces. Policy sessions authorize only
 * when their digest equals the entity's authPolicy.
 */
final class Authorization {
    private Authorization() {}

    /** MAX_SESSION_NUMBER. */
    static final int MAX_SESSIONS = 3;
    private static final int MAX_NONCE = 64, MIN_NONCE = 16;

    /** One entry of the command's authorization area. */
    record Session(int handle, Bytes nonce, int attributes, Bytes hmac) {}

    /** The sessions of a command after their checks: what the response needs. */
    static final class Checked {
        final List<Session> sessions;
        /** Per session: the HMAC/policy session, or null for a password session. */
        final List<AuthSession> authSessions = new ArrayList<>();
        /** Per session: the authorized entity (null for an encryption-only session), and whether its authValue is part of the HMAC key. */
        final List<Integer> entities = new ArrayList<>();
        final List<Boolean> includeAuth = new ArrayList<>();
        /** The sessions that decrypt the first command parameter and encrypt the first response parameter, or -1. */
        int decryptIndex = -1, encryptIndex = -1;

        Checked(List<Session> sessions) { this.sessions = sessions; }

        static final Checked NONE = new Checked(List.of());
    }

    /**
     * Handle existence (Part 3, 5.4), after the codec checked the handle types: an unknown
     * permanent handle gives TPM_RC_VALUE, an empty object slot TPM_RC_REFERENCE_H0+n, anything
     * else that does not exist TPM_RC_HANDLE, with the handle index.
     */
    static void checkHandleExists(TpmState s, int handle, int index) {
        switch (TpmHt.of(handle)) {
            case TpmHt.PCR -> {
                if (handle >= PcrAttributes.COUNT) throw new TpmFailure(TpmRc.VALUE.atHandle(index));
            }
            case TpmHt.PERMANENT -> {
                switch (handle) {
                    case TpmRh.OWNER -> { if (!s.stateClear.shEnable()) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(index)); }
                    case TpmRh.ENDORSEMENT -> { if (!s.stateClear.ehEnable()) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(index)); }
                    case TpmRh.PLATFORM -> { if (!s.phEnable) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(index)); }
                    case TpmRh.LOCKOUT, TpmRh.NULL -> { }
                    default -> throw new TpmFailure(TpmRc.VALUE.atHandle(index));
                }
            }
            case TpmHt.HMAC_SESSION, TpmHt.POLICY_SESSION -> {
                if (s.sessions.get(handle) == null) throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
            }
            case TpmHt.TRANSIENT -> {
                // libtpms: an object slot that holds nothing is TPM_RC_REFERENCE_H0 + (index - 1)
                if (s.objects.get(handle) == null) throw new TpmFailure(new TpmRc(TpmRc.REFERENCE_H0.value() + index - 1));
            }
            case TpmHt.PERSISTENT -> {
                if (s.objects.get(handle) == null) throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
            }
            default -> throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
        }
    }

    /** Parses the authorization area (authorizationSize, then sessions). */
    static List<Session> parse(TpmReader body) {
        if (body.remaining() < 4) throw new TpmFailure(TpmRc.AUTHSIZE);
        int authSize = body.u32();
        // the smallest session is 9 bytes; the area must fit in what is left
        if (authSize < 9 || authSize > body.remaining()) throw new TpmFailure(TpmRc.AUTHSIZE);
        TpmReader area = body.slice(authSize);
        List<Session> sessions = new ArrayList<>();
        while (area.remaining() > 0) {
            if (sessions.size() == MAX_SESSIONS) throw new TpmFailure(TpmRc.AUTHSIZE);
            int n = sessions.size() + 1;
            Session session;
            try {
                int handle = area.u32();
                Bytes nonce = area.bytes(area.u16());
                int attrs = area.u8();
                Bytes hmac = area.bytes(area.u16());
                session = new Session(handle, nonce, attrs, hmac);
            } catch (TpmFailure e) {
                throw new TpmFailure(TpmRc.AUTHSIZE);
            }
            if (session.nonce().size() > MAX_NONCE) throw new TpmFailure(TpmRc.SIZE.atSession(n));
            sessions.add(session);
        }
        return sessions;
    }

    /**
     * Checks every session against the command's authorization roles. {@code params} are the
     * parameter bytes as received (what cpHash covers).
     */
    static Checked authorize(TpmState s, CommandTable.Entry entry, int[] handles, List<Session> sessions, byte[] params) {
        List<Integer> authHandles = new ArrayList<>();
        List<Wire.Auth> authRoles = new ArrayList<>();
        for (int i = 0; i < handles.length; i++) {
            if (entry.authRoles().get(i) != Wire.Auth.NONE) {
                authHandles.add(handles[i]);
                authRoles.add(entry.authRoles().get(i));
            }
        }
        if (sessions.size() < authHandles.size()) throw new TpmFailure(TpmRc.AUTH_MISSING);
        Checked checked = new Checked(sessions);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session session = sessions.get(i);
            int n = i + 1;
            boolean forAuth = i < authHandles.size();
            if (session.handle() == TpmRh.RS_PW) {
                if (!forAuth) throw new TpmFailure(TpmRc.AUTH_CONTEXT);
                if (!session.nonce().isEmpty()) throw new TpmFailure(TpmRc.NONCE.atSession(n));
                if ((session.attributes() & ~TpmSe.CONTINUE_SESSION) != 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                int entity = authHandles.get(i);
                DictionaryAttack.checkNotLockedOut(s, entity, false);
                checkAuthValueAvailable(s, entity, authRoles.get(i));
                Secret expected = AuthValues.of(s, entity).trimTrailingZeros();
                Secret presented = Secret.of(session.hmac()).trimTrailingZeros();
                if (!expected.equals(presented)) {
                    throw new TpmFailure(DictionaryAttack.registerFailure(s, entity, false).atSession(n));
                }
                checked.authSessions.add(null);
                checked.entities.add(entity);
                checked.includeAuth.add(false);
                continue;
            }
            int ht = TpmHt.of(session.handle());
            if (ht != TpmHt.HMAC_SESSION && ht != TpmHt.POLICY_SESSION) throw new TpmFailure(TpmRc.HANDLE.atSession(n));
            AuthSession as = s.sessions.get(session.handle());
            if (as == null) throw new TpmFailure(new TpmRc(TpmRc.REFERENCE_S0.value() + i));
            if (!seen.add(session.handle())) throw new TpmFailure(TpmRc.HANDLE.atSession(n));
            int attrs = session.attributes();
            if ((attrs & (TpmSe.AUDIT | TpmSe.AUDIT_EXCLUSIVE | TpmSe.AUDIT_RESET)) != 0) {
                throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));        // audit sessions are not implemented
            }
            if ((attrs & (TpmSe.DECRYPT | TpmSe.ENCRYPT)) != 0 && as.symmetric() == TpmAlg.NULL) {
                throw new TpmFailure(TpmRc.SYMMETRIC.atSession(n));
            }
            if ((attrs & TpmSe.DECRYPT) != 0) {
                if (!entry.decrypt() || checked.decryptIndex >= 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                checked.decryptIndex = i;
            }
            if ((attrs & TpmSe.ENCRYPT) != 0) {
                if (!entry.encrypt() || checked.encryptIndex >= 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                checked.encryptIndex = i;
            }
            if (!forAuth && (attrs & (TpmSe.DECRYPT | TpmSe.ENCRYPT)) == 0) {
                throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));        // neither auth, audit nor encryption
            }
            if (session.nonce().size() < MIN_NONCE) throw new TpmFailure(TpmRc.SIZE.atSession(n));
            checked.authSessions.add(as);
            checked.entities.add(forAuth ? authHandles.get(i) : null);
            checked.includeAuth.add(false);
        }
        // second pass, now that the encryption sessions are known: the HMACs
        for (int i = 0; i < sessions.size(); i++) {
            AuthSession as = checked.authSessions.get(i);
            if (as == null) continue;
            Session session = sessions.get(i);
            int n = i + 1;
            Integer entity = checked.entities.get(i);
            boolean lockoutBound = Names.of(s, TpmRh.LOCKOUT).equals(as.boundName());
            byte[] authValue = new byte[0];
            boolean includeAuth = false;
            if (entity != null) {
                DictionaryAttack.checkNotLockedOut(s, entity, lockoutBound);
                Secret value = AuthValues.of(s, entity).trimTrailingZeros();
                if (as.isPolicy()) {
                    if (as.type() == TpmSe.TRIAL) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                    Bytes policy = AuthValues.policyOf(s, entity);
                    if (policy.isEmpty() || AuthValues.policyAlgOf(s, entity) != as.authHash()
                            || !MessageDigest.isEqual(policy.unsafeArray(), as.policyDigest().unsafeArray())) {
                        throw new TpmFailure(TpmRc.POLICY_FAIL.atSession(n));
                    }
                } else {
                    checkAuthValueAvailable(s, entity, authRoles.get(i));
                    includeAuth = !as.isBoundTo(Names.of(s, entity), value);
                    if (includeAuth) authValue = value.toArray();
                }
            }
            checked.includeAuth.set(i, includeAuth);
            Mac mac = Hashes.hmac(as.authHash(), concat(as.sessionKey().toArray(), authValue));
            mac.update(cpHash(as.authHash(), entry.commandCode(), s, handles, params).unsafeArray());
            mac.update(session.nonce().unsafeArray());
            mac.update(as.nonceTpm().unsafeArray());
            if (i == 0) {
                // the first session also covers the nonces of other sessions used for encryption (Part 1, 19.6.5)
                if (checked.decryptIndex > 0) mac.update(checked.authSessions.get(checked.decryptIndex).nonceTpm().unsafeArray());
                if (checked.encryptIndex > 0 && checked.encryptIndex != checked.decryptIndex) {
                    mac.update(checked.authSessions.get(checked.encryptIndex).nonceTpm().unsafeArray());
                }
            }
            mac.update((byte) session.attributes());
            byte[] expected = mac.doFinal();
            if (!as.isPolicy() || !session.hmac().isEmpty()) {
                if (!MessageDigest.isEqual(expected, session.hmac().unsafeArray())) {
                    TpmRc rc = entity == null ? TpmRc.BAD_AUTH : DictionaryAttack.registerFailure(s, entity, lockoutBound);
                    throw new TpmFailure(rc.atSession(n));
                }
            }
        }
        // all checks passed: the callers' nonces become the sessions' nonceCaller
        for (int i = 0; i < sessions.size(); i++) {
            AuthSession as = checked.authSessions.get(i);
            if (as != null) as.nonceCaller(sessions.get(i).nonce());
        }
        return checked;
    }

    /**
     * Whether a password or HMAC session may authorize this entity in this role (ms-tpm
     * IsAuthValueAvailable; Part 1, 19.7.2): for a loaded object only if its sensitive area is loaded
     * and userWithAuth is SET, or the role is ADMIN and adminWithPolicy is CLEAR. Otherwise
     * TPM_RC_AUTH_UNAVAILABLE (a format-zero code, no index): the object needs a policy session.
     */
    private static void checkAuthValueAvailable(TpmState s, int entity, Wire.Auth role) {
        if (!(s.objects.get(entity) instanceof TpmObject o)) return;      // transient or persistent objects only
        boolean available = !o.publicOnly()
                && (o.attributes().userWithAuth() || role == Wire.Auth.ADMIN && !o.attributes().adminWithPolicy());
        if (!available) throw new TpmFailure(TpmRc.AUTH_UNAVAILABLE);
    }

    /** cpHash = H(commandCode || Name of each handle || parameters) (Part 1, 18.7). */
    private static Bytes cpHash(int hashAlg, int cc, TpmState s, int[] handles, byte[] params) {
        MessageDigest md = Hashes.digest(hashAlg);
        md.update(be32(cc));
        for (int h : handles) md.update(Names.of(s, h).unsafeArray());
        md.update(params);
        return Bytes.wrap(md.digest());
    }

    /** The key material parameter encryption adds to the session key: the associated entity's authValue (HMAC sessions). */
    private static byte[] extraKey(TpmState s, Checked checked, int i) {
        Integer entity = checked.entities.get(i);
        AuthSession as = checked.authSessions.get(i);
        if (entity == null || as.isPolicy()) return new byte[0];
        return AuthValues.of(s, entity).trimTrailingZeros().toArray();
    }

    /** Decrypts the first command parameter in place when a session has the decrypt attribute. */
    static void decryptParameters(TpmState s, Checked checked, byte[] params) {
        int i = checked.decryptIndex;
        if (i < 0) return;
        ParameterEncryption.decryptCommand(checked.authSessions.get(i), extraKey(s, checked, i), params, i + 1);
    }

    /**
     * Gives every HMAC and policy session a fresh nonceTPM and then, if a session has the encrypt
     * attribute, encrypts the first response parameter in place with it.
     */
    static void prepareResponse(TpmState s, Checked checked, byte[] responseParams) {
        for (AuthSession as : checked.authSessions) {
            if (as != null) as.nonceTpm(s.random(TpmAlg.digestSize(as.authHash())));
        }
        int i = checked.encryptIndex;
        if (i >= 0) ParameterEncryption.encryptResponse(checked.authSessions.get(i), extraKey(s, checked, i), responseParams);
    }

    /**
     * Writes the response authorization area: for password sessions an empty nonce and HMAC; for
     * HMAC and policy sessions the new nonceTPM and the response HMAC over rpHash (of the
     * parameters as sent, so after encryption). Sessions without continueSession are flushed.
     */
    static void writeResponseSessions(TpmState s, TpmWriter w, Checked checked, int cc, byte[] responseParams) {
        for (int i = 0; i < checked.sessions.size(); i++) {
            Session session = checked.sessions.get(i);
            AuthSession as = checked.authSessions.get(i);
            int attrs = session.attributes();
            if (as == null) {
                w.u16(0).u8(attrs).u16(0);
                continue;
            }
            MessageDigest md = Hashes.digest(as.authHash());
            md.update(be32(0));
            md.update(be32(cc));
            md.update(responseParams);
            byte[] rpHash = md.digest();
            // the key is taken now: a command that changed the entity's authValue answers with the new one
            byte[] authValue = checked.includeAuth.get(i)
                    ? AuthValues.of(s, checked.entities.get(i)).trimTrailingZeros().toArray() : new byte[0];
            Mac mac = Hashes.hmac(as.authHash(), concat(as.sessionKey().toArray(), authValue));
            mac.update(rpHash);
            mac.update(as.nonceTpm().unsafeArray());
            mac.update(as.nonceCaller().unsafeArray());
            mac.update((byte) attrs);
            byte[] hmac = as.isPolicy() && session.hmac().isEmpty() ? new byte[0] : mac.doFinal();
            w.sized(as.nonceTpm()).u8(attrs).sized(Bytes.wrap(hmac));
            if ((attrs & TpmSe.CONTINUE_SESSION) == 0) s.sessions.remove(session.handle());
        }
    }

    private static byte[] be32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
