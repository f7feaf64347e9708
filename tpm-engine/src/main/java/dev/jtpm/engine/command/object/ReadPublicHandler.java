package dev.jtpm.engine.command.object;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.ReadPublicResponse;

/**
 * TPM2_ReadPublic (Part 3, 12.4): the public area, Name and Qualified Name of a loaded object. No
 * authorization.
 *
 * <p>Response codes: TPM_RC_SEQUENCE (handle 1) for a hash or event sequence object; TPM_RC_VALUE
 * (handle 1) for a handle that is not an object handle and TPM_RC_REFERENCE_H0 for an empty slot
 * (handle checks).
 */
public final class ReadPublicHandler implements CommandHandler<ReadPublic, ReadPublicResponse> {

    @Override
    public ReadPublicResponse execute(ReadPublic cmd, CommandContext ctx) {
        if (!(ctx.state().objects.get(cmd.objectHandle()) instanceof TpmObject o)) {
            throw new TpmFailure(TpmRc.SEQUENCE.atHandle(1));
        }
        return new ReadPublicResponse(o.publicArea(), o.name(), o.qualifiedName());
    }
}
