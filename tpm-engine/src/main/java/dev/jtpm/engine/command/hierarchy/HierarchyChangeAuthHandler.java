package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.HierarchyChangeAuth;

/**
 * TPM2_HierarchyChangeAuth (Part 3, 24.8): sets ownerAuth, endorsementAuth, lockoutAuth or
 * platformAuth (trailing zeros removed). The response HMAC already uses the new value.
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) for another handle, TPM_RC_SIZE (parameter 1) for a
 * newAuth longer than a digest (by the codec).
 */
public final class HierarchyChangeAuthHandler implements CommandHandler<HierarchyChangeAuth, EmptyResponse> {
    @Override
    public EmptyResponse execute(HierarchyChangeAuth cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        Secret auth = cmd.newAuth().trimTrailingZeros();
        switch (cmd.authHandle()) {
            case TpmRh.OWNER -> s.persistent.ownerAuth = auth;
            case TpmRh.ENDORSEMENT -> s.persistent.endorsementAuth = auth;
            case TpmRh.LOCKOUT -> s.persistent.lockoutAuth = auth;
            case TpmRh.PLATFORM -> s.stateClear = s.stateClear.withPlatformAuth(auth);
            default -> throw new IllegalStateException("handle type checked by the codec");
        }
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
