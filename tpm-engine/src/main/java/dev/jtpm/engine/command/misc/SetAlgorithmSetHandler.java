package dev.jtpm.engine.command.misc;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.SetAlgorithmSet;

/**
 * TPM2_SetAlgorithmSet (Part 3, 26.3; ms-tpm SetAlgorithmSet.c): records the vendor-defined algorithm set
 * ({@code PersistentState.algorithmSet}). Any value is accepted and nothing else changes: as in ms-tpm and libtpms,
 * the TPM defines no algorithm sets, so the value selects nothing.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): authHandle is not TPM_RH_PLATFORM (unmarshalling);</li>
 *   <li>TPM_RC_BAD_AUTH, TPM_RC_AUTH_FAIL, TPM_RC_POLICY_FAIL, … (session 1): from the pipeline (TPM2_SetAlgorithmSet
 *       may not be PP-controlled, so never TPM_RC_PP).</li>
 * </ul>
 */
public final class SetAlgorithmSetHandler implements CommandHandler<SetAlgorithmSet, EmptyResponse> {
    @Override
    public EmptyResponse execute(SetAlgorithmSet cmd, CommandContext ctx) {
        ctx.state().persistent.algorithmSet = cmd.algorithmSet();
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
