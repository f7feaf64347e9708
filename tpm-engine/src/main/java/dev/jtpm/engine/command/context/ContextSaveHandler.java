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
 * TPM_RC_REFERENCE_H0 / TPM_RC_HANDLE when nothing is loaded there (by the pipeline). A saved object
 * stays loaded ({@link ObjectContexts}); a hash, HMAC or event sequence is saved with its running digests
 * (savedHandle 0x80000001, the NULL hierarchy, as ms-tpm's SequenceDataExport), so a resource manager can swap
 * it out between its SequenceUpdates.
 */
public final class ContextSaveHandler implements CommandHandler<ContextSave, ContextSaveResponse> {
    @Override
    public ContextSaveResponse execute(ContextSave cmd, CommandContext ctx) {
        int h = cmd.saveHandle();
        return switch (TpmHt.of(h)) {
            case TpmHt.HMAC_SESSION, TpmHt.POLICY_SESSION -> new ContextSaveResponse(SessionContexts.save(ctx.state(), h));
            case TpmHt.TRANSIENT -> {
                yield switch (ctx.state().objects.get(h)) {
                    case dev.jtpm.engine.state.TpmObject o -> new ContextSaveResponse(ObjectContexts.save(ctx.state(), o));
                    case dev.jtpm.engine.state.HashSequence seq -> new ContextSaveResponse(ObjectContexts.save(ctx.state(), seq));
                    case null, default -> throw new TpmFailure(TpmRc.TYPE.atHandle(1));
                };
            }
            default -> throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        };
    }
}
