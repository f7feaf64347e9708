package dev.jtpm.engine.command.object;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ObjectChangeAuth;
import dev.jtpm.types.command.ObjectChangeAuthResponse;
import dev.jtpm.types.structure.TpmtSensitive;

/**
 * TPM2_ObjectChangeAuth (Part 3, 12.8): returns the object's private area with a new authValue,
 * protected by its parent. The loaded object keeps its old authValue; the caller loads the new private
 * area to use the new one. That {@code parentHandle} is the object's parent is checked as ms-tpm
 * checks it: the object's Qualified Name must be the one the parent's QN gives. Authorization is ADMIN
 * role (a policy session when adminWithPolicy is set).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): the object is a sequence object (or has no sensitive area);</li>
 *   <li>TPM_RC_SIZE (parameter 1): newAuth longer than the object's nameAlg digest;</li>
 *   <li>TPM_RC_TYPE (handle 2): parentHandle is not the object's parent (a primary object has none here).</li>
 * </ul>
 */
public final class ObjectChangeAuthHandler implements CommandHandler<ObjectChangeAuth, ObjectChangeAuthResponse> {

    @Override
    public ObjectChangeAuthResponse execute(ObjectChangeAuth cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        TpmObject object = ObjectSupport.object(s, cmd.objectHandle(), 1);
        if (object.publicOnly()) throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        int nameAlg = object.publicArea().nameAlg();
        Secret newAuth = ObjectSupport.adjustAuth(cmd.newAuth(), nameAlg, 1);
        if (!(s.objects.get(cmd.parentHandle()) instanceof TpmObject parent) || !parent.isStorageParent()
                || !ObjectSupport.qualifiedName(parent.qualifiedName(), nameAlg, object.name()).equals(object.qualifiedName())) {
            throw new TpmFailure(TpmRc.TYPE.atHandle(2));
        }

        // command output
        TpmtSensitive old = object.sensitive();
        TpmtSensitive sensitive = new TpmtSensitive(old.sensitiveType(), newAuth, old.seedValue(), old.sensitive());
        Bytes outPrivate = ObjectSupport.toPrivate(parent, object.name(), sensitive);
        return new ObjectChangeAuthResponse(outPrivate);
    }
}
