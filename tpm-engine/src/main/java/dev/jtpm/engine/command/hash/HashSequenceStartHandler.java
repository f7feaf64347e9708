package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.HashSequenceStartResponse;

/**
 * TPM2_HashSequenceStart (Part 3, 17.3): loads a hash sequence object for {@code hashAlg}, or an
 * event sequence object (one digest per implemented hash) when {@code hashAlg} is TPM_ALG_NULL.
 * The object's authValue is {@code auth} without trailing zero octets (Part 1, 19.6.4).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>TPM_RC_SIZE (parameter 1): {@code auth} longer than the largest digest (64), from unmarshalling;</li>
 *   <li>TPM_RC_HASH (parameter 2): {@code hashAlg} is neither an implemented hash nor TPM_ALG_NULL,
 *       from unmarshalling.</li>
 * </ul>
 */
public final class HashSequenceStartHandler implements CommandHandler<HashSequenceStart, HashSequenceStartResponse> {

    @Override
    public HashSequenceStartResponse execute(HashSequenceStart cmd, CommandContext ctx) {
        Secret auth = Secret.of(cmd.auth());
        HashSequence seq = cmd.hashAlg() == TpmAlg.NULL ? HashSequence.event(auth) : HashSequence.hash(cmd.hashAlg(), auth);
        return new HashSequenceStartResponse(ctx.state().objects.add(seq));
    }
}
