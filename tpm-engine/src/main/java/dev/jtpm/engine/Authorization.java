package dev.jtpm.engine;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthValues;
import dev.jtpm.engine.session.DictionaryAttack;
import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.session.ParameterEncryption;
import dev.jtpm.engine.session.PhysicalPresence;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.NvIndices;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.codec.Wire;
import dev.jtpm.types.command.CommandTable;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;

/**
 * The handle and authorization stages of the pipeline (Part 1, 19; Part 3, 5.4–5.6), in the shape of
 * ms-tpm's SessionProcess.c: handle existence; the authorization area (RetrieveSessionData: attributes,
 * encryption and audit roles); each session checked against its entity (ParseSessionBuffer and
 * CheckAuthSession: lockout, policy-session requirements, authValue or authPolicy availability, the policy
 * assertions of CheckPolicyAuthSession, password or HMAC over cpHash); and the response area
 * (BuildResponseSession: fresh nonces, encryption of the first response parameter, audit digests, HMACs over
 * rpHash; the password session answers continueSession SET; sessions without continueSession are flushed
 * and policy sessions that continue start a fresh policy). Nothing here changes a session unless the
 * command succeeds.
 */
final class Authorization {
    private Authorization() {}

    /** MAX_SESSION_NUMBER. */
    static final int MAX_SESSIONS = 3;
    /** The largest TPM2B_NONCE; no smallest: ms-tpm checks none (tpm2-tss sends an empty nonceCaller with PolicyPassword). */
    private static final int MAX_NONCE = 64;
    /** ms-tpm's TPM_RH_UNASSIGNED for the exclusive audit session. */
    static final int UNASSIGNED = TpmRh.UNASSIGNED;

    /** One entry of the command's authorization area. */
    record Session(int handle, Bytes nonce, int attributes, Bytes hmac) {}

    /** The sessions of a command after their checks: what the response needs. */
    static final class Checked {
        final List<Session> sessions;
        /** Per session: the HMAC/policy session, or null for a password session. */
        final List<AuthSession> authSessions = new ArrayList<>();
        /** Per session: the authorized entity (null for a session used only for encryption or audit). */
        final List<Integer> entities = new ArrayList<>();
        /** Per session: ms-tpm's includeAuth (the entity's authValue is part of the HMAC and encryption keys). */
        final List<Boolean> includeAuth = new ArrayList<>();
        /** Per session: the entity's authValue when the command was authorized (for an entity the command removes). */
        final List<Secret> authAtCommand = new ArrayList<>();
        /** Per session: the attributes to answer with (auditExclusive is the TPM's to set). */
        final int[] responseAttributes;
        /** The sessions that decrypt the first command parameter, encrypt the first response parameter, audit; or -1. */
        int decryptIndex = -1, encryptIndex = -1, auditIndex = -1;

