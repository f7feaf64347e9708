package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.EventSequenceCompleteResponse;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmtHa;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_EventSequenceComplete (Part 3, 17.6): adds {@code buffer} to an event sequence, returns
 * its digest for every implemented hash, extends each allocated bank of {@code pcrHandle} with the
 * bank's digest (unless {@code pcrHandle} is TPM_RH_NULL) and flushes the sequence object.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): {@code pcrHandle} is neither a PCR nor TPM_RH_NULL (TPMI_DH_PCR+),
 *       and TPM_RC_VALUE (handle 2): {@code sequenceHandle} is not an object handle
 *       (TPMI_DH_OBJECT), both checked with the handle area;</li>
 *   <li>TPM_RC_MODE (handle 2): {@code sequenceHandle} is a hash sequence, or not a sequence
 *       object; the object stays loaded;</li>
 *   <li>TPM_RC_LOCALITY: the PCR may not be extended from the command's locality (PC Client PCR
 *       attributes, {@link PcrAttributes#extendLocalities});</li>
 *   <li>TPM_RC_HANDLE (handle 2): no object at {@code sequenceHandle} (from the handle stage);</li>
 *   <li>TPM_RC_AUTH_FAIL (session 2): wrong password for the sequence (from authorization);</li>
 *   <li>TPM_RC_SIZE (parameter 1): {@code buffer} longer than 1024, from unmarshalling.</li>
 * </ul>
 */
public final class EventSequenceCompleteHandler
        implements CommandHandler<EventSequenceComplete, EventSequenceCompleteResponse> {

    @Override
    public EventSequenceCompleteResponse execute(EventSequenceComplete cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int pcr = cmd.pcrHandle();
        boolean extend = pcr != TpmRh.NULL;
        // input validation
        HashSequence seq = HashSupport.sequence(s, cmd.sequenceHandle(), 2);
        if (!seq.isEvent()) throw new TpmFailure(TpmRc.MODE.atHandle(2));
        if (extend && (PcrAttributes.extendLocalities(pcr) & (1 << ctx.locality())) == 0) {
            throw new TpmFailure(TpmRc.LOCALITY);
        }
        // command output
        int[] algs = seq.algs();
        List<Bytes> digests = seq.finishAll(cmd.buffer());
        List<TpmtHa> results = new ArrayList<>(algs.length);
        for (int i = 0; i < algs.length; i++) results.add(new TpmtHa(algs[i], digests.get(i)));
        // internal data update
        if (extend) {
            for (TpmtHa ha : results) HashSupport.extend(s, pcr, ha.hashAlg(), ha.digest());
        }
        s.objects.remove(cmd.sequenceHandle());
        return new EventSequenceCompleteResponse(new TpmlDigestValues(results));
    }
}
