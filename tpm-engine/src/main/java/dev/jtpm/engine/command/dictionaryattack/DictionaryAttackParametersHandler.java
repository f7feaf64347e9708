package dev.jtpm.engine.command.dictionaryattack;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.types.command.DictionaryAttackParameters;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_DictionaryAttackParameters (Part 3, 25.3): sets maxTries, recoveryTime and lockoutRecovery.
 * failedTries is left as it is (the errata's choice, as ms-tpm), so a lower maxTries can put the
 * TPM into lockout at once.
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) unless TPM_RH_LOCKOUT (by the codec); TPM_RC_LOCKOUT
 * while lockoutAuth is disabled (by the authorization stage).
 */
public final class DictionaryAttackParametersHandler implements CommandHandler<DictionaryAttackParameters, EmptyResponse> {
    @Override
    public EmptyResponse execute(DictionaryAttackParameters cmd, CommandContext ctx) {
        PersistentState p = ctx.state().persistent;
        p.maxTries = cmd.newMaxTries();
        p.recoveryTime = cmd.newRecoveryTime();
        p.lockoutRecovery = cmd.lockoutRecovery();
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
