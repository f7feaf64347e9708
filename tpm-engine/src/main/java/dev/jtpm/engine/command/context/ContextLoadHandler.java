package dev.jtpm.engine.command.context;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.SessionContexts;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextLoadResponse;

/**
 * TPM2_ContextLoad (Part 3, 28.3): loads a saved session back into its handle, or a saved object
 * into a new transient handle.
 *
 * <p>Response codes: TPM_RC_HANDLE (parameter 1) when the session is not saved or the context is
 * not its latest; TPM_RC_INTEGRITY (parameter 1) for a changed context or one of an earlier TPM
 * Reset; TPM_RC_SESSION_MEMORY when every session slot is taken; TPM_RC_VALUE (parameter 1) for a
 * saved handle of the wrong kind (by the codec). Objects ({@link ObjectContexts}): TPM_RC_HIERARCHY
 * (parameter 1) for a disabled hierarchy, TPM_RC_INTEGRITY (parameter 1) for a changed context or one
 * from before a TPM Reset or a change of the hierarchy's proof, TPM_RC_OBJECT_MEMORY when the
 * transient slots are full.
 */
public final class ContextLoadHandler implements CommandHandler<ContextLoad, ContextLoadResponse> {
    @Override
    public ContextLoadResponse execute(ContextLoad cmd, CommandContext ctx) {
        int h = cmd.context().savedHandle();
        return switch (TpmHt.of(h)) {
            case TpmHt.HMAC_SESSION, TpmHt.POLICY_SESSION -> new ContextLoadResponse(SessionContexts.load(ctx.state(), cmd.context()));
            case TpmHt.TRANSIENT -> {
                if (h != ObjectContexts.SAVED_OBJECT && h != ObjectContexts.SAVED_SEQUENCE && h != ObjectContexts.SAVED_ST_CLEAR) {
                    throw new TpmFailure(TpmRc.HANDLE.atParameter(1));
                }
                if (ctx.state().objects.count() >= dev.jtpm.engine.state.TransientObjects.MAX_LOADED) {
                    throw new TpmFailure(TpmRc.OBJECT_MEMORY);
                }
                yield new ContextLoadResponse(ObjectContexts.load(ctx.state(), cmd.context()));
            }
            default -> throw new TpmFailure(TpmRc.HANDLE.atParameter(1));
        };
    }
}
