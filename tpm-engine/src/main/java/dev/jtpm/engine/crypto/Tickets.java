package dev.jtpm.engine.crypto;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmtTkVerified;
import java.security.MessageDigest;

/**
 * Tickets (Part 1, 15.5 and 11.4.6.3 "Tickets"; Part 2, 10.7): HMACs, keyed with a hierarchy's
 * proof value, that let the TPM later recognise data it produced or checked itself.
 *
 * <p>The HMAC uses the context integrity hash, SHA-256 here, whatever the size of the proof.
 * As in the reference implementation (TicketComputeHashCheck), the TPMT_TK_HASHCHECK HMAC covers
 * {@code TPM_ST_HASHCHECK || hashAlg || digest} (the hash algorithm as a UINT16 and the digest
 * without its size): Part 2's prose omits hashAlg, the reference code (and libtpms) include it.
 *
 * <p>The HMACs themselves are computed by tpm-crypto's {@link dev.jtpm.crypto.Tickets} (one place for
 * the formulas); this class picks the proof by hierarchy and the hash, and adds hashAlg to the
 * TPMT_TK_HASHCHECK input as ms-tpm does.
 *
 * <p>Proofs by hierarchy: TPM_RH_PLATFORM → phProof, TPM_RH_OWNER → shProof,
 * TPM_RH_ENDORSEMENT → ehProof, TPM_RH_NULL → the nullProof (new at each TPM Reset).
 */
public final class Tickets {
    private Tickets() {}

    /** CONTEXT_INTEGRITY_HASH_ALG: the hash of every ticket HMAC. */
    private static final int INTEGRITY_HASH = dev.jtpm.types.TpmAlg.SHA512; // as libtpms (64-octet tickets)

    /** TPM_GENERATED_VALUE (Part 2, 6.2): 0xff 'T' 'C' 'G', the first octets of TPM-made structures. */
    public static final int TPM_GENERATED_VALUE = 0xFF544347;

    /** True if {@code data} begins with TPM_GENERATED_VALUE (a message the TPM will not give a ticket for). */
    public static boolean startsWithTpmGenerated(byte[] data) {
        if (data.length < 4) return false;
        int first = (data[0] & 0xFF) << 24 | (data[1] & 0xFF) << 16 | (data[2] & 0xFF) << 8 | (data[3] & 0xFF);
        return first == TPM_GENERATED_VALUE;
    }

    /**
     * The proof value of a hierarchy (ms-tpm's HierarchyGetProof).
     *
     * @throws IllegalArgumentException if {@code hierarchy} is not a hierarchy handle
     */
    public static Secret proof(TpmState s, int hierarchy) {
        return switch (hierarchy) {
            case TpmRh.PLATFORM -> s.persistent.phProof;
            case TpmRh.OWNER -> s.persistent.shProof;
            case TpmRh.ENDORSEMENT -> s.persistent.ehProof;
            case TpmRh.NULL -> s.nullProof;
            default -> throw new IllegalArgumentException("not a hierarchy: 0x" + Integer.toHexString(hierarchy));
        };
    }

    /**
     * A TPMT_TK_HASHCHECK for {@code digest} (of {@code hashAlg}) in {@code hierarchy}: the HMAC of
     * {@code TPM_ST_HASHCHECK || hashAlg || digest} with the hierarchy's proof. The caller decides
     * whether a ticket is due at all (a NULL hierarchy or TPM-generated data give
     * {@link TpmtTkHashcheck#nullTicket()}).
     */
    public static TpmtTkHashcheck hashCheck(TpmState s, int hierarchy, int hashAlg, Bytes digest) {
        return new TpmtTkHashcheck(TpmSt.HASHCHECK, hierarchy, hashCheckHmac(proof(s, hierarchy), hashAlg, digest));
    }

    /** The HMAC of a TPMT_TK_HASHCHECK, given the proof: {@code HMAC(proof, TPM_ST_HASHCHECK || hashAlg || digest)}. */
    public static Bytes hashCheckHmac(Secret proof, int hashAlg, Bytes digest) {
        return dev.jtpm.crypto.Tickets.hashCheck(INTEGRITY_HASH, proof, hashAlg, digest.unsafeArray());
    }

