package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.DerivedKeys;
import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.structure.TpmsDerive;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtDerivedTemplate;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import dev.jtpm.types.structure.TpmuTemplate;

/**
 * TPM2_CreateLoaded (Part 3, 12.9): creates an object and loads it. Under a hierarchy (or TPM_RH_NULL)
 * the object is a primary one, derived from the hierarchy's seed exactly as TPM2_CreatePrimary derives
 * it (the same template gives the same key) and outPrivate is empty; under a storage parent it is an
 * ordinary object with random keys, returned wrapped as TPM2_Create returns it.
 *
 * <p>Under a derivation parent (a restricted keyed-hash decryption key with the XOR scheme and
 * KDF1_SP800_108, Part 1, 27.1) the object is derived: the template's unique field is a TPMS_DERIVE
 * (label and context; where either is empty, inSensitive.data, if given, supplies it as a TPMS_DERIVE), and
 * the key and seedValue come from KDFa(the parent's XOR hash, the parent's bits, label, context) as
 * tpm-crypto's {@code DerivedKeys} describes, so the same parent, template, label and context give the same
 * object; outPrivate is empty, as libtpms returns it (checked against swtpm).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): the parent object is neither a storage parent nor a derivation parent;</li>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>the unmarshalling codes of the template (TPM_RC_TYPE, _HASH, _VALUE, _CURVE, _SYMMETRIC, _SIZE,
 *       _RESERVED_BITS, … at parameter 2);</li>
 *   <li>TPM_RC_SIZE (parameter 1): userAuth longer than the nameAlg digest;</li>
 *   <li>TPM_RC_ATTRIBUTES, TPM_RC_HASH, TPM_RC_SIZE, TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_KDF
 *       (parameter 2), TPM_RC_KEY_SIZE, TPM_RC_KEY, TPM_RC_RANGE: as TPM2_Create and TPM2_CreatePrimary;</li>
 *   <li>derived objects: TPM_RC_TYPE (parameter 2) for an RSA template; TPM_RC_ATTRIBUTES (no index, as
 *       libtpms) when sensitiveDataOrigin is set; the unmarshalling code of a TPMS_DERIVE in inSensitive.data
 *       (no index, e.g. TPM_RC_INSUFFICIENT).</li>
 * </ul>
 */
public final class CreateLoadedHandler implements CommandHandler<CreateLoaded, CreateLoadedResponse> {

    @Override
    public CreateLoadedResponse execute(CreateLoaded cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int parentHandle = cmd.parentHandle();
        boolean primary = TpmHt.of(parentHandle) == TpmHt.PERMANENT;
        // input validation
        boolean derivation = !primary && s.objects.get(parentHandle) instanceof TpmObject o && o.isDerivationParent();
        TpmObject parent = primary ? null : derivation ? (TpmObject) s.objects.get(parentHandle)
                : ObjectSupport.storageParent(s, parentHandle, 1);
        ObjectSupport.requireFreeSlot(s);
        TpmuTemplate decoded;
        try {
            decoded = TpmuTemplate.decode(cmd.inPublic(), derivation);
        } catch (TpmFailure e) {
            throw new TpmFailure(e.rc().atParameter(2));
        }
        Secret auth = ObjectSupport.adjustAuth(cmd.inSensitive().userAuth(), decoded.nameAlg(), 1);
        TpmtPublic template;
        ObjectSupport.Source source;
        TpmsSensitiveCreate inSensitive = cmd.inSensitive();
        if (derivation) {
            TpmtDerivedTemplate d = (TpmtDerivedTemplate) decoded;
            if (d.type() == TpmAlg.RSA) throw new TpmFailure(TpmRc.TYPE.atParameter(2));
            if (d.objectAttributes().sensitiveDataOrigin()) throw new TpmFailure(TpmRc.ATTRIBUTES);
            template = TpmtPublic.of(d.nameAlg(), d.objectAttributes(), d.authPolicy(), d.parameters());
            ObjectSupport.publicAttributesValidation(parent, template, 2);
            TpmsDerive labelContext = labelAndContext(d.unique(), inSensitive.data());
            source = new ObjectSupport.Source.Derived(DerivedKeys.drbg(xorHash(parent), parentBits(parent),
                    labelContext.label().toArray(), labelContext.context().toArray()));
            inSensitive = new TpmsSensitiveCreate(inSensitive.userAuth(), Secret.EMPTY);
        } else {
            template = (TpmtPublic) decoded;
            ObjectSupport.createChecks(parent, template, inSensitive.data().size(), 2);
            if (primary) {
                byte[] context = PrimaryKeys.templateContext(template.nameAlg(), template.marshal().unsafeArray(),
                        inSensitive.data().toArray());
                source = new ObjectSupport.Source.Primary(ObjectSupport.primarySeed(s, parentHandle), context);
            } else {
                RandomBits random = b -> s.platform.entropy().nextBytes(b);
                source = new ObjectSupport.Source.Random(random);
            }
        }

        // command output
        ObjectSupport.Created c = ObjectSupport.create(template, inSensitive, auth, source);
        Bytes name = c.publicArea().name();
        Bytes parentQn = ObjectSupport.parentQualifiedName(s, parentHandle);
        int hierarchy = primary ? parentHandle : parent.hierarchy();
        TpmObject object = new TpmObject(c.publicArea(), c.sensitive(),
                ObjectSupport.qualifiedName(parentQn, template.nameAlg(), name), hierarchy, primary);
        Bytes outPrivate = primary || derivation ? Bytes.EMPTY : ObjectSupport.toPrivate(parent, name, c.sensitive());
        int handle = s.objects.add(object);
        return new CreateLoadedResponse(handle, outPrivate, c.publicArea(), name);
    }

    /**
     * The label and context of a derivation (ms-tpm SetLabelAndContext): the template's, where empty replaced
     * by those of the TPMS_DERIVE in {@code sensitiveData} (octets after it are ignored, as libtpms does).
     */
    private static TpmsDerive labelAndContext(TpmsDerive fromTemplate, Secret sensitiveData) {
        if (sensitiveData.isEmpty()) return fromTemplate;
        TpmsDerive given = TpmCodec.of(TpmsDerive.class).read(new TpmReader(sensitiveData.toArray()));
        return new TpmsDerive(fromTemplate.label().isEmpty() ? given.label() : fromTemplate.label(),
                fromTemplate.context().isEmpty() ? given.context() : fromTemplate.context());
    }

    /** The hash of a derivation parent's XOR scheme (its KDF is KDF1_SP800_108: object checks require it). */
    private static int xorHash(TpmObject parent) {
        var details = ((TpmsKeyedhashParms) parent.publicArea().parameters()).scheme().details();
        return ((TpmuSchemeKeyedhash.Xor) details).hashAlg();
    }

    private static Secret parentBits(TpmObject parent) {
        return ((TpmuSensitiveComposite.Bits) parent.sensitive().sensitive()).bits();
    }
}
