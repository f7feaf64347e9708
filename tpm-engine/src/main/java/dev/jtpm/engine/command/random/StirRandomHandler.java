package dev.jtpm.engine.command.random;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.StirRandom;
import java.security.SecureRandom;

/**
 * TPM2_StirRandom (Part 3, 16.2): adds the caller's data to the RNG state. With a
 * {@link SecureRandom} the data is mixed in with {@code setSeed} (which supplements, never
 * replaces, the seed); a deterministic test RNG is left alone so tests stay repeatable.
 *
 * <p>Response codes: TPM_RC_SIZE (parameter 1) for more than 128 octets (by the codec).
 */
public final class StirRandomHandler implements CommandHandler<StirRandom, EmptyResponse> {

    @Override
    public EmptyResponse execute(StirRandom cmd, CommandContext ctx) {
        if (ctx.state().platform.entropy() instanceof SecureRandom sr && !cmd.inData().isEmpty()) {
            sr.setSeed(cmd.inData().toArray());
        }
        return EmptyResponse.INSTANCE;
    }
}
