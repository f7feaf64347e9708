package dev.jtpm.engine.command.policy;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import java.math.BigInteger;
import java.security.MessageDigest;

/**
 * What the policy commands share (ms-tpm's Policy_spt.c): finding the policy session, extending its
 * policyDigest, the parameter checks of PolicySigned/PolicySecret/PolicyTicket, the context update with
 * cpHash and timeout, the expiration arithmetic and PolicyCounterTimer/PolicyNV's comparisons.
 */
public final class PolicySupport {
    private PolicySupport() {}

    /** The loaded policy or trial session at {@code handle} (the pipeline already checked it exists). */
    public static AuthSession session(TpmState s, int handle) {
        AuthSession session = s.sessions.get(handle);
        if (session == null || !session.isPolicy()) throw new TpmFailure(TpmRc.HANDLE.atHandle(1));
        return session;
    }

    /** policyDigest := H(policyDigest || parts...) with the session's hash. */
    public static void extend(AuthSession session, byte[]... parts) {
        MessageDigest md = Hashes.digest(session.authHash());
        md.update(session.policyDigest().unsafeArray());
        for (byte[] p : parts) md.update(p);
        session.policyDigest(Bytes.wrap(md.digest()));
    }

    /** The four octets of a TPM_CC (or any UINT32). */
    public static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The two octets of a UINT16. */
    public static byte[] u16(int v) { return new byte[] {(byte) (v >>> 8), (byte) v}; }

    /**
     * ms-tpm's PolicyUpdate / PolicyContextUpdate digest part: policyDigest := H(policyDigest || cc || name),
     * then, when {@code ref} is not null, policyDigest := H(policyDigest || ref).
     */
    public static void update(AuthSession session, int cc, Bytes name, Bytes ref) {
        extend(session, u32(cc), name == null ? new byte[0] : name.unsafeArray());
        if (ref != null) extend(session, ref.unsafeArray());
    }

    /**
     * ms-tpm's PolicyContextUpdate: the digest update of {@link #update}, then the cpHash (when not empty)
     * becomes the session's required cpHash, and a non-zero {@code policyTimeout} shortens the session's
     * expiration.
     */
    public static void contextUpdate(AuthSession session, int cc, Bytes name, Bytes ref, Bytes cpHash, long policyTimeout) {
        update(session, cc, name, ref);
        if (cpHash != null && !cpHash.isEmpty()) session.restrict(AuthSession.RestrictKind.CP_HASH, cpHash);
        if (policyTimeout != 0 && (session.timeout() == 0 || session.timeout() > policyTimeout)) {
            session.timeout(policyTimeout);
        }
    }

    /**
     * ms-tpm's PolicyParameterChecks: a non-empty nonce must be the session's nonceTPM (TPM_RC_NONCE at
     * {@code nonceParam}); a non-zero authTimeout must not have passed (TPM_RC_EXPIRED at
     * {@code expirationParam}); a non-empty cpHashA must have the session digest's size (TPM_RC_SIZE at
     * {@code cpHashParam}) and equal a cpHash already required (TPM_RC_CPHASH).
     */
    public static void parameterChecks(TpmState s, AuthSession session, long authTimeout, Bytes cpHashA, Bytes nonce,
                                       int nonceParam, int cpHashParam, int expirationParam) {
        if (nonce != null && !nonce.isEmpty() && !nonce.equals(session.nonceTpm())) {
            throw new TpmFailure(TpmRc.NONCE.atParameter(nonceParam));
        }
        if (authTimeout != 0 && Long.compareUnsigned(authTimeout, s.time()) < 0) {
            throw new TpmFailure(TpmRc.EXPIRED.atParameter(expirationParam));
        }
        if (cpHashA != null && !cpHashA.isEmpty()) {
            if (cpHashA.size() != session.digestSize()) throw new TpmFailure(TpmRc.SIZE.atParameter(cpHashParam));
            if (session.restrictKind() != AuthSession.RestrictKind.NONE && !cpHashA.equals(session.restrictHash())) {
                throw new TpmFailure(TpmRc.CPHASH);
            }
        }
    }

    /**
     * ms-tpm's ComputeAuthTimeout: 0 for no expiration; with a nonce, the session's start time plus
     * |expiration| seconds; without, |expiration| seconds plus the milliseconds part of TPM time (an
     * absolute value a ticket can carry).
     */
    public static long authTimeout(TpmState s, AuthSession session, int expiration, Bytes nonce) {
        if (expiration == 0) return 0;
        long seconds = Math.abs((long) expiration);
        if (nonce == null || nonce.isEmpty()) return seconds * 1000 + s.time() % 1000;
        return session.startTime() + seconds * 1000;
    }

    /** TPM_EO (Part 2, 6.8): the comparisons of PolicyCounterTimer and PolicyNV. */
    public static final int EO_EQ = 0, EO_NEQ = 1, EO_SIGNED_GT = 2, EO_UNSIGNED_GT = 3, EO_SIGNED_LT = 4,
            EO_UNSIGNED_LT = 5, EO_SIGNED_GE = 6, EO_UNSIGNED_GE = 7, EO_SIGNED_LE = 8, EO_UNSIGNED_LE = 9,
            EO_BITSET = 10, EO_BITCLEAR = 11;

    /** True for a defined TPM_EO. */
    public static boolean isOperation(int op) { return op >= EO_EQ && op <= EO_BITCLEAR; }

    /** ms-tpm's PolicySptCheckCondition: {@code opA op opB}, both big-endian of the same size. */
    public static boolean checkCondition(int operation, byte[] opA, byte[] opB) {
        BigInteger ua = new BigInteger(1, opA), ub = new BigInteger(1, opB);
        BigInteger sa = opA.length == 0 ? BigInteger.ZERO : new BigInteger(opA);
        BigInteger sb = opB.length == 0 ? BigInteger.ZERO : new BigInteger(opB);
        return switch (operation) {
            case EO_EQ -> ua.equals(ub);
            case EO_NEQ -> !ua.equals(ub);
            case EO_SIGNED_GT -> sa.compareTo(sb) > 0;
            case EO_UNSIGNED_GT -> ua.compareTo(ub) > 0;
            case EO_SIGNED_LT -> sa.compareTo(sb) < 0;
            case EO_UNSIGNED_LT -> ua.compareTo(ub) < 0;
            case EO_SIGNED_GE -> sa.compareTo(sb) >= 0;
            case EO_UNSIGNED_GE -> ua.compareTo(ub) >= 0;
            case EO_SIGNED_LE -> sa.compareTo(sb) <= 0;
            case EO_UNSIGNED_LE -> ua.compareTo(ub) <= 0;
            case EO_BITSET -> {
                for (int i = 0; i < opA.length; i++) if ((opA[i] & opB[i]) != opB[i]) yield false;
                yield true;
            }
            case EO_BITCLEAR -> {
                for (int i = 0; i < opA.length; i++) if ((opA[i] & opB[i]) != 0) yield false;
                yield true;
            }
            default -> throw new IllegalArgumentException("TPM_EO " + operation);
        };
    }
}
