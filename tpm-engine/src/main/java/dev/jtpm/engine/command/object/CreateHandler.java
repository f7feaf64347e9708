package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.structure.TpmtPublic;

/**
 * TPM2_Create (Part 3, 12.1): creates an ordinary object under a storage parent with keys from the
 * TPM's random number generator (or the caller's data: sealed data, imported symmetric and HMAC
 * keys), and returns it with its private area protected by the parent (Part 1, 22: KDFa("STORAGE")
 * CFB encryption and an outer HMAC keyed from the parent's seedValue). The object is not loaded.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): the parent is not a storage parent (restricted decryption key), or a sequence;</li>
 *   <li>TPM_RC_OBJECT_MEMORY: no free transient slot (ms-tpm needs one to build the object);</li>
 *   <li>TPM_RC_ATTRIBUTES (parameter 2): sensitiveDataOrigin against the data given, fixedTPM/fixedParent
 *       against the parent, sign/decrypt/restricted, encryptedDuplication;</li>
 *   <li>TPM_RC_HASH (parameter 2): nameAlg TPM_ALG_NULL, or a non-duplicable storage key whose nameAlg
 *       differs from its parent's;</li>
 *   <li>TPM_RC_SYMMETRIC (parameter 2): a storage key without symmetric algorithm, another key with
 *       one, or a non-duplicable storage key with a definition other than its parent's;</li>
 *   <li>TPM_RC_SCHEME, TPM_RC_KDF (parameter 2): schemes inconsistent with the attributes;</li>
 *   <li>TPM_RC_SIZE (parameter 2): authPolicy size; (parameter 1): userAuth longer than the nameAlg digest;</li>
 *   <li>TPM_RC_KEY_SIZE, TPM_RC_SIZE, TPM_RC_RANGE: provided key sizes and RSA exponent (no index);</li>
 *   <li>unmarshalling codes of the parameters (TPM_RC_TYPE, _VALUE, _CURVE, _HASH, … at parameter 2).</li>
 * </ul>
 */
public final class CreateHandler implements CommandHandler<Create, CreateResponse> {

    @Override
    public CreateResponse execute(Create cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        TpmObject parent = ObjectSupport.storageParent(s, cmd.parentHandle(), 1);
        ObjectSupport.requireFreeSlot(s);
        TpmtPublic template = cmd.inPublic();
        ObjectSupport.createChecks(parent, template, cmd.inSensitive().data().size(), 2);
        Secret auth = ObjectSupport.adjustAuth(cmd.inSensitive().userAuth(), template.nameAlg(), 1);

        // command output
        RandomBits random = b -> s.platform.entropy().nextBytes(b);
        ObjectSupport.Created c = ObjectSupport.create(template, cmd.inSensitive(), auth, new ObjectSupport.Source.Random(random));
        Bytes name = c.publicArea().name();
        ObjectSupport.CreationOut creation = ObjectSupport.creation(s, cmd.parentHandle(), parent.hierarchy(),
                template.nameAlg(), name, cmd.creationPCR(), cmd.outsideInfo(), ctx.locality());
        Bytes outPrivate = ObjectSupport.toPrivate(parent, name, c.sensitive());
        return new CreateResponse(outPrivate, c.publicArea(), creation.data(), creation.hash(), creation.ticket());
    }
}
