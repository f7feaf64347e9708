package dev.jtpm.engine.command.context;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.FlushContext;

/**
 * TPM2_FlushContext (Part 3, 28.4): removes a transient object or a session, loaded or saved.
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) for a handle that is neither transient nor a
 * session (TPMI_DH_CONTEXT); TPM_RC_HANDLE (parameter 1) when nothing is loaded at that handle.
 */
public final class FlushContextHandler implements CommandHandler<FlushContext, EmptyResponse> {

    @Override
    public EmptyResponse execute(FlushContext cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int h = cmd.flushHandle();
        switch (TpmHt.of(h)) {
            case TpmHt.TRANSIENT -> {
                if (s.objects.get(h) == null) throw new TpmFailure(TpmRc.HANDLE.atParameter(1));
                if (s.drtmSequence != null && s.objects.get(h) == s.drtmSequence) s.drtmSequence = null;
                s.objects.remove(h);
            }
            case TpmHt.HMAC_SESSION, TpmHt.POLICY_SESSION -> {
                // ms-tpm finds a session by its index whatever the handle's type says (SessionIsLoaded/IsSaved), so a
                // saved policy session listed by GetCapability as 0x02xxxxxx is flushed by that handle too
                int other = h ^ 0x01000000;
                int session = s.sessions.get(h) != null || s.sessions.savedSequence(h) != null ? h
                        : s.sessions.get(other) != null || s.sessions.savedSequence(other) != null ? other : h;
                if (s.sessions.get(session) != null) s.sessions.remove(session);
                else if (!s.sessions.removeSaved(session)) throw new TpmFailure(TpmRc.HANDLE.atParameter(1));
                if (s.exclusiveAuditSession == session) s.exclusiveAuditSession = dev.jtpm.types.TpmRh.UNASSIGNED;
            }
            default -> throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }
        return EmptyResponse.INSTANCE;
    }
}
