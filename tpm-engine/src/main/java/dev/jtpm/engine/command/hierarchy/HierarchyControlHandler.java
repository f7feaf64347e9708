package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.HierarchyControl;

/**
 * TPM2_HierarchyControl (Part 3, 24.9): enables or disables the platform, storage or endorsement
 * hierarchy, or platform NV. A disabled hierarchy's loaded objects are flushed and its handle
 * answers TPM_RC_HIERARCHY until it is enabled again (platform: at the next Startup).
 *
 * <p>Response codes: TPM_RC_AUTH_TYPE when authHandle may not change that enable (platform needs
 * platformAuth; owner/endorsement need their own or platform auth, and only platform may re-enable
 * them); TPM_RC_VALUE for handles of the wrong type (by the codec).
 */
public final class HierarchyControlHandler implements CommandHandler<HierarchyControl, EmptyResponse> {
    @Override
    public EmptyResponse execute(HierarchyControl cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int auth = cmd.authHandle();
        boolean set = cmd.state();
        switch (cmd.enable()) {
            case TpmRh.PLATFORM, TpmRh.PLATFORM_NV -> {
                if (auth != TpmRh.PLATFORM) throw new TpmFailure(TpmRc.AUTH_TYPE);
            }
            case TpmRh.OWNER -> {
                if (auth != TpmRh.PLATFORM && auth != TpmRh.OWNER) throw new TpmFailure(TpmRc.AUTH_TYPE);
                if (!s.stateClear.shEnable() && set && auth != TpmRh.PLATFORM) throw new TpmFailure(TpmRc.AUTH_TYPE);
            }
            case TpmRh.ENDORSEMENT -> {
                if (auth != TpmRh.PLATFORM && auth != TpmRh.ENDORSEMENT) throw new TpmFailure(TpmRc.AUTH_TYPE);
                if (!s.stateClear.ehEnable() && set && auth != TpmRh.PLATFORM) throw new TpmFailure(TpmRc.AUTH_TYPE);
            }
            default -> throw new IllegalStateException("enable checked by the codec");
        }
        boolean changed = switch (cmd.enable()) {
            case TpmRh.OWNER -> s.stateClear.shEnable() != set;
            case TpmRh.ENDORSEMENT -> s.stateClear.ehEnable() != set;
            case TpmRh.PLATFORM -> s.phEnable != set;
            default -> s.stateClear.phEnableNV() != set;
        };
        if (!changed) return EmptyResponse.INSTANCE;
        switch (cmd.enable()) {
            case TpmRh.OWNER -> s.stateClear = s.stateClear.withShEnable(set);
            case TpmRh.ENDORSEMENT -> s.stateClear = s.stateClear.withEhEnable(set);
            case TpmRh.PLATFORM -> s.phEnable = set;
            default -> s.stateClear = s.stateClear.withPhEnableNV(set);
        }
        if (!set && cmd.enable() != TpmRh.PLATFORM_NV) HierarchySupport.flushObjects(s, cmd.enable());
        return EmptyResponse.INSTANCE;
    }
}
