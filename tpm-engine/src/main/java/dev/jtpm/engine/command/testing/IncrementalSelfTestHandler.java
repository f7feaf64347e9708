package dev.jtpm.engine.command.testing;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.Algorithms;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.IncrementalSelfTest;
import dev.jtpm.types.command.IncrementalSelfTestResponse;

/**
 * TPM2_IncrementalSelfTest (Part 3, 10.3): tests the listed algorithms and returns those still
 * untested (toDoList). Testing is instantaneous, so what was listed is done when the command
 * returns; after TPM2_SelfTest the list is empty.
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) when toTest names an algorithm the TPM does not
 * implement (TPM_ALG_NULL included; nothing is tested then), as libtpms answers; TPM_RC_SIZE
 * (parameter 1) for more than MAX_ALG_LIST_SIZE (64) entries (by the codec).
 */
public final class IncrementalSelfTestHandler implements CommandHandler<IncrementalSelfTest, IncrementalSelfTestResponse> {

    @Override
    public IncrementalSelfTestResponse execute(IncrementalSelfTest cmd, CommandContext ctx) {
        for (int alg : cmd.toTest()) {
            if (!Algorithms.isImplemented(alg)) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }
        SelfTests.test(ctx.state(), cmd.toTest());
        return new IncrementalSelfTestResponse(SelfTests.toDo(ctx.state()));
    }
}
