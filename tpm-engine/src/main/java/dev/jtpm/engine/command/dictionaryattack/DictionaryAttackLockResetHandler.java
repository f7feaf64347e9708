package dev.jtpm.engine.command.dictionaryattack;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.DictionaryAttackLockReset;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_DictionaryAttackLockReset (Part 3, 25.2): with lockoutAuth, sets failedTries to zero.
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) unless TPM_RH_LOCKOUT (by the codec); TPM_RC_LOCKOUT
 * while lockoutAuth is disabled (by the authorization stage).
 */
public final class DictionaryAttackLockResetHandler implements CommandHandler<DictionaryAttackLockReset, EmptyResponse> {
    @Override
    public EmptyResponse execute(DictionaryAttackLockReset cmd, CommandContext ctx) {
        ctx.state().persistent.failedTries = 0;
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
