package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.DerivedKeys;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.structure.TpmsDerive;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtDerivedTemplate;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import dev.jtpm.types.structure.TpmuTemplate;

/**
 * TPM2_CreateLoaded (Part 3, 12.9): creates an object and loads it. Under a hierarchy (or TPM_RH_NULL)
 * the object is a primary one, derived from the hierarchy's seed exactly as TPM2_CreatePrimary derives
 * it (the same template gives the same key) and outPrivate is empty; under a storage parent it is an
 * ordinary object with random keys, returned wrapped as TPM2_Create returns it.
 *
 * <p>Under a derivation parent (a restricted decryption keyed-hash object, Part 1, 27.1; its scheme is
 * XOR with KDF1_SP800_108) the object is derived: inPublic's unique field is a TPMS_DERIVE (label and
 * context, each at most 32 octets), completed from a TPMS_DERIVE in inSensitive.data where the template's
 * are empty (ms-tpm SetLabelAndContext); every secret comes from {@link DerivedKeys#generator} keyed with
 * the parent's sensitive bits, so the same parent, label and context give the same key and Name, on
 * libtpms as here. A derived object's sensitiveDataOrigin is clear, it is fixedParent and has its
 * parent's fixedTPM; RSA is not derived. outPublic carries the computed unique field (the ECC point,
 * or the digest of a keyed-hash or symmetric object), and outPrivate is empty, as for a primary object:
 * a derived object is made again, not loaded.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): the parent object is neither a storage parent nor a derivation parent;</li>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>the unmarshalling codes of the template (TPM_RC_TYPE, _HASH — nameAlg TPM_ALG_NULL included —,
 *       _VALUE, _CURVE, _SYMMETRIC, _SIZE — a label or context longer than 32 octets included —,
 *       _RESERVED_BITS, … at parameter 2);</li>
 *   <li>TPM_RC_SIZE (parameter 1): userAuth longer than the nameAlg digest;</li>
 *   <li>derived objects: TPM_RC_TYPE (parameter 2) for an RSA template; TPM_RC_ATTRIBUTES, without a
 *       parameter index as ms-tpm and libtpms answer, when sensitiveDataOrigin is set; TPM_RC_ATTRIBUTES
 *       (parameter 2) when fixedTPM differs from the parent's or fixedParent is clear; TPM_RC_HASH and
 *       TPM_RC_SYMMETRIC (parameter 2) for a derived storage key (its nameAlg and symmetric definition must
 *       be its parent's, which a keyed-hash parent has not); TPM_RC_SIZE or TPM_RC_INSUFFICIENT, without an
 *       index, when inSensitive.data is not a TPMS_DERIVE;</li>
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
        TpmObject parent = null;
        boolean derivation = false;
        if (!primary) {
            if (s.objects.get(parentHandle) instanceof TpmObject t && t.isDerivationParent()) {
                parent = t;
                derivation = true;
            } else {
                parent = ObjectSupport.storageParent(s, parentHandle, 1);
            }
        }
        ObjectSupport.requireFreeSlot(s);
        TpmuTemplate decoded;
        try {
            decoded = TpmuTemplate.decode(cmd.inPublic(), derivation);
        } catch (TpmFailure e) {
            throw new TpmFailure(e.rc().atParameter(2));
        }
        // ms-tpm UnmarshalToPublic reads nameAlg as TPMI_ALG_HASH, without TPM_ALG_NULL
        if (decoded.nameAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.HASH.atParameter(2));
        Secret auth = ObjectSupport.adjustAuth(cmd.inSensitive().userAuth(), decoded.nameAlg(), 1);

        ObjectSupport.Source source;
        TpmtPublic template;
        TpmsSensitiveCreate inSensitive = cmd.inSensitive();
        if (derivation) {
            TpmtDerivedTemplate t = (TpmtDerivedTemplate) decoded;
            if (t.type() == TpmAlg.RSA) throw new TpmFailure(TpmRc.TYPE.atParameter(2));
            if (t.objectAttributes().sensitiveDataOrigin()) throw new TpmFailure(TpmRc.ATTRIBUTES);
            template = new TpmtPublic(t.type(), t.nameAlg(), t.objectAttributes(), t.authPolicy(), t.parameters(),
                    emptyUnique(t.type()));
            ObjectSupport.publicAttributesValidation(parent, template, 2);
            TpmsDerive labelContext = labelAndContext(t.unique(), inSensitive.data());
            TpmuSchemeKeyedhash.Xor xor = (TpmuSchemeKeyedhash.Xor)
                    ((TpmsKeyedhashParms) parent.publicArea().parameters()).scheme().details();
            Secret parentSecret = ((TpmuSensitiveComposite.Bits) parent.sensitive().sensitive()).bits();
            source = new ObjectSupport.Source.Derived(DerivedKeys.generator(xor.hashAlg(), parentSecret,
                    labelContext.label().toArray(), labelContext.context().toArray()));
            inSensitive = new TpmsSensitiveCreate(inSensitive.userAuth(), Secret.EMPTY);
        } else {
            template = (TpmtPublic) decoded;
            ObjectSupport.createChecks(parent, template, inSensitive.data().size(), 2);
            if (primary) {
                source = ObjectSupport.primarySource(s, parentHandle, template, inSensitive);
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

    /** The unique field of a template before the TPM fills it in (ms-tpm zeroes the public area). */
    private static TpmuPublicId emptyUnique(int type) {
        return switch (type) {
            case TpmAlg.ECC -> new TpmsEccPoint(Bytes.EMPTY, Bytes.EMPTY);
            case TpmAlg.SYMCIPHER -> new TpmuPublicId.Sym(Bytes.EMPTY);
            case TpmAlg.KEYEDHASH -> new TpmuPublicId.KeyedHash(Bytes.EMPTY);
            default -> new TpmuPublicId.Rsa(Bytes.EMPTY);
        };
    }

    /**
     * The label and context of a derivation (ms-tpm SetLabelAndContext): the template's, each one that is
     * empty taken from the TPMS_DERIVE that inSensitive.data holds, if it holds any. That TPMS_DERIVE is
     * read as ms-tpm reads it: a label or context over 32 octets is TPM_RC_SIZE, a short buffer
     * TPM_RC_INSUFFICIENT (both without a parameter index), octets after it are ignored.
     */
    static TpmsDerive labelAndContext(TpmsDerive fromTemplate, Secret sensitiveData) {
        if (sensitiveData.isEmpty()) return fromTemplate;
        byte[] data = sensitiveData.toArray();
        TpmsDerive fromSensitive;
        try {
            fromSensitive = TpmCodec.of(TpmsDerive.class).read(new TpmReader(data));
        } finally {
            java.util.Arrays.fill(data, (byte) 0);
        }
        return new TpmsDerive(fromTemplate.label().isEmpty() ? fromSensitive.label() : fromTemplate.label(),
                fromTemplate.context().isEmpty() ? fromSensitive.context() : fromTemplate.context());
    }
}
