package dev.jtpm.engine.command.random;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.GetRandomResponse;

/**
 * TPM2_GetRandom (Part 3, 16.1): at most the size of the largest digest (64 octets) per call,
 * as the specification allows.
 */
public final class GetRandomHandler implements CommandHandler<GetRandom, GetRandomResponse> {
    /** sizeof(TPMU_HA): the largest TPM2B_DIGEST. */
    static final int MAX_DIGEST = 64;

    @Override
    public GetRandomResponse execute(GetRandom cmd, CommandContext ctx) {
        return new GetRandomResponse(ctx.random(Math.min(cmd.bytesRequested(), MAX_DIGEST)));
    }
}
