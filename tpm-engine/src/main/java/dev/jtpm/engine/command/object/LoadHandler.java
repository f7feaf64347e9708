package dev.jtpm.engine.command.object;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.LoadResponse;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSensitive;

/**
 * TPM2_Load (Part 3, 12.2): loads an object made by TPM2_Create (or re-wrapped by
 * TPM2_ObjectChangeAuth) under its parent. The outer HMAC over the encrypted sensitive area and the
 * object's Name is checked before anything is decrypted, so a changed bit in inPrivate or a public
 * area that is not the object's fails with TPM_RC_INTEGRITY. The object joins its parent's hierarchy;
 * its Qualified Name extends the parent's.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>TPM_RC_SIZE (parameter 1): inPrivate is empty (checked before the parent, as ms-tpm and libtpms);</li>
 *   <li>TPM_RC_TYPE (handle 1): the parent is not a storage parent;</li>
 *   <li>TPM_RC_HASH (parameter 2): the nameAlg of inPublic is TPM_ALG_NULL;</li>
 *   <li>TPM_RC_SIZE, TPM_RC_INSUFFICIENT, TPM_RC_VALUE (parameter 1): the private area's integrity or IV
 *       size fields are broken, or its IV is not one block of the parent's cipher;</li>
 *   <li>TPM_RC_INTEGRITY (parameter 1): the private area's HMAC does not match (tampered, wrong parent or
 *       wrong public area); TPM_RC_SENSITIVE (parameter 1): the decrypted area does not unmarshal;</li>
 *   <li>TPM_RC_TYPE (parameter 1): the sensitive and public types differ;</li>
 *   <li>TPM_RC_ATTRIBUTES, TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_HASH, TPM_RC_SIZE, TPM_RC_KDF
 *       (parameter 2): as for TPM2_Create;</li>
 *   <li>TPM_RC_KEY (parameter 2), TPM_RC_KEY_SIZE, TPM_RC_BINDING (parameter 1; for ECC keys without an
 *       index, as libtpms): key checks, made only when the parent is not fixedTPM (ms-tpm trusts the
 *       integrity check of a fixedTPM parent).</li>
 * </ul>
 */
public final class LoadHandler implements CommandHandler<Load, LoadResponse> {

    @Override
    public LoadResponse execute(Load cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        ObjectSupport.requireFreeSlot(s);
        if (cmd.inPrivate().isEmpty()) throw new TpmFailure(TpmRc.SIZE.atParameter(1)); // ms-tpm: before the parent
        TpmObject parent = ObjectSupport.storageParent(s, cmd.parentHandle(), 1);
        TpmtPublic pub = cmd.inPublic();
        if (pub.nameAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.HASH.atParameter(2));
        Bytes name = pub.name();
        TpmtSensitive sensitive = ObjectSupport.fromPrivate(parent, name, cmd.inPrivate(), 1);
        ObjectSupport.validateForLoad(parent, pub, sensitive, 2, 1);

        // command output
        TpmObject object = new TpmObject(pub, sensitive,
                ObjectSupport.qualifiedName(parent.qualifiedName(), pub.nameAlg(), name), parent.hierarchy(), false);
        return new LoadResponse(s.objects.add(object), name);
    }
}
