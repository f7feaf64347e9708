package dev.jtpm.engine.command.duplication;

import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.object.ObjectSupport;
import dev.jtpm.engine.crypto.SecretExchange;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.Duplicate;
import dev.jtpm.types.command.DuplicateResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmtSymDefObject;

/**
 * TPM2_Duplicate (Part 3, 13.1; Part 1, 23.3): the sensitive area of a loaded object that is not fixedParent,
 * wrapped for a new parent ({@link DuplicationSupport}): an inner wrapper when symmetricAlg is not TPM_ALG_NULL,
 * with the caller's encryptionKeyIn or a key the TPM draws and returns as encryptionKeyOut; an outer wrapper
 * keyed by a seed shared with newParentHandle (label "DUPLICATE"), none for TPM_RH_NULL. The object's DUP role
 * needs a policy session (PolicyCommandCode(TPM2_Duplicate) or PolicyDuplicationSelect, whose nameHash the
 * pipeline checks). newParentHandle may be a public area loaded with TPM2_LoadExternal (another TPM's parent).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the object is fixedParent (and so fixedTPM objects too);</li>
 *   <li>TPM_RC_TYPE (handle 1): the object is a sequence; its nameAlg is TPM_ALG_NULL or it is a public area alone
 *       (a guard: authorization refuses both first, with TPM_RC_AUTH_UNAVAILABLE or a policy that cannot match);</li>
 *   <li>TPM_RC_TYPE (handle 2): newParentHandle is neither TPM_RH_NULL nor an RSA/ECC restricted decryption key
 *       without sign;</li>
 *   <li>TPM_RC_SYMMETRIC (parameter 2): the object is encryptedDuplication and symmetricAlg is TPM_ALG_NULL;
 *       TPM_RC_HIERARCHY (handle 2): it is encryptedDuplication and the new parent is TPM_RH_NULL;</li>
 *   <li>TPM_RC_SIZE (parameter 1): an encryptionKeyIn with TPM_ALG_NULL, or not of symmetricAlg's key size;</li>
 *   <li>TPM_RC_KEY, TPM_RC_VALUE (no index): the new parent's ECC point is off its curve, or its RSA modulus is
 *       too short for OAEP with its nameAlg.</li>
 * </ul>
 */
public final class DuplicateHandler implements CommandHandler<Duplicate, DuplicateResponse> {

    @Override
    public DuplicateResponse execute(Duplicate cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        TpmObject object = ObjectSupport.object(s, cmd.objectHandle(), 1);
        boolean toNull = cmd.newParentHandle() == TpmRh.NULL;
        TpmaObject a = object.attributes();
        if (a.fixedParent()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        if (object.publicArea().nameAlg() == TpmAlg.NULL || object.publicOnly()) throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        if (!toNull && !ObjectSupport.isStorage(s.objects.get(cmd.newParentHandle()))) {
            throw new TpmFailure(TpmRc.TYPE.atHandle(2));
        }
        TpmtSymDefObject sym = cmd.symmetricAlg();
        boolean inner = sym.algorithm() != TpmAlg.NULL;
        if (a.encryptedDuplication()) {
            if (!inner) throw new TpmFailure(TpmRc.SYMMETRIC.atParameter(2));
            if (toNull) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(2));
        }
        int keyIn = cmd.encryptionKeyIn().size();
        if (!inner ? keyIn != 0 : keyIn != 0 && keyIn != DuplicationSupport.innerKeySize(sym)) {
            throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        }

        // command output
        RandomBits random = b -> s.platform.entropy().nextBytes(b);
        TpmObject newParent = toNull ? null : (TpmObject) s.objects.get(cmd.newParentHandle());
        Secret seed = Secret.EMPTY;
        Bytes outSymSeed = Bytes.EMPTY;
        if (!toNull) {
            SecretExchange.Shared shared = SecretExchange.encrypt(newParent, SecretExchange.DUPLICATE, random);
            seed = shared.seed();
            outSymSeed = shared.encryptedSecret();
        }
        Secret innerKey = Secret.EMPTY;
        Bytes keyOut = Bytes.EMPTY;
        if (inner) {
            if (keyIn != 0) {
                innerKey = Secret.of(cmd.encryptionKeyIn().toArray());
            } else {
                byte[] k = random.next(DuplicationSupport.innerKeySize(sym));
                innerKey = Secret.of(k);
                keyOut = Bytes.wrap(k.clone());
            }
        }
        Bytes duplicate = DuplicationSupport.sensitiveToDuplicate(object.sensitive(), object.name(),
                object.publicArea().nameAlg(), newParent, seed, sym, innerKey);
        return new DuplicateResponse(keyOut, duplicate, outSymSeed);
    }
}
