package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyTicket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * TPM2_PolicyTicket (Part 3, 23.5; ms-tpm PolicyTicket.c): replays the assertion of a TPM2_PolicySigned
 * (TPM_ST_AUTH_SIGNED ticket) or TPM2_PolicySecret (TPM_ST_AUTH_SECRET) from the TPMT_TK_AUTH it returned:
 * the ticket is recomputed from timeout, cpHashA, policyRef and authName with the proof of the ticket's
 * hierarchy, then the policy is updated as that command would have, with authName as the entity's Name.
 * The TPM2B_TIMEOUT is this TPM's format (see {@link PolicyAuthSupport}): its top bit says the ticket
 * expires on TPM Reset.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): policySession is a trial session;</li>
 *   <li>TPM_RC_SIZE (parameter 1): timeout is not eight octets;</li>
 *   <li>TPM_RC_EXPIRED (parameter 1): the timeout has passed;</li>
 *   <li>TPM_RC_SIZE (parameter 2): cpHashA is not empty and not the size of the session's digest;</li>
 *   <li>TPM_RC_CPHASH: cpHashA differs from a cpHash the session already requires;</li>
 *   <li>TPM_RC_TICKET (parameter 5): the ticket does not match (another TPM, hierarchy, reset or epoch, or
 *       changed parameters);</li>
 *   <li>from unmarshalling and the pipeline: TPM_RC_VALUE (handle 1, the ticket's hierarchy or tag),
 *       TPM_RC_TAG (parameter 5: a TPM_ST other than AUTH_SIGNED/AUTH_SECRET), TPM_RC_SIZE.</li>
 * </ul>
 */
public final class PolicyTicketHandler implements CommandHandler<PolicyTicket, EmptyResponse> {
    private static final int TIMEOUT = 1, CP_HASH_A = 2, TICKET = 5;

    @Override
    public EmptyResponse execute(PolicyTicket cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        // input validation
        if (session.isTrial()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        if (cmd.timeout().size() != Long.BYTES) throw new TpmFailure(TpmRc.SIZE.atParameter(TIMEOUT));
        long flagged = ByteBuffer.wrap(cmd.timeout().unsafeArray()).getLong();
        boolean expiresOnReset = (flagged & PolicyAuthSupport.EXPIRATION_BIT) != 0;
        long authTimeout = flagged & ~PolicyAuthSupport.EXPIRATION_BIT;
        PolicySupport.parameterChecks(s, session, authTimeout, cmd.cpHashA(), null, 0, CP_HASH_A, TIMEOUT);
        Bytes expected = Tickets.auth(s, cmd.ticket().tag(), cmd.ticket().hierarchy(), authTimeout, expiresOnReset,
                cmd.cpHashA(), cmd.policyRef(), cmd.authName());
        if (!MessageDigest.isEqual(expected.unsafeArray(), cmd.ticket().digest().unsafeArray())) {
            throw new TpmFailure(TpmRc.TICKET.atParameter(TICKET));
        }
        // internal data update
        int cc = cmd.ticket().tag() == TpmSt.AUTH_SIGNED ? TpmCc.POLICY_SIGNED : TpmCc.POLICY_SECRET;
        PolicySupport.contextUpdate(session, cc, cmd.authName(), cmd.policyRef(), cmd.cpHashA(), authTimeout);
        return EmptyResponse.INSTANCE;
    }
}
