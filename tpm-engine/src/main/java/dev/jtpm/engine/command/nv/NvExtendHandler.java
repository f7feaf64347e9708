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
import dev.jtpm.crypto.Hashes;

/**
 * TPM2_NV_Extend (Part 3, 31.9): data := H_nameAlg(data || input), from zeros when not written.
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION ({@link NvSupport#writeAccess}); TPM_RC_ATTRIBUTES
 * (handle 2) for an index that is not an extend index.
 */
public final class NvExtendHandler implements CommandHandler<NvExtend, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvExtend cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        NvSupport.checkWrite(cmd.authHandle(), nv);
        if (nv.type() != TpmaNv.NT_EXTEND) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));

        int alg = nv.publicArea().nameAlg();
        byte[] old = nv.has(TpmaNv.WRITTEN) ? nv.data().toArray() : new byte[NvSupport.digestSize(alg)];
        byte[] digest = Hashes.hash(alg, old, cmd.data().toArray());
        NvIndex written = nv.withData(Bytes.wrap(digest)).withAttributes(nv.attributes() | TpmaNv.WRITTEN);
        if (NvIndices.update(s, written)) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
