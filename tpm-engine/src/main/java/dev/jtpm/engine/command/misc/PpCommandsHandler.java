package dev.jtpm.engine.command.misc;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.PhysicalPresence;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.command.CommandTable;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PpCommands;
import java.util.function.Supplier;

/**
 * TPM2_PP_Commands (Part 3, 26.2; ms-tpm PP_Commands.c): the codes of setList then need physical presence when
 * platformAuth or platformPolicy authorizes them, those of clearList no longer. Codes of commands this TPM does
 * not implement, and codes that may not be PP-controlled, are ignored in setList; TPM2_PP_Commands itself is ignored
 * in clearList (its physical presence is always required). The list is persistent
 * ({@link PhysicalPresence}).
 *
 * <p>TPM2_PP_Commands is on the list from manufacture and cannot leave it, so it runs only while the platform asserts
 * physical presence; like swtpm 0.7.1, jtpm's platforms never do, and the command always answers TPM_RC_PP.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_PP (session 1): physical presence is not asserted (from the pipeline, before the authorization);</li>
 *   <li>TPM_RC_SIZE (parameter 1 or 2): a list of more than MAX_CAP_CC codes (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1): auth is not TPM_RH_PLATFORM (unmarshalling);</li>
 *   <li>TPM_RC_BAD_AUTH, TPM_RC_AUTH_FAIL, TPM_RC_POLICY_FAIL, … (session 1): from the pipeline.</li>
 * </ul>
 */
public final class PpCommandsHandler implements CommandHandler<PpCommands, EmptyResponse> {
    private final Supplier<CommandTable> commands;

    /** @param commands the implemented commands (only those can change the list) */
    public PpCommandsHandler(Supplier<CommandTable> commands) { this.commands = commands; }

    @Override
    public EmptyResponse execute(PpCommands cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        CommandTable table = commands.get();
        boolean changed = false;
        for (int cc : cmd.setList()) changed |= PhysicalPresence.set(s, table, cc);
        for (int cc : cmd.clearList()) changed |= PhysicalPresence.clear(s, table, cc);
        if (changed) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
