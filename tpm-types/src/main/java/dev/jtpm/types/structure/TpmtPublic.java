package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * TPMT_PUBLIC (Part 2, 12.2.4): the public area of an object. TPM2B_PUBLIC is a
 * {@code @Sized TpmtPublic} component (size zero is TPM_RC_SIZE).
 *
 * <p>Checked while unmarshalling: {@code type} is a TPMI_ALG_PUBLIC (TPM_RC_TYPE), {@code nameAlg}
 * a TPMI_ALG_HASH+ (TPM_RC_HASH), the attributes have no reserved bit (TPM_RC_RESERVED_BITS), and
 * the TPMI types inside the parameters. Part 2 writes nameAlg as "+TPMI_ALG_HASH": whether
 * TPM_ALG_NULL is allowed is decided by the command (only TPM2_LoadExternal allows it), so the
 * handlers of CreatePrimary, Create, CreateLoaded and Load reject a NULL nameAlg with TPM_RC_HASH
 * at the inPublic parameter. Consistency of attributes, scheme and key (Part 1, 27) is the
 * engine's: this record only ties both unions to {@code type}.
 *
 * @param type the object type: TPM_ALG_RSA, _KEYEDHASH, _ECC or _SYMCIPHER
 * @param nameAlg the hash of the Name, or TPM_ALG_NULL
 * @param objectAttributes TPMA_OBJECT
 * @param authPolicy the policy digest (TPM2B_DIGEST), empty for none
 * @param parameters the arm of {@code type}
 * @param unique the arm of {@code type}
 */
public record TpmtPublic(@U16 @Is(Tpmi.ALG_PUBLIC) int type, @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int nameAlg,
                         TpmaObject objectAttributes, @Max(Limits.MAX_DIGEST_SIZE) Bytes authPolicy,
                         @SelectedBy("type") TpmuPublicParms parameters, @SelectedBy("type") TpmuPublicId unique)
        implements TpmuTemplate {
    public TpmtPublic {
        UnionArms.check(type, parameters, TpmRc.TYPE);
        UnionArms.check(type, unique, TpmRc.TYPE);
    }

    /** A public area whose type is that of the parameters' arm. */
    public static TpmtPublic of(int nameAlg, TpmaObject objectAttributes, Bytes authPolicy, TpmuPublicParms parameters,
                                TpmuPublicId unique) {
        return new TpmtPublic(UnionArms.selectorOf(parameters), nameAlg, objectAttributes, authPolicy, parameters, unique);
    }

    /** A public area with an empty unique field (size-zero TPM2Bs), as most templates have. */
    public static TpmtPublic of(int nameAlg, TpmaObject objectAttributes, Bytes authPolicy, TpmuPublicParms parameters) {
        int type = UnionArms.selectorOf(parameters);
        return new TpmtPublic(type, nameAlg, objectAttributes, authPolicy, parameters, TpmuPublicId.empty(type));
    }

    /** This public area with another unique field (e.g. the key the TPM made). */
    public TpmtPublic withUnique(TpmuPublicId newUnique) {
        return new TpmtPublic(type, nameAlg, objectAttributes, authPolicy, parameters, newUnique);
    }

    /** This public area with other attributes. */
    public TpmtPublic withAttributes(TpmaObject newAttributes) {
        return new TpmtPublic(type, nameAlg, newAttributes, authPolicy, parameters, unique);
    }

    /** The marshalled public area (the contents of TPM2B_PUBLIC, what the Name hashes). */
    public Bytes marshal() { return Bytes.wrap(TpmCodec.encode(this)); }

    /**
     * The Name of the object (Part 1, 16): nameAlg followed by the nameAlg digest of the
     * marshalled public area; empty when nameAlg is TPM_ALG_NULL.
     *
     * @throws IllegalStateException if nameAlg is a hash the JDK does not offer
     */
    public Bytes name() {
        if (nameAlg == TpmAlg.NULL) return Bytes.EMPTY;
        String jca = TpmAlg.jcaDigestName(nameAlg);
        if (jca == null) throw new IllegalStateException("no digest for nameAlg " + nameAlg);
        try {
            byte[] digest = MessageDigest.getInstance(jca).digest(TpmCodec.encode(this));
            byte[] name = new byte[2 + digest.length];
            name[0] = (byte) (nameAlg >>> 8);
            name[1] = (byte) nameAlg;
            System.arraycopy(digest, 0, name, 2, digest.length);
            return Bytes.wrap(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
