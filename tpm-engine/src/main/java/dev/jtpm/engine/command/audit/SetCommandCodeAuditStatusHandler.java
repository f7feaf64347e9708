package dev.jtpm.engine.command.audit;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CommandTable;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.SetCommandCodeAuditStatus;
import java.util.function.Supplier;

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3, 21.2; ms-tpm CommandAuditSet/CommandAuditClear). An auditAlg other than
 * TPM_ALG_NULL and the current audit hash changes the hash (both lists must then be empty) and leaves a one-octet
 * command audit digest, which the audit of this very command turns into an empty one (the next audited command
 * starts a new digest and increments the audit counter). Otherwise the codes of setList are audited from now on and
 * those of clearList no longer; codes of commands this TPM does not implement are ignored, TPM2_Shutdown is never
 * audited and TPM2_SetCommandCodeAuditStatus always is. The audited set and the hash are persistent.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (parameter 1): auditAlg changes the hash while setList or clearList is not empty;</li>
 *   <li>TPM_RC_HASH (parameter 1): auditAlg is not an implemented hash or TPM_ALG_NULL (unmarshalling);</li>
 *   <li>TPM_RC_SIZE (parameter 2 or 3): a list of more than MAX_CAP_CC codes (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1): auth is not TPM_RH_OWNER or TPM_RH_PLATFORM (unmarshalling);</li>
 *   <li>TPM_RC_HIERARCHY (handle 1), TPM_RC_BAD_AUTH / TPM_RC_AUTH_FAIL (session 1): from the pipeline.</li>
 * </ul>
 */
public final class SetCommandCodeAuditStatusHandler implements CommandHandler<SetCommandCodeAuditStatus, EmptyResponse> {
    private final Supplier<CommandTable> commands;

    /** @param commands the implemented commands (only those can be audited) */
    public SetCommandCodeAuditStatusHandler(Supplier<CommandTable> commands) { this.commands = commands; }

    @Override
    public EmptyResponse execute(SetCommandCodeAuditStatus cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        if (cmd.auditAlg() != TpmAlg.NULL && cmd.auditAlg() != p.auditHashAlg) {
            // input validation: the hash and the list cannot change together
            if (!cmd.setList().isEmpty() || !cmd.clearList().isEmpty()) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
            // command output
            p.auditHashAlg = cmd.auditAlg();
            s.commandAuditDigest = Bytes.zeros(1);        // "the algorithm changed": cleared when this command is audited
            ctx.persistentChanged();
            return EmptyResponse.INSTANCE;
        }
        CommandTable table = commands.get();
        boolean changed = false;
        for (int cc : cmd.setList()) {
            if (table.get(cc) != null && cc != TpmCc.SHUTDOWN) changed |= p.auditCommands.add(cc);
        }
        for (int cc : cmd.clearList()) {
            if (table.get(cc) != null && cc != TpmCc.SET_COMMAND_CODE_AUDIT_STATUS) changed |= p.auditCommands.remove(cc);
        }
        if (changed) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
