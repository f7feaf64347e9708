package dev.jtpm.engine.session;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;

/**
 * Command audit (Part 1, 33.3; ms-tpm CommandAudit.c and SessionProcess.c's CommandAudit): the persistent set of
 * audited command codes, the audit hash and counter ({@code PersistentState}), and the command audit digest
 * ({@link TpmState#commandAuditDigest}, TPM-Reset data). The pipeline calls {@link #record} after every successful
 * command for which {@link #isAudited} holds, with cpHash and rpHash computed with {@link #hashAlg}.
 */
public final class CommandAudit {
    private CommandAudit() {}

    /** True if successful executions of {@code cc} extend the command audit digest. */
    public static boolean isAudited(TpmState s, int cc) { return s.persistent.auditCommands.contains(cc); }

    /** The hash of the command audit digest, and of the cpHash and rpHash that extend it. */
    public static int hashAlg(TpmState s) { return s.persistent.auditHashAlg; }

    /**
     * Extends the command audit digest with an audited command (ms-tpm CommandAudit): a digest of one octet (the
     * audit hash was just changed by TPM2_SetCommandCodeAuditStatus) becomes empty and nothing is recorded; an
     * empty digest starts as zeros of the audit hash's size and the audit counter is incremented (persistent state,
     * committed by the pipeline through {@code persistentPending}); then digest := H(digest || cpHash || rpHash).
     */
    public static void record(TpmState s, Bytes cpHash, Bytes rpHash) {
        Bytes digest = s.commandAuditDigest;
        if (digest.size() == 1) {
            s.commandAuditDigest = Bytes.EMPTY;
            return;
        }
        int alg = hashAlg(s);
        if (digest.isEmpty()) {
            digest = Bytes.zeros(TpmAlg.digestSize(alg));
            s.persistent.auditCounter++;
            s.persistentPending = true;
        }
        s.commandAuditDigest = Bytes.wrap(Hashes.hash(alg, digest.toArray(), cpHash.toArray(), rpHash.toArray()));
    }

    /**
     * The digest of the audited command codes (ms-tpm CommandAuditGetDigest): H(cc || cc || ...) over the codes in
     * ascending order, each a big-endian UINT32, with the audit hash.
     */
    public static Bytes commandDigest(TpmState s) {
        java.security.MessageDigest md = Hashes.digest(hashAlg(s));
        for (int cc : s.persistent.auditCommands) md.update(java.nio.ByteBuffer.allocate(4).putInt(cc).array());
        return Bytes.wrap(md.digest());
    }
}
