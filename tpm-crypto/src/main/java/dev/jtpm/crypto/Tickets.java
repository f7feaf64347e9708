package dev.jtpm.crypto;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmSt;

import java.security.MessageDigest;

/**
 * The HMACs inside tickets (Part 2 §10.7 "Tickets"; Part 1 "Tickets"): proofs, made with a
 * hierarchy's proof value, that the TPM itself produced or checked something. Only the TPM that made
 * a ticket checks it, so the HMAC's hash is the caller's choice (ms-tpm-20-ref uses the digest's hash
 * for TPMT_TK_HASHCHECK).
 * <ul>
 *   <li>TPMT_TK_HASHCHECK: {@code HMAC(proof, TPM_ST_HASHCHECK || digestAlg || digest)} — the data hashed by
 *       TPM2_Hash or a hash sequence did not start with TPM_GENERATED_VALUE.</li>
 *   <li>TPMT_TK_VERIFIED: {@code HMAC(proof, TPM_ST_VERIFIED || digest || keyName)} — TPM2_VerifySignature.</li>
 *   <li>TPMT_TK_CREATION: {@code HMAC(proof, TPM_ST_CREATION || name || creationHash)} — TPM2_Create(Primary).</li>
 * </ul>
 * The null ticket (hierarchy TPM_RH_NULL) has an empty digest; the engine builds it without this class.
 */
public final class Tickets {
    private Tickets() {}

    /**
     * The digest of a TPMT_TK_HASHCHECK as ms-tpm-20-ref computes it (TicketComputeHashCheck):
     * {@code HMAC_hashAlg(proof, TPM_ST_HASHCHECK || digestAlg || digest)}.
     */
    public static Bytes hashCheck(int hashAlg, Secret proof, int digestAlg, byte[] digest) {
        return compute(hashAlg, proof, TpmSt.HASHCHECK, new byte[] {(byte) (digestAlg >>> 8), (byte) digestAlg}, digest);
    }

    /** The digest of a TPMT_TK_VERIFIED. */
    public static Bytes verified(int hashAlg, Secret proof, byte[] digest, byte[] keyName) {
        return compute(hashAlg, proof, TpmSt.VERIFIED, digest, keyName);
    }

    /** The digest of a TPMT_TK_CREATION; {@code creationHash} is H_nameAlg(TPMS_CREATION_DATA). */
    public static Bytes creation(int hashAlg, Secret proof, byte[] name, byte[] creationHash) {
        return compute(hashAlg, proof, TpmSt.CREATION, name, creationHash);
    }

    /** {@code HMAC_hashAlg(proof, tag[16] || parts...)}, for the other ticket kinds (TPMT_TK_AUTH). */
    public static Bytes compute(int hashAlg, Secret proof, int tag, byte[]... parts) {
        byte[][] all = new byte[parts.length + 1][];
        all[0] = new byte[] {(byte) (tag >>> 8), (byte) tag};
        System.arraycopy(parts, 0, all, 1, parts.length);
        return Bytes.wrap(Hashes.hmac(hashAlg, proof.toArray(), all));
    }

    /** Constant-time check of a presented ticket digest against the expected one. */
    public static boolean matches(Bytes expected, byte[] presented) {
        return MessageDigest.isEqual(expected.unsafeArray(), presented);
    }
}