    /**
     * The HMAC of a TPMT_TK_CREATION (ms-tpm TicketComputeCreation), given the proof:
     * {@code HMAC(proof, TPM_ST_CREATION || name || creationHash)}.
     */
    public static Bytes creationHmac(Secret proof, Bytes name, Bytes creationHash) {
        return dev.jtpm.crypto.Tickets.creation(INTEGRITY_HASH, proof, name.unsafeArray(), creationHash.unsafeArray());
    }

    /**
     * A TPMT_TK_VERIFIED (ms-tpm TicketComputeVerified) for a signature over {@code digest} checked
     * with the key named {@code keyName} in {@code hierarchy} (not TPM_RH_NULL): the HMAC of
     * {@code TPM_ST_VERIFIED || digest || keyName} with the hierarchy's proof.
     */
    public static TpmtTkVerified verified(TpmState s, int hierarchy, Bytes digest, Bytes keyName) {
        return new TpmtTkVerified(TpmSt.VERIFIED, hierarchy,
                dev.jtpm.crypto.Tickets.verified(INTEGRITY_HASH, proof(s, hierarchy), digest.unsafeArray(), keyName.unsafeArray()));
    }

    /**
     * The HMAC of a TPMT_TK_AUTH (ms-tpm TicketComputeAuth; TPM2_PolicySigned, TPM2_PolicySecret, checked by
     * TPM2_PolicyTicket): {@code HMAC(proof, tag || cpHashA || policyRef || entityName || timeout[64])}, then,
     * when {@code timeout} is not 0, the time epoch, and when the ticket expires on reset, the reset count
     * (the TPM2B values without their sizes).
     *
     * <p>ms-tpm's time epoch (g_timeEpoch) is a nonce that changes whenever TPM time starts again from 0, so
     * a timeout measured in TPM time cannot outlive the power cycle it was made in. jtpm's TPM time starts
     * at every _TPM_Init, and every TPM2_Startup after it changes resetCount or restartCount, so the epoch
     * here is {@code resetCount || restartCount} (two UINT32): no new state, same effect. The value only
     * has to agree with itself: only the TPM that made a ticket checks it.
     *
     * @param tag TPM_ST_AUTH_SIGNED or TPM_ST_AUTH_SECRET
     * @param hierarchy the hierarchy whose proof keys the HMAC (TPM_RH_NULL: the nullProof)
     * @param timeout the expiration in TPM time (ms), without the expires-on-reset flag
     */
    public static Bytes auth(TpmState s, int tag, int hierarchy, long timeout, boolean expiresOnReset, Bytes cpHashA,
                             Bytes policyRef, Bytes entityName) {
        byte[] time = java.nio.ByteBuffer.allocate(8).putLong(timeout).array();
        byte[] epoch = timeout == 0 ? new byte[0]
                : java.nio.ByteBuffer.allocate(8).putInt(s.persistent.resetCount).putInt(s.persistent.restartCount).array();
        byte[] reset = timeout != 0 && expiresOnReset
                ? java.nio.ByteBuffer.allocate(4).putInt(s.persistent.resetCount).array() : new byte[0];
        return dev.jtpm.crypto.Tickets.compute(INTEGRITY_HASH, proof(s, hierarchy), tag, cpHashA.unsafeArray(),
                policyRef.unsafeArray(), entityName.unsafeArray(), time, epoch, reset);
    }

    /**
     * True if {@code ticket} is a valid TPMT_TK_HASHCHECK for {@code digest} (of {@code hashAlg}),
     * produced by this TPM (since the last TPM Reset for the NULL hierarchy). A NULL ticket is never
     * valid; the comparison runs in constant time.
     */
    public static boolean isValidHashCheck(TpmState s, TpmtTkHashcheck ticket, int hashAlg, Bytes digest) {
        if (ticket.tag() != TpmSt.HASHCHECK || ticket.hierarchy() == TpmRh.NULL || ticket.digest().isEmpty()) return false;
        int h = ticket.hierarchy();
        if (h != TpmRh.PLATFORM && h != TpmRh.OWNER && h != TpmRh.ENDORSEMENT) return false;
        Bytes expected = hashCheckHmac(proof(s, h), hashAlg, digest);
        return MessageDigest.isEqual(expected.unsafeArray(), ticket.digest().unsafeArray());
    }

}
