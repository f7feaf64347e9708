package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.PcrReadResponse;
import dev.jtpm.types.structure.TpmlDigest;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_PCR_Read (Part 3, 22.4): the values of the selected PCRs, in selection order (entry by
 * entry, PCR 0 upwards), with pcrUpdateCounter.
 *
 * <p>pcrSelectionOut has one entry per entry of pcrSelectionIn, same hash and same size, with only
 * the bits of PCRs whose value is returned: bits of PCRs not allocated in that bank are cleared
 * (a bank with no allocated PCR keeps its entry with an empty bit map), and once eight digests
 * (the size of TPML_DIGEST) have been returned every later bit is cleared. This is ms-tpm-20-ref's
 * PCRRead, so a caller reads the rest by sending the remaining selection again.
 *
 * <p>Response codes (all from unmarshalling pcrSelectionIn, parameter 1):
 * <ul>
 *   <li>TPM_RC_HASH: a selection names a hash this TPM does not implement</li>
 *   <li>TPM_RC_VALUE: sizeofSelect outside PCR_SELECT_MIN..PCR_SELECT_MAX (3..3)</li>
 *   <li>TPM_RC_SIZE: more than HASH_COUNT selections</li>
 * </ul>
 */
public final class PcrReadHandler implements CommandHandler<PcrRead, PcrReadResponse> {
    /** The capacity of TPML_DIGEST. */
    static final int MAX_DIGESTS = 8;

    @Override
    public PcrReadResponse execute(PcrRead cmd, CommandContext ctx) {
        PcrBanks pcrs = ctx.state().pcrs;
        List<TpmsPcrSelection> selectionOut = new ArrayList<>();
        List<Bytes> values = new ArrayList<>(MAX_DIGESTS);
        for (TpmsPcrSelection in : cmd.pcrSelectionIn().pcrSelections()) {
            byte[] bits = new byte[in.pcrSelect().size()];
            for (int pcr = 0; pcr < PcrAttributes.COUNT && values.size() < MAX_DIGESTS; pcr++) {
                if (!in.isSelected(pcr) || !pcrs.isAllocated(in.hash(), pcr)) continue;
                bits[pcr / 8] |= (byte) (1 << (pcr % 8));
                values.add(pcrs.read(in.hash(), pcr));
            }
            selectionOut.add(new TpmsPcrSelection(in.hash(), Bytes.wrap(bits)));
        }
        return new PcrReadResponse(pcrs.updateCounter(), new TpmlPcrSelection(selectionOut), new TpmlDigest(values));
    }
}
