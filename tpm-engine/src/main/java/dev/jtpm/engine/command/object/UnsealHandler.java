package dev.jtpm.engine.command.object;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.Unseal;
import dev.jtpm.types.command.UnsealResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmuSensitiveComposite;

/**
 * TPM2_Unseal (Part 3, 12.7): returns the data of a sealed data object, a keyed-hash object with
 * sign, decrypt and restricted clear. Authorization is USER role.
 *
 * <p>Response codes: TPM_RC_TYPE (handle 1) for an object that is not a keyed-hash object (or a
 * sequence); TPM_RC_ATTRIBUTES (handle 1) when sign, decrypt or restricted is set.
 */
public final class UnsealHandler implements CommandHandler<Unseal, UnsealResponse> {

    @Override
    public UnsealResponse execute(Unseal cmd, CommandContext ctx) {
        // input validation
        if (!(ctx.state().objects.get(cmd.itemHandle()) instanceof TpmObject o) || o.publicArea().type() != TpmAlg.KEYEDHASH) {
            throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        }
        TpmaObject a = o.attributes();
        if (a.decrypt() || a.signEncrypt() || a.restricted()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));

        // command output
        if (o.publicOnly()) return new UnsealResponse(Secret.EMPTY);
        return new UnsealResponse(((TpmuSensitiveComposite.Bits) o.sensitive().sensitive()).bits());
    }
}
