package dev.jtpm.engine.command.nv;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.NvIndices;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.*;
import dev.jtpm.types.structure.TpmaNv;

/**
 * TPM2_NV_Write (Part 3, 31.7). The first write of an ordinary index clears the rest of it (ms-tpm
 * NvWriteIndexData): to 0xFF in NV (libtpms' _plat__NvMemoryClear), to zeros in the RAM of an orderly index.
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION ({@link NvSupport#writeAccess}); TPM_RC_ATTRIBUTES for
 * a counter, bit-field or extend index; TPM_RC_VALUE (parameter 2) for an offset beyond the index; TPM_RC_NV_RANGE
 * for data beyond its end, or less than all of a WRITEALL index.
 */
public final class NvWriteHandler implements CommandHandler<NvWrite, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvWrite cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        NvSupport.checkWrite(cmd.authHandle(), nv);
        int type = nv.type();
        if (type == TpmaNv.NT_COUNTER || type == TpmaNv.NT_BITS || type == TpmaNv.NT_EXTEND) throw new TpmFailure(TpmRc.ATTRIBUTES);
        int size = nv.publicArea().dataSize();
        if (cmd.offset() > size) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
        if (cmd.data().size() > size - cmd.offset()) throw new TpmFailure(TpmRc.NV_RANGE);
        if (nv.has(TpmaNv.WRITEALL) && cmd.data().size() < size) throw new TpmFailure(TpmRc.NV_RANGE);

        byte[] data = nv.data().toArray();
        if (!nv.has(TpmaNv.WRITTEN) && type == TpmaNv.NT_ORDINARY) {
            // libtpms: erased NV (0xFF) for an index in NV, zeros for the RAM of an orderly one
            java.util.Arrays.fill(data, nv.has(TpmaNv.ORDERLY) ? (byte) 0 : (byte) 0xFF);
        }
        System.arraycopy(cmd.data().unsafeArray(), 0, data, cmd.offset(), cmd.data().size());
        NvIndex written = nv.withData(Bytes.wrap(data)).withAttributes(nv.attributes() | TpmaNv.WRITTEN);
        if (NvIndices.update(s, written)) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
