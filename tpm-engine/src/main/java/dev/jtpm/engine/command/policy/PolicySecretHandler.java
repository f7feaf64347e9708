package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.command.PolicySecret;
import dev.jtpm.types.command.PolicySecretResponse;

/**
 * TPM2_PolicySecret (Part 3, 23.4; ms-tpm PolicySecret.c): the policy is satisfied by the authorization of
 * authHandle, which the pipeline has already checked (USER role). Then {@code policyDigest :=
 * H(H(policyDigest || TPM_CC_PolicySecret || authHandle.Name) || policyRef)}, a non-empty cpHashA becomes the
 * session's cpHash and a non-zero expiration its timeout. A trial session skips the checks and gets no
 * ticket.
 *
 * <p>With {@code expiration < 0} (outside a trial session) the response carries a TPMT_TK_AUTH
 * (TPM_ST_AUTH_SECRET, the hierarchy of authHandle) and its TPM2B_TIMEOUT; without a nonceTPM the ticket
 * also expires on TPM Reset. Otherwise the timeout is empty and the ticket the NULL ticket (tag
 * TPM_ST_AUTH_SECRET). ms-tpm also refuses a ticket for a PIN Pass index; jtpm has no NV indices yet.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_NONCE (parameter 1): nonceTPM is not empty and not the session's nonceTPM;</li>
 *   <li>TPM_RC_EXPIRED (parameter 4): the expiration has passed;</li>
 *   <li>TPM_RC_SIZE (parameter 2): cpHashA is not empty and not the size of the session's digest;</li>
 *   <li>TPM_RC_CPHASH: cpHashA differs from a cpHash the session already requires;</li>
 *   <li>from unmarshalling and the pipeline: TPM_RC_VALUE (handles), TPM_RC_HANDLE, TPM_RC_AUTH_FAIL /
 *       TPM_RC_BAD_AUTH / TPM_RC_LOCKOUT / TPM_RC_AUTH_MISSING (authHandle's authorization), TPM_RC_SIZE.</li>
 * </ul>
 */
public final class PolicySecretHandler implements CommandHandler<PolicySecret, PolicySecretResponse> {
    private static final int NONCE_TPM = 1, CP_HASH_A = 2, EXPIRATION = 4;

    @Override
    public PolicySecretResponse execute(PolicySecret cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        long authTimeout = 0;
        // input validation (not for a trial session)
        if (!session.isTrial()) {
            authTimeout = PolicySupport.authTimeout(s, session, cmd.expiration(), cmd.nonceTPM());
            PolicySupport.parameterChecks(s, session, authTimeout, cmd.cpHashA(), cmd.nonceTPM(),
                    NONCE_TPM, CP_HASH_A, EXPIRATION);
        }
        // internal data update (trial sessions too)
        Bytes name = Names.of(s, cmd.authHandle());
        PolicySupport.contextUpdate(session, TpmCc.POLICY_SECRET, name, cmd.policyRef(), cmd.cpHashA(), authTimeout);
        // command output
        PolicyAuthSupport.TicketOutput out = PolicyAuthSupport.ticket(s, session, TpmSt.AUTH_SECRET,
                PolicyAuthSupport.entityHierarchy(s, cmd.authHandle()), cmd.expiration(), authTimeout, cmd.nonceTPM(),
                cmd.cpHashA(), cmd.policyRef(), name);
        return new PolicySecretResponse(out.timeout(), out.ticket());
    }
}
