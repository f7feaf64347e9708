package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.SequenceUpdate;

/**
 * TPM2_SequenceUpdate (Part 3, 17.4): adds {@code buffer} to a hash or event sequence. For a hash
 * sequence, the first block decides whether SequenceComplete may give a ticket: not if it begins
 * with TPM_GENERATED_VALUE (nor, as in the reference implementation, if it is shorter than that
 * value).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): {@code sequenceHandle} is not an object handle (TPMI_DH_OBJECT,
 *       checked with the handle area);</li>
 *   <li>TPM_RC_HANDLE (handle 1): no object at {@code sequenceHandle} (from the handle stage);</li>
 *   <li>TPM_RC_AUTH_FAIL (session 1): wrong password for the sequence (from authorization);</li>
 *   <li>TPM_RC_SIZE (parameter 1): {@code buffer} longer than MAX_DIGEST_BUFFER (1024), from
 *       unmarshalling;</li>
 *   <li>TPM_RC_MODE (handle 1): the object is not a sequence object. Sequence objects are the only
 *       transient objects so far, so this cannot happen yet.</li>
 * </ul>
 */
public final class SequenceUpdateHandler implements CommandHandler<SequenceUpdate, EmptyResponse> {

    @Override
    public EmptyResponse execute(SequenceUpdate cmd, CommandContext ctx) {
        // input validation
        HashSequence seq = HashSupport.sequence(ctx.state(), cmd.sequenceHandle(), 1);
        // internal data update
        seq.update(cmd.buffer().unsafeArray());
        return EmptyResponse.INSTANCE;
    }
}
