package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmuTemplate;

/**
 * TPM2_CreateLoaded (Part 3, 12.9): creates an object and loads it. Under a hierarchy (or TPM_RH_NULL)
 * the object is a primary one, derived from the hierarchy's seed exactly as TPM2_CreatePrimary derives
 * it (the same template gives the same key) and outPrivate is empty; under a storage parent it is an
 * ordinary object with random keys, returned wrapped as TPM2_Create returns it.
 *
 * <p>Derived objects (under a derivation parent, Part 1, 27.1) are not implemented: a derivation parent
 * (a restricted keyed-hash decryption key with XOR and KDF1_SP800_108) can be created and loaded, but
 * is refused here like any non-parent (TPM_RC_TYPE), where libtpms derives the object.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): the parent object is not a storage parent;</li>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>the unmarshalling codes of the template (TPM_RC_TYPE, _HASH, _VALUE, _CURVE, _SYMMETRIC, _SIZE,
 *       _RESERVED_BITS, … at parameter 2);</li>
 *   <li>TPM_RC_SIZE (parameter 1): userAuth longer than the nameAlg digest;</li>
 *   <li>TPM_RC_ATTRIBUTES, TPM_RC_HASH, TPM_RC_SIZE, TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_KDF
 *       (parameter 2), TPM_RC_KEY_SIZE, TPM_RC_RANGE: as TPM2_Create and TPM2_CreatePrimary.</li>
 * </ul>
 */
public final class CreateLoadedHandler implements CommandHandler<CreateLoaded, CreateLoadedResponse> {

    @Override
    public CreateLoadedResponse execute(CreateLoaded cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int parentHandle = cmd.parentHandle();
        boolean primary = TpmHt.of(parentHandle) == TpmHt.PERMANENT;
        // input validation
        TpmObject parent = primary ? null : ObjectSupport.storageParent(s, parentHandle, 1);
        ObjectSupport.requireFreeSlot(s);
        TpmtPublic template;
        try {
            template = (TpmtPublic) TpmuTemplate.decode(cmd.inPublic(), false);
        } catch (TpmFailure e) {
            throw new TpmFailure(e.rc().atParameter(2));
        }
        Secret auth = ObjectSupport.adjustAuth(cmd.inSensitive().userAuth(), template.nameAlg(), 1);
        ObjectSupport.createChecks(parent, template, cmd.inSensitive().data().size(), 2);

        // command output
        ObjectSupport.Source source;
        if (primary) {
            byte[] context = PrimaryKeys.templateContext(template.nameAlg(), template.marshal().unsafeArray(),
                    cmd.inSensitive().data().toArray());
            source = new ObjectSupport.Source.Primary(ObjectSupport.primarySeed(s, parentHandle), context);
        } else {
            RandomBits random = b -> s.platform.entropy().nextBytes(b);
            source = new ObjectSupport.Source.Random(random);
        }
        ObjectSupport.Created c = ObjectSupport.create(template, cmd.inSensitive(), auth, source);
        Bytes name = c.publicArea().name();
        Bytes parentQn = ObjectSupport.parentQualifiedName(s, parentHandle);
        int hierarchy = primary ? parentHandle : parent.hierarchy();
        TpmObject object = new TpmObject(c.publicArea(), c.sensitive(),
                ObjectSupport.qualifiedName(parentQn, template.nameAlg(), name), hierarchy, primary);
        Bytes outPrivate = primary ? Bytes.EMPTY : ObjectSupport.toPrivate(parent, name, c.sensitive());
        int handle = s.objects.add(object);
        return new CreateLoadedResponse(handle, outPrivate, c.publicArea(), name);
    }
}
