package dev.jtpm.engine.command.policy;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyAuthorize;
import dev.jtpm.types.structure.TpmiAlgHash;
import java.security.MessageDigest;

/**
 * TPM2_PolicyAuthorize (Part 3, 23.16; ms-tpm PolicyAuthorize.c): the current policyDigest
 * (approvedPolicy) was approved by the key named keySign, which checkTicket proves: a TPMT_TK_VERIFIED
 * from TPM2_VerifySignature over {@code aHash = H_keySign.nameAlg(approvedPolicy || policyRef)} with that
 * key, recomputed with the proof of the ticket's hierarchy. Then {@code policyDigest := H(H(0...0 ||
 * TPM_CC_PolicyAuthorize || keySign) || policyRef)}. A trial session checks only keySign.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_HASH (parameter 3): keySign's nameAlg is not an implemented hash, or keySign is shorter than
 *       two octets (libtpms 0.9 reads the two octets whatever keySign's size, so swtpm answers TPM_RC_HASH;
 *       later ms-tpm-20-ref answers TPM_RC_SIZE there);</li>
 *   <li>TPM_RC_SIZE (parameter 3): keySign's digest is not the size of its nameAlg's;</li>
 *   <li>TPM_RC_VALUE (parameter 1): approvedPolicy is not the session's policyDigest;</li>
 *   <li>TPM_RC_VALUE (parameter 4): checkTicket is not a ticket for aHash and keySign (the NULL ticket
 *       included);</li>
 *   <li>from unmarshalling and the pipeline: TPM_RC_VALUE (handle 1, the ticket's hierarchy or tag),
 *       TPM_RC_TAG (parameter 4), TPM_RC_SIZE.</li>
 * </ul>
 */
public final class PolicyAuthorizeHandler implements CommandHandler<PolicyAuthorize, EmptyResponse> {
    private static final int APPROVED_POLICY = 1, KEY_SIGN = 3, CHECK_TICKET = 4;

    @Override
    public EmptyResponse execute(PolicyAuthorize cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        // input validation
        byte[] keySign = cmd.keySign().unsafeArray();
        // libtpms reads the algorithm whatever the size: missing octets count as zero (no hash)
        int hashAlg = keySign.length < 2 ? TpmAlg.NULL : (keySign[0] & 0xFF) << 8 | keySign[1] & 0xFF;
        if (!TpmiAlgHash.isImplemented(hashAlg)) throw new TpmFailure(TpmRc.HASH.atParameter(KEY_SIGN));
        if (TpmAlg.digestSize(hashAlg) != keySign.length - 2) throw new TpmFailure(TpmRc.SIZE.atParameter(KEY_SIGN));
        if (!session.isTrial()) {
            if (!cmd.approvedPolicy().equals(session.policyDigest())) {
                throw new TpmFailure(TpmRc.VALUE.atParameter(APPROVED_POLICY));
            }
            Bytes aHash = Bytes.wrap(Hashes.hash(hashAlg, cmd.approvedPolicy().unsafeArray(), cmd.policyRef().unsafeArray()));
            Bytes expected = Tickets.verified(s, cmd.checkTicket().hierarchy(), aHash, cmd.keySign()).digest();
            if (!MessageDigest.isEqual(expected.unsafeArray(), cmd.checkTicket().digest().unsafeArray())) {
                throw new TpmFailure(TpmRc.VALUE.atParameter(CHECK_TICKET));
            }
        }
        // internal data update
        session.policyDigest(Bytes.zeros(session.digestSize()));
        PolicySupport.contextUpdate(session, TpmCc.POLICY_AUTHORIZE, cmd.keySign(), cmd.policyRef(), null, 0);
        return EmptyResponse.INSTANCE;
    }
}
