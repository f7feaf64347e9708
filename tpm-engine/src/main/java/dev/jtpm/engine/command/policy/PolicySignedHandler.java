package dev.jtpm.engine.command.policy;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.command.PolicySigned;
import dev.jtpm.types.command.PolicySignedResponse;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmuSignature;

/**
 * TPM2_PolicySigned (Part 3, 23.3; ms-tpm PolicySigned.c): the policy is satisfied by a signature, made
 * with authObject's key, over {@code aHash = H(nonceTPM || expiration || cpHashA || policyRef)} with the
 * signature's hash. Then {@code policyDigest := H(H(policyDigest || TPM_CC_PolicySigned || authObject.Name)
 * || policyRef)}, a non-empty cpHashA becomes the session's cpHash and a non-zero expiration its timeout.
 * A trial session skips every check and gets no ticket.
 *
 * <p>With {@code expiration < 0} (outside a trial session) the response carries a TPMT_TK_AUTH
 * (TPM_ST_AUTH_SIGNED, the hierarchy of authObject) and the TPM2B_TIMEOUT that TPM2_PolicyTicket needs;
 * without a nonceTPM the ticket also expires on TPM Reset. Otherwise the timeout is empty and the ticket is
 * the NULL ticket. As in ms-tpm, the key's sign attribute is not looked at.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_NONCE (parameter 1): nonceTPM is not empty and not the session's nonceTPM;</li>
 *   <li>TPM_RC_EXPIRED (parameter 4): the expiration has passed (with a nonce: since the policy started;
 *       without: in TPM time);</li>
 *   <li>TPM_RC_SIZE (parameter 2): cpHashA is not empty and not the size of the session's digest;</li>
 *   <li>TPM_RC_CPHASH: cpHashA differs from a cpHash the session already requires;</li>
 *   <li>TPM_RC_SCHEME (parameter 5): the NULL signature (auth is a TPMT_SIGNATURE, not TPMT_SIGNATURE+: refused
 *       as libtpms' unmarshalling does, in trial sessions too); a scheme that does not suit the key (or ECDAA);
 *       authObject is a sequence object;</li>
 *   <li>TPM_RC_HANDLE (parameter 5): an HMAC signature and a public-only keyed-hash object;</li>
 *   <li>TPM_RC_SIGNATURE (parameter 5): the signature does not verify;</li>
 *   <li>from unmarshalling and the pipeline: TPM_RC_VALUE (handles), TPM_RC_HANDLE / TPM_RC_REFERENCE_H0
 *       (authObject not loaded), TPM_RC_SIZE, TPM_RC_SCHEME / TPM_RC_HASH (parameter 5).</li>
 * </ul>
 */
public final class PolicySignedHandler implements CommandHandler<PolicySigned, PolicySignedResponse> {
    private static final int NONCE_TPM = 1, CP_HASH_A = 2, EXPIRATION = 4, AUTH = 5;

    @Override
    public PolicySignedResponse execute(PolicySigned cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // auth is a TPMT_SIGNATURE without "+": the NULL signature fails while unmarshalling, trial or not
        if (cmd.auth().sigAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.SCHEME.atParameter(AUTH));
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        long authTimeout = 0;
        // input validation (not for a trial session)
        if (!session.isTrial()) {
            authTimeout = PolicySupport.authTimeout(s, session, cmd.expiration(), cmd.nonceTPM());
            PolicySupport.parameterChecks(s, session, authTimeout, cmd.cpHashA(), cmd.nonceTPM(),
                    NONCE_TPM, CP_HASH_A, EXPIRATION);
            int hashAlg = signHash(cmd.auth());
            if (hashAlg == TpmAlg.NULL) throw new TpmFailure(TpmRc.SCHEME.atParameter(AUTH));
            Bytes aHash = Bytes.wrap(Hashes.hash(hashAlg, cmd.nonceTPM().unsafeArray(), PolicySupport.u32(cmd.expiration()),
                    cmd.cpHashA().unsafeArray(), cmd.policyRef().unsafeArray()));
            TpmRc rc = s.objects.get(cmd.authObject()) instanceof TpmObject key
                    ? Signatures.verify(key, aHash, cmd.auth()) : TpmRc.SCHEME;
            if (!rc.equals(TpmRc.SUCCESS)) throw new TpmFailure(rc.atParameter(AUTH));
        }
        // internal data update (trial sessions too)
        Bytes name = Names.of(s, cmd.authObject());
        PolicySupport.contextUpdate(session, TpmCc.POLICY_SIGNED, name, cmd.policyRef(), cmd.cpHashA(), authTimeout);
        // command output
        PolicyAuthSupport.TicketOutput out = PolicyAuthSupport.ticket(s, session, TpmSt.AUTH_SIGNED,
                PolicyAuthSupport.entityHierarchy(s, cmd.authObject()), cmd.expiration(), authTimeout, cmd.nonceTPM(),
                cmd.cpHashA(), cmd.policyRef(), name);
        return new PolicySignedResponse(out.timeout(), out.ticket());
    }

    /** ms-tpm's CryptGetSignHashAlg: the hash a signature was made with, TPM_ALG_NULL for the NULL signature. */
    private static int signHash(TpmtSignature signature) {
        return switch (signature.signature()) {
            case TpmuSignature.Rsa r -> r.hash();
            case TpmuSignature.Ecc e -> e.hash();
            case TpmuSignature.Hmac h -> h.hmac().hashAlg();
            default -> TpmAlg.NULL;
        };
    }
}
