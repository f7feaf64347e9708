package dev.jtpm.engine.command.context;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.SessionContexts;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.ContextSaveResponse;

/**
 * TPM2_ContextSave (Part 3, 28.2): saves a loaded session (which stays active but leaves its slot)
 * or a transient object, as an encrypted, integrity-protected TPMS_CONTEXT.
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) for a handle that is not a context (by the codec);
 * TPM_RC_REFERENCE_H0 / TPM_RC_HANDLE when nothing is loaded there (by the pipeline); TPM_RC_TYPE
 * (handle 1) for sequence objects, whose digest state cannot be exported yet. A saved object stays
 * loaded ({@link ObjectContexts}).
 */
public final class ContextSaveHandler implements CommandHandler<ContextSave, ContextSaveResponse> {
    @Override
    public ContextSaveResponse execute(ContextSave cmd, CommandContext ctx) {
        int h = cmd.saveHandle();
        return switch (TpmHt.of(h)) {
            case TpmHt.HMAC_SESSION, TpmHt.POLICY_SESSION -> new ContextSaveResponse(SessionContexts.save(ctx.state(), h));
            case TpmHt.TRANSIENT -> {
                if (!(ctx.state().objects.get(h) instanceof dev.jtpm.engine.state.TpmObject o)) {
                    throw new TpmFailure(TpmRc.TYPE.atHandle(1));
                }
                yield new ContextSaveResponse(ObjectContexts.save(ctx.state(), o));
            }
            default -> throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        };
    }
}
