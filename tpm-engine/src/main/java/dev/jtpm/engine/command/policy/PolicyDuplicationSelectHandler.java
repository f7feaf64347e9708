package dev.jtpm.engine.command.policy;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthSession.RestrictKind;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyDuplicationSelect;

/**
 * TPM2_PolicyDuplicationSelect (Part 3, 23.15): policyDigest := H(policyDigest || TPM_CC_PolicyDuplicationSelect
 * || objectName (only when includeObject) || newParentName || includeObject); the session then requires the
 * nameHash H(objectName || newParentName) and the command TPM2_Duplicate.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_CPHASH: the session already requires a cpHash, nameHash or templateHash</li>
 *   <li>TPM_RC_COMMAND_CODE: the session is already restricted to a command</li>
 * </ul>
 */
public final class PolicyDuplicationSelectHandler implements CommandHandler<PolicyDuplicationSelect, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyDuplicationSelect cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation
        if (session.restrictKind() != RestrictKind.NONE) throw new TpmFailure(TpmRc.CPHASH);
        if (session.commandCode() != 0) throw new TpmFailure(TpmRc.COMMAND_CODE);

        // Command output
        byte[] objectName = cmd.objectName().unsafeArray(), newParentName = cmd.newParentName().unsafeArray();
        session.restrict(RestrictKind.NAME_HASH, Bytes.wrap(Hashes.hash(session.authHash(), objectName, newParentName)));
        byte[] include = {(byte) (cmd.includeObject() ? 1 : 0)};
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_DUPLICATION_SELECT),
                cmd.includeObject() ? objectName : new byte[0], newParentName, include);
        session.commandCode(TpmCc.DUPLICATE);
        return EmptyResponse.INSTANCE;
    }
}