        Checked(List<Session> sessions) {
            this.sessions = sessions;
            this.responseAttributes = new int[sessions.size()];
        }

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
                // libtpms: a session that is not loaded is TPM_RC_REFERENCE_H0 + (index - 1), as an empty object slot
                if (s.sessions.get(handle) == null) throw new TpmFailure(new TpmRc(TpmRc.REFERENCE_H0.value() + index - 1));
            }
            case TpmHt.TRANSIENT -> {
                // libtpms: an object slot that holds nothing is TPM_RC_REFERENCE_H0 + (index - 1)
                if (s.objects.get(handle) == null) throw new TpmFailure(new TpmRc(TpmRc.REFERENCE_H0.value() + index - 1));
            }
            case TpmHt.PERSISTENT -> {
                if (s.objects.get(handle) == null) throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
            }
            case TpmHt.NV_INDEX -> {
                // ms-tpm NvIndexIsAccessible: defined, and its hierarchy (shEnable / phEnableNV) enabled
                if (!NvIndices.isAccessible(s, handle)) throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
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
     * Checks every session against the command's authorization roles. {@code params} are the parameter
     * bytes as received (what cpHash covers); {@code locality} is the command's.
     */
    static Checked authorize(TpmState s, CommandTable.Entry entry, int[] handles, List<Session> sessions, byte[] params,
                             int locality) {
        List<Integer> authHandles = new ArrayList<>();
        List<Wire.Auth> authRoles = new ArrayList<>();
        for (int i = 0; i < handles.length; i++) {
            if (entry.authRoles().get(i) != Wire.Auth.NONE) {
                authHandles.add(handles[i]);
                authRoles.add(entry.authRoles().get(i));
            }
        }
        Checked checked = new Checked(sessions);
        // RetrieveSessionData: what each session is, and which ones encrypt, decrypt and audit
        for (int i = 0; i < sessions.size(); i++) {
            Session session = sessions.get(i);
            int n = i + 1;
            int attrs = session.attributes();
            checked.responseAttributes[i] = attrs;
            if (session.handle() == TpmRh.RS_PW) {
                if ((attrs & ~TpmSe.CONTINUE_SESSION) != 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                if (!session.nonce().isEmpty()) throw new TpmFailure(TpmRc.NONCE.atSession(n));
                checked.authSessions.add(null);
                continue;
            }
            int ht = TpmHt.of(session.handle());
            if (ht != TpmHt.HMAC_SESSION && ht != TpmHt.POLICY_SESSION) throw new TpmFailure(TpmRc.HANDLE.atSession(n));
            AuthSession as = s.sessions.get(session.handle());
            if (as == null) throw new TpmFailure(new TpmRc(TpmRc.REFERENCE_S0.value() + i));
            for (int j = 0; j < i; j++) {
                if (sessions.get(j).handle() == session.handle()) throw new TpmFailure(TpmRc.HANDLE.atSession(n));
            }
            if ((attrs & TpmSe.DECRYPT) != 0) {
                if (!entry.decrypt() || checked.decryptIndex >= 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                if (as.symmetric() == TpmAlg.NULL) throw new TpmFailure(TpmRc.SYMMETRIC.atSession(n));
                checked.decryptIndex = i;
            }
            if ((attrs & TpmSe.ENCRYPT) != 0) {
                if (!entry.encrypt() || checked.encryptIndex >= 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                if (as.symmetric() == TpmAlg.NULL) throw new TpmFailure(TpmRc.SYMMETRIC.atSession(n));
                checked.encryptIndex = i;
            }
            if ((attrs & TpmSe.AUDIT) != 0) {
                if (checked.auditIndex >= 0 || as.isPolicy()) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
                if ((attrs & TpmSe.AUDIT_RESET) == 0 && as.audit() && (attrs & TpmSe.AUDIT_EXCLUSIVE) != 0
                        && s.exclusiveAuditSession != session.handle()) {
                    throw new TpmFailure(TpmRc.EXCLUSIVE);
                }
                checked.auditIndex = i;
            } else if ((attrs & (TpmSe.AUDIT_EXCLUSIVE | TpmSe.AUDIT_RESET)) != 0) {
                throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));   // Part 1, 19.6.9: only with audit
            }
            checked.authSessions.add(as);
        }
        if (sessions.size() < authHandles.size()) throw new TpmFailure(TpmRc.AUTH_MISSING);

        // ParseSessionBuffer: each session in order, against its entity
        Bytes[] cpHashes = new Bytes[0x100];
        for (int i = 0; i < sessions.size(); i++) {
            Session session = sessions.get(i);
            AuthSession as = checked.authSessions.get(i);
            int n = i + 1;
            Integer entity = i < authHandles.size() ? authHandles.get(i) : null;
            checked.entities.add(entity);
            checked.authAtCommand.add(entity == null ? Secret.EMPTY : AuthValues.of(s, entity).trimTrailingZeros());
            try {
                if (as == null) {
                    if (entity == null) throw new TpmFailure(TpmRc.AUTH_CONTEXT);
                    checked.includeAuth.add(false);
                } else {
                    if (as.isTrial()) throw new TpmFailure(TpmRc.ATTRIBUTES);
                    if (as.daBound()) DictionaryAttack.checkLockedOut(s, as.lockoutBound());
                    boolean includeAuth;
                    if (entity == null) {
                        // a session that authorizes nothing must encrypt, decrypt or audit (ms-tpm ParseSessionBuffer)
                        if ((session.attributes() & (TpmSe.AUDIT | TpmSe.ENCRYPT | TpmSe.DECRYPT)) == 0) {
                            throw new TpmFailure(TpmRc.ATTRIBUTES);
                        }
                        includeAuth = false;     // encryption or audit only
                    } else if (as.isPolicy()) {
                        includeAuth = as.authValueNeeded() || as.passwordNeeded();
                    } else {
                        includeAuth = !as.isBoundTo(Names.of(s, entity), AuthValues.of(s, entity).trimTrailingZeros());
                    }
                    checked.includeAuth.add(includeAuth);
                }
                if (entity != null) {
                    checkAuthSession(s, entry, handles, params, locality, checked, i, entity, authRoles.get(i), cpHashes);
                } else {
                    checkSessionHmac(s, entry, handles, params, checked, i, cpHashes);
                }
            } catch (TpmFailure f) {
                throw new TpmFailure(f.rc().atSession(n));
            }
        }
        // all checks passed: the callers' nonces become the sessions' nonceCaller
        for (int i = 0; i < sessions.size(); i++) {
            AuthSession as = checked.authSessions.get(i);
            if (as != null) as.nonceCaller(sessions.get(i).nonce());
        }
        return checked;
    }

    /** ms-tpm's CheckAuthSession: one session that authorizes {@code entity} in {@code role}. */
    private static void checkAuthSession(TpmState s, CommandTable.Entry entry, int[] handles, byte[] params, int locality,
                                         Checked checked, int i, int entity, Wire.Auth role, Bytes[] cpHashes) {
        // physical presence first: without it nothing else is worth checking
        if (entity == TpmRh.PLATFORM && PhysicalPresence.isRequired(s, entry.commandCode()) && !PhysicalPresence.isAsserted(s)) {
            throw new TpmFailure(TpmRc.PP);
        }
        AuthSession as = checked.authSessions.get(i);
        boolean authUsed = as == null || checked.includeAuth.get(i);
        if (authUsed && !DictionaryAttack.isExempt(s, entity)) DictionaryAttack.checkLockedOut(s, entity == TpmRh.LOCKOUT);
        int cc = entry.commandCode();
        if (as == null || !as.isPolicy()) {
            if (isPolicySessionRequired(s, entity, role)) throw new TpmFailure(TpmRc.AUTH_TYPE);
            if (!isAuthValueAvailable(s, entity, role, cc)) throw new TpmFailure(TpmRc.AUTH_UNAVAILABLE);
        } else {
            if (!isAuthPolicyAvailable(s, entity, role, cc)) throw new TpmFailure(TpmRc.AUTH_UNAVAILABLE);
            checkPolicySession(s, entry, handles, params, locality, as, entity, role);
        }
        TpmFailure failure = null;
        try {
            if (as == null || as.passwordNeeded()) {
                Secret expected = AuthValues.of(s, entity).trimTrailingZeros();
                Secret presented = Secret.of(checked.sessions.get(i).hmac()).trimTrailingZeros();
                if (!expected.equals(presented)) throw new TpmFailure(incrementLockout(s, entity, as, as != null && checked.includeAuth.get(i)));
            } else {
                checkSessionHmac(s, entry, handles, params, checked, i, cpHashes);
            }
        } catch (TpmFailure f) {
            failure = f;
        }
        if (TpmHt.of(entity) == TpmHt.NV_INDEX && authUsed) updatePinCount(s, entity, failure == null);
        if (failure != null) throw failure;
    }

    /**
     * The PIN counters of CheckAuthSession, when the authValue of a written PIN index was used: a PIN Fail index
     * counts a failure in pinCount and a success zeroes it; a PIN Pass index counts a success. Written to NV even
     * when the command then fails (as the dictionary-attack count).
     */
    private static void updatePinCount(TpmState s, int entity, boolean success) {
        NvIndex nv = NvIndices.get(s, entity);
        if (nv == null || !nv.has(TpmaNv.WRITTEN)) return;
        if (nv.type() != TpmaNv.NT_PIN_FAIL && nv.type() != TpmaNv.NT_PIN_PASS) return;   // only PIN data is a UINT64 here
        long pin = nv.u64();
        long count = pin >>> 32, limit = pin & 0xFFFFFFFFL;
        if (nv.type() == TpmaNv.NT_PIN_FAIL) {
            count = success ? 0 : (count + 1) & 0xFFFFFFFFL;
        } else if (nv.type() == TpmaNv.NT_PIN_PASS && success) {
            count = (count + 1) & 0xFFFFFFFFL;
        } else {
            return;
        }
        if (NvIndices.update(s, nv.withU64(count << 32 | limit))) s.persistentPending = true;
    }

    /**
     * ms-tpm's IsWriteOperation (CommandCodeAttributes.c): the commands that authorize an NV index for writing, which
     * decides between AUTHWRITE/POLICYWRITE and AUTHREAD/POLICYREAD. TPM2_NV_WriteLock counts as a write.
     */
    static boolean isWriteOperation(int cc) {
        return cc == TpmCc.NV_WRITE || cc == TpmCc.NV_INCREMENT || cc == TpmCc.NV_SET_BITS || cc == TpmCc.NV_EXTEND
                || cc == TpmCc.NV_WRITE_LOCK;
    }

    /**
     * ms-tpm's CheckPolicyAuthSession: the policy digest and hash against the entity's authPolicy, and every
     * assertion the policy commands recorded.
     */
    private static void checkPolicySession(TpmState s, CommandTable.Entry entry, int[] handles, byte[] params, int locality,
                                           AuthSession as, int entity, Wire.Auth role) {
        int cc = entry.commandCode();
        if (cc == TpmCc.POLICY_SECRET && !as.passwordNeeded() && !as.authValueNeeded()) throw new TpmFailure(TpmRc.MODE);
        if (as.pcrSelected() && as.pcrCounter() != s.pcrs.updateCounter()) throw new TpmFailure(TpmRc.PCR_CHANGED);
        Bytes policy = AuthValues.policyOf(s, entity);
        if (!MessageDigest.isEqual(as.policyDigest().unsafeArray(), policy.unsafeArray())) {
            throw new TpmFailure(TpmRc.POLICY_FAIL);
        }
        if (AuthValues.policyAlgOf(s, entity) != as.authHash()) throw new TpmFailure(TpmRc.POLICY_FAIL);
        if (as.timeout() != 0 && Long.compareUnsigned(as.timeout(), s.time()) < 0) throw new TpmFailure(TpmRc.EXPIRED);
        if (as.commandCode() != 0) {
            if (as.commandCode() != cc) throw new TpmFailure(TpmRc.POLICY_CC);
        } else if (role == Wire.Auth.ADMIN || role == Wire.Auth.DUP) {
            throw new TpmFailure(TpmRc.POLICY_FAIL);
        }
        int allowed = as.commandLocality();
        if (allowed != 0) {
            boolean ok = locality < 5 ? (allowed & (1 << locality)) != 0 && allowed <= 31
                    : locality > 31 && allowed == locality;
            if (!ok) throw new TpmFailure(TpmRc.LOCALITY);
        }
        if (as.ppRequired() && !PhysicalPresence.isAsserted(s)) throw new TpmFailure(TpmRc.PP);   // swtpm never asserts it
        boolean ok = switch (as.restrictKind()) {
            case NONE -> true;
            case CP_HASH -> as.restrictHash().equals(cpHash(as.authHash(), cc, s, handles, params));
            case NAME_HASH -> as.restrictHash().equals(nameHash(as.authHash(), s, handles));
            case TEMPLATE_HASH -> templateHashMatches(as, cc, params);
        };
        if (!ok) throw new TpmFailure(TpmRc.POLICY_FAIL);
        if (as.checkNvWritten()) {
            // only an NV index has TPMA_NV_WRITTEN; it must be in the state PolicyNvWritten asked for
            NvIndex nv = TpmHt.of(entity) == TpmHt.NV_INDEX ? NvIndices.get(s, entity) : null;
            if (nv == null || nv.has(TpmaNv.WRITTEN) != as.nvWrittenState()) throw new TpmFailure(TpmRc.POLICY_FAIL);
        }
    }

    /** ms-tpm's CompareTemplateHash: H(the second parameter, a TPM2B) of Create, CreatePrimary or CreateLoaded. */
    private static boolean templateHashMatches(AuthSession as, int cc, byte[] params) {
        if (cc != TpmCc.CREATE && cc != TpmCc.CREATE_PRIMARY && cc != TpmCc.CREATE_LOADED) return false;
        if (params.length < 2) return false;
        int first = ((params[0] & 0xFF) << 8) | (params[1] & 0xFF);
        int at = 2 + first;
        if (at + 2 > params.length) return false;
        int size = ((params[at] & 0xFF) << 8) | (params[at + 1] & 0xFF);
        if (at + 2 + size > params.length) return false;
        MessageDigest md = Hashes.digest(as.authHash());
        md.update(params, at + 2, size);
        return as.restrictHash().equals(Bytes.wrap(md.digest()));
    }

    /** ms-tpm's CheckSessionHMAC / ComputeCommandHMAC. */
    private static void checkSessionHmac(TpmState s, CommandTable.Entry entry, int[] handles, byte[] params, Checked checked,
                                         int i, Bytes[] cpHashes) {
        AuthSession as = checked.authSessions.get(i);
        Session session = checked.sessions.get(i);
        Integer entity = checked.entities.get(i);
        boolean includeAuth = checked.includeAuth.get(i);
        byte[] key = hmacKey(as, includeAuth ? AuthValues.of(s, entity).trimTrailingZeros().toArray() : new byte[0]);
        byte[] expected;
        if (key.length == 0 && session.hmac().isEmpty()) {
            expected = new byte[0];
        } else {
            Mac mac = Hashes.hmac(as.authHash(), key);
            Bytes cp = cpHashes[as.authHash() & 0xFF];
            if (cp == null) cpHashes[as.authHash() & 0xFF] = cp = cpHash(as.authHash(), entry.commandCode(), s, handles, params);
            mac.update(cp.unsafeArray());
            mac.update(session.nonce().unsafeArray());
            mac.update(as.nonceTpm().unsafeArray());
            if (i == 0 && entity != null) {
                // the first authorization session also covers the nonces of the other encryption sessions (Part 1, 19.6.5)
                if (checked.decryptIndex > 0) mac.update(checked.authSessions.get(checked.decryptIndex).nonceTpm().unsafeArray());
                if (checked.encryptIndex > 0 && checked.encryptIndex != checked.decryptIndex) {
                    mac.update(checked.authSessions.get(checked.encryptIndex).nonceTpm().unsafeArray());
                }
            }
            mac.update((byte) session.attributes());
            expected = mac.doFinal();
        }
        if (!MessageDigest.isEqual(expected, session.hmac().unsafeArray())) {
            throw new TpmFailure(entity == null ? TpmRc.BAD_AUTH : incrementLockout(s, entity, as, includeAuth));
        }
    }

    /**
     * ms-tpm's IncrementLockout: a password failure counts unless the entity is DA-exempt; a session failure
     * counts against the entity (lockoutAuth for a lockout-bound session) when the session is DA-bound, or the
     * entity is protected and its authValue was used. TPM_RC_AUTH_FAIL when it counted, else TPM_RC_BAD_AUTH.
     */
    private static TpmRc incrementLockout(TpmState s, int entity, AuthSession as, boolean includeAuth) {
        int handle = entity;
        if (as == null) {
            if (DictionaryAttack.isExempt(s, handle)) return TpmRc.BAD_AUTH;
        } else {
            if (as.lockoutBound()) handle = TpmRh.LOCKOUT;
            if (!as.daBound() && (DictionaryAttack.isExempt(s, handle) || !includeAuth)) return TpmRc.BAD_AUTH;
        }
        DictionaryAttack.countFailure(s, handle);
        return TpmRc.AUTH_FAIL;
    }

    /**
     * ms-tpm's IsPolicySessionRequired: the DUP role; the ADMIN role unless the entity is an object with
     * adminWithPolicy CLEAR or a sequence; a PCR whose group has an authPolicy.
     */
    private static boolean isPolicySessionRequired(TpmState s, int entity, Wire.Auth role) {
        if (role == Wire.Auth.DUP) return true;
        if (role == Wire.Auth.ADMIN) {
            return switch (s.objects.get(entity)) {
                case TpmObject o -> o.attributes().adminWithPolicy();
                case HashSequence q -> false;
                case null -> true;
            };
        }
        return TpmHt.of(entity) == TpmHt.PCR && AuthValues.policyAlgOf(s, entity) != TpmAlg.NULL;
    }

    /**
     * Whether a password or HMAC session may authorize this entity in this role (ms-tpm
     * IsAuthValueAvailable; Part 1, 19.7.2): always for hierarchies, PCRs and sequences; for an object only
     * if its sensitive area is loaded and userWithAuth is SET, or the role is ADMIN and adminWithPolicy is
     * CLEAR; for an NV index, AUTHWRITE for a write operation, else AUTHREAD, or for a PIN index that it is
     * written and pinCount &lt; pinLimit.
     */
    private static boolean isAuthValueAvailable(TpmState s, int entity, Wire.Auth role, int cc) {
        if (TpmHt.of(entity) == TpmHt.NV_INDEX) {
            NvIndex nv = NvIndices.get(s, entity);
            if (isWriteOperation(cc)) return nv.has(TpmaNv.AUTHWRITE);
            if (TpmaNv.isPin(nv.attributes())) {
                if (!nv.has(TpmaNv.WRITTEN)) return false;
                long pin = nv.u64();
                return Integer.compareUnsigned((int) (pin >>> 32), (int) pin) < 0;
            }
            return nv.has(TpmaNv.AUTHREAD);
        }
        return switch (s.objects.get(entity)) {
            case TpmObject o -> !o.publicOnly()
                    && (o.attributes().userWithAuth() || role == Wire.Auth.ADMIN && !o.attributes().adminWithPolicy());
            case null, default -> true;
        };
    }

    /**
     * ms-tpm's IsAuthPolicyAvailable: a hierarchy with a policy set, an object with its sensitive area loaded
     * (never a sequence), a PCR whose group has a policy, an NV index with a policy when a policy session is
     * required (ADMIN role) or POLICYWRITE for a write operation, POLICYREAD otherwise.
     */
    private static boolean isAuthPolicyAvailable(TpmState s, int entity, Wire.Auth role, int cc) {
        if (TpmHt.of(entity) == TpmHt.NV_INDEX) {
            NvIndex nv = NvIndices.get(s, entity);
            if (nv.publicArea().authPolicy().isEmpty()) return false;
            if (isPolicySessionRequired(s, entity, role)) return true;
            return nv.has(isWriteOperation(cc) ? TpmaNv.POLICYWRITE : TpmaNv.POLICYREAD);
        }
        return switch (s.objects.get(entity)) {
            case TpmObject o -> !o.publicOnly();
            case HashSequence q -> false;
            case null -> TpmHt.of(entity) == TpmHt.PCR ? AuthValues.policyAlgOf(s, entity) != TpmAlg.NULL
                    : !AuthValues.policyOf(s, entity).isEmpty();
        };
    }

    /** cpHash = H(commandCode || Name of each handle || parameters) (Part 1, 18.7). */
    static Bytes cpHash(int hashAlg, int cc, TpmState s, int[] handles, byte[] params) {
        MessageDigest md = Hashes.digest(hashAlg);
        md.update(be32(cc));
        for (int h : handles) md.update(Names.of(s, h).unsafeArray());
        md.update(params);
        return Bytes.wrap(md.digest());
    }

    /** nameHash = H(Name of each handle) (Part 3, TPM2_PolicyNameHash). */
    private static Bytes nameHash(int hashAlg, TpmState s, int[] handles) {
        MessageDigest md = Hashes.digest(hashAlg);
        for (int h : handles) md.update(Names.of(s, h).unsafeArray());
        return Bytes.wrap(md.digest());
    }

    /** rpHash = H(TPM_RC_SUCCESS || commandCode || parameters) (Part 1, 18.8). */
    static Bytes rpHash(int hashAlg, int cc, byte[] responseParams) {
        MessageDigest md = Hashes.digest(hashAlg);
        md.update(be32(0));
        md.update(be32(cc));
        md.update(responseParams);
        return Bytes.wrap(md.digest());
    }

    /** The key of a session's HMACs and parameter encryption: sessionKey || (authValue when includeAuth). */
    private static byte[] hmacKey(AuthSession as, byte[] authValue) {
        return concat(as.sessionKey().toArray(), authValue);
    }

    /** The entity's authValue for the session's keys, or nothing (ms-tpm's includeAuth). */
    private static byte[] extraKey(TpmState s, Checked checked, int i) {
        if (!checked.includeAuth.get(i)) return new byte[0];
        return currentAuth(s, checked, i).toArray();
    }

    /** The entity's authValue now, or as it was when the command was authorized if the command removed the entity. */
    private static Secret currentAuth(TpmState s, Checked checked, int i) {
        int entity = checked.entities.get(i);
        int ht = TpmHt.of(entity);
        if ((ht == TpmHt.TRANSIENT || ht == TpmHt.PERSISTENT) && s.objects.get(entity) == null) {
            return checked.authAtCommand.get(i);
        }
        // an NV index the command removed (NV_UndefineSpaceSpecial): ms-tpm's SessionRemoveAssociationToHandle
        // re-associates the session with TPM_RH_NULL, whose authValue is empty
        if (ht == TpmHt.NV_INDEX && NvIndices.get(s, entity) == null) return Secret.EMPTY;
        return AuthValues.of(s, entity).trimTrailingZeros();
    }

    /** The cpHash of the audit session's hash, or null when no session audits this command. */
    static Bytes auditCpHash(TpmState s, Checked checked, int cc, int[] handles, byte[] params) {
        if (checked.auditIndex < 0) return null;
        return cpHash(checked.authSessions.get(checked.auditIndex).authHash(), cc, s, handles, params);
    }

    /** Decrypts the first command parameter in place when a session has the decrypt attribute. */
    static void decryptParameters(TpmState s, Checked checked, byte[] params) {
        int i = checked.decryptIndex;
        if (i < 0) return;
        ParameterEncryption.decryptCommand(checked.authSessions.get(i), extraKey(s, checked, i), params, i + 1);
    }

    /**
     * Gives every HMAC and policy session a fresh nonceTPM (of the size it had) and then, if a session has
     * the encrypt attribute, encrypts the first response parameter in place with it.
     */
    static void prepareResponse(TpmState s, Checked checked, byte[] responseParams) {
        for (AuthSession as : checked.authSessions) {
            if (as != null) as.nonceTpm(s.random(as.nonceTpm().size()));
        }
        int i = checked.encryptIndex;
        if (i >= 0) ParameterEncryption.encryptResponse(checked.authSessions.get(i), extraKey(s, checked, i), responseParams);
    }

    /**
     * ms-tpm's UpdateAuditSessionStatus: the audit session (re)starts its digest on first use or auditReset
     * and becomes the exclusive one; any other use of sessions ends exclusivity; the audit digest is extended
     * with cpHash and rpHash. {@code auditCpHash} is the audit session's cpHash, computed before the command ran
     * (with the Names its handles had then), or null when no session audits.
     */
    static void audit(TpmState s, Checked checked, int cc, Bytes auditCpHash, byte[] responseParams) {
        int auditHandle = UNASSIGNED;
        for (int i = 0; i < checked.sessions.size(); i++) {
            AuthSession as = checked.authSessions.get(i);
            if (as == null || (checked.sessions.get(i).attributes() & TpmSe.AUDIT) == 0) continue;
            int handle = checked.sessions.get(i).handle();
            auditHandle = handle;
            if (!as.audit() || (checked.sessions.get(i).attributes() & TpmSe.AUDIT_RESET) != 0) {
                as.startAudit();
                s.exclusiveAuditSession = handle;
            } else if (s.exclusiveAuditSession != handle) {
                s.exclusiveAuditSession = UNASSIGNED;
            }
            if (s.exclusiveAuditSession == handle) checked.responseAttributes[i] |= TpmSe.AUDIT_EXCLUSIVE;
            else checked.responseAttributes[i] &= ~TpmSe.AUDIT_EXCLUSIVE;
            MessageDigest md = Hashes.digest(as.authHash());
            md.update(as.policyDigest().unsafeArray());
            md.update(auditCpHash.unsafeArray());
            md.update(rpHash(as.authHash(), cc, responseParams).unsafeArray());
            as.policyDigest(Bytes.wrap(md.digest()));
        }
        if (auditHandle == UNASSIGNED) s.exclusiveAuditSession = UNASSIGNED;
    }

    /**
     * Writes the response authorization area (ms-tpm's BuildResponseSession): for password sessions an empty
     * nonce, continueSession SET and an empty HMAC; for HMAC and policy sessions the new nonceTPM and the
     * response HMAC over rpHash (of the parameters as sent, so after encryption) — empty for a policy session
     * with PolicyPassword, or when the key and the caller's HMAC are both empty. Sessions without
     * continueSession are flushed; policy sessions that continue start a fresh policy.
     */
    static void writeResponseSessions(TpmState s, TpmWriter w, Checked checked, int cc, byte[] responseParams) {
        for (int i = 0; i < checked.sessions.size(); i++) {
            Session session = checked.sessions.get(i);
            AuthSession as = checked.authSessions.get(i);
            int attrs = checked.responseAttributes[i];
            if (as == null) {
                w.u16(0).u8(attrs | TpmSe.CONTINUE_SESSION).u16(0);
                continue;
            }
            byte[] hmac;
            byte[] key = hmacKey(as, extraKey(s, checked, i));
            if (as.isPolicy() && as.passwordNeeded() || key.length == 0 && session.hmac().isEmpty()) {
                hmac = new byte[0];
            } else {
                Mac mac = Hashes.hmac(as.authHash(), key);
                mac.update(rpHash(as.authHash(), cc, responseParams).unsafeArray());
                mac.update(as.nonceTpm().unsafeArray());
                mac.update(session.nonce().unsafeArray());
                mac.update((byte) attrs);
                hmac = mac.doFinal();
            }
            w.sized(as.nonceTpm()).u8(attrs).sized(Bytes.wrap(hmac));
            if ((attrs & TpmSe.CONTINUE_SESSION) == 0) {
                s.sessions.remove(session.handle());
                if (s.exclusiveAuditSession == session.handle()) s.exclusiveAuditSession = UNASSIGNED;
            } else if (as.isPolicy()) {
                as.resetPolicy(s.time());
            }
        }
    }

    private static byte[] be32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
