package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceCompleteResponse;

/**
 * TPM2_SequenceComplete (Part 3, 17.5): adds {@code buffer} to a hash sequence, returns the digest
 * and flushes the sequence object. The TPMT_TK_HASHCHECK ticket follows TPM2_Hash: the NULL ticket
 * for TPM_RH_NULL, or when the sequence's first block (this {@code buffer} if there was no
 * SequenceUpdate) began with TPM_GENERATED_VALUE or was shorter than it; otherwise the proof HMAC of
 * {@code hierarchy}. An HMAC sequence (TPM2_HMAC_Start) returns its HMAC and the NULL ticket.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_MODE (handle 1): {@code sequenceHandle} is an event sequence (use
 *       TPM2_EventSequenceComplete), or not a sequence object; the object stays loaded;</li>
 *   <li>TPM_RC_VALUE (handle 1): {@code sequenceHandle} is not an object handle (TPMI_DH_OBJECT,
 *       checked with the handle area);</li>
 *   <li>TPM_RC_HANDLE (handle 1): no object at {@code sequenceHandle} (from the handle stage);</li>
 *   <li>TPM_RC_AUTH_FAIL (session 1): wrong password for the sequence (from authorization);</li>
 *   <li>TPM_RC_SIZE (parameter 1): {@code buffer} longer than 1024, from unmarshalling;</li>
 *   <li>TPM_RC_VALUE (parameter 2): {@code hierarchy} is not a hierarchy or TPM_RH_NULL, from
 *       unmarshalling.</li>
 * </ul>
 */
public final class SequenceCompleteHandler implements CommandHandler<SequenceComplete, SequenceCompleteResponse> {

    @Override
    public SequenceCompleteResponse execute(SequenceComplete cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        HashSequence seq = HashSupport.sequence(s, cmd.sequenceHandle(), 1);
        if (seq.isEvent()) throw new TpmFailure(TpmRc.MODE.atHandle(1));
        // command output
        boolean safe = seq.ticketSafe(cmd.buffer());
        Bytes result = seq.finish(cmd.buffer());
        // an HMAC sequence (TPM2_HMAC_Start) returns the HMAC and the NULL ticket, as ms-tpm does
        var validation = seq.isHmac() ? dev.jtpm.types.structure.TpmtTkHashcheck.nullTicket()
                : HashSupport.ticket(s, cmd.hierarchy(), seq.hashAlg(), result, safe);
        // internal data update
        s.objects.remove(cmd.sequenceHandle());
        return new SequenceCompleteResponse(result, validation);
    }
}
