package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.Sized;
import dev.jtpm.types.structure.Limits;
import java.util.Objects;

/**
 * A loaded key or data object (Part 1, 27 "Object Structure Elements"; ms-tpm-20-ref's OBJECT): its
 * public area, its sensitive area in clear (absent for a public-only object from TPM2_LoadExternal),
 * its Name and Qualified Name (Part 1, 16), and the hierarchy it belongs to.
 *
 * <p>Immutable: TPM2_ObjectChangeAuth does not change a loaded object, it returns a new private
 * area. The sensitive area's private parts are {@link Secret}s and {@link #toString()} shows none.
 */
public final class TpmObject implements TransientObject {
    private final TpmtPublic publicArea;
    private final TpmtSensitive sensitive;
    private final Bytes name;
    private final Bytes qualifiedName;
    private final int hierarchy;
    private final boolean primary;
    /** The key in the form tpm-crypto uses it, made on first use (RSA CRT values, the ECC point); never marshalled. */
    private volatile Object cryptoKey;

    /**
     * @param publicArea the public area (with the unique field the TPM computed or was given)
     * @param sensitive the sensitive area, or null for a public-only object
     * @param qualifiedName the Qualified Name (Part 1, 16.6: QN = nameAlg || H(parent QN || Name))
     * @param hierarchy TPM_RH_OWNER, _ENDORSEMENT, _PLATFORM or _NULL
     * @param primary true for an object made by TPM2_CreatePrimary (its parent is the hierarchy)
     */
    public TpmObject(TpmtPublic publicArea, TpmtSensitive sensitive, Bytes qualifiedName, int hierarchy, boolean primary) {
        this.publicArea = Objects.requireNonNull(publicArea, "publicArea");
        this.sensitive = sensitive;
        this.name = publicArea.nameAlg() == TpmAlg.NULL ? Bytes.EMPTY : publicArea.name();
        this.qualifiedName = Objects.requireNonNull(qualifiedName, "qualifiedName");
        this.hierarchy = hierarchy;
        this.primary = primary;
    }

    /** The public area (TPMT_PUBLIC). */
    public TpmtPublic publicArea() { return publicArea; }

    /** The sensitive area, or null for a public-only object. */
    public TpmtSensitive sensitive() { return sensitive; }

    /** True when only the public area is loaded (TPM2_LoadExternal without inPrivate). */
    public boolean publicOnly() { return sensitive == null; }

    /** The Name: nameAlg || H_nameAlg(TPMT_PUBLIC); empty when nameAlg is TPM_ALG_NULL. */
    public Bytes name() { return name; }

    /** The Qualified Name. */
    public Bytes qualifiedName() { return qualifiedName; }

    /** The object's attributes. */
    public TpmaObject attributes() { return publicArea.objectAttributes(); }

    /** True for a primary object. */
    public boolean primary() { return primary; }

    /**
     * True if the object can be the parent of ordinary objects (ms-tpm's isParent): a restricted
     * decryption key of an asymmetric type, or a symmetric one (libtpms 0.9 takes children under a
     * restricted decryption symcipher key, its cipher protecting them), with its sensitive area loaded.
     */
    public boolean isStorageParent() {
        TpmaObject a = attributes();
        int type = publicArea.type();
        return sensitive != null && a.restricted() && a.decrypt()
                && (type == TpmAlg.RSA || type == TpmAlg.ECC || type == TpmAlg.SYMCIPHER);
    }

    /** True for a derivation parent: a restricted decryption keyed-hash object (Part 1, 27.1). */
    public boolean isDerivationParent() {
        TpmaObject a = attributes();
        return sensitive != null && a.restricted() && a.decrypt() && publicArea.type() == TpmAlg.KEYEDHASH;
    }

    /** The seedValue of the sensitive area (a storage parent's child-protection seed), or empty. */
    public Secret seedValue() { return sensitive == null ? Secret.EMPTY : sensitive.seedValue(); }

    /** The authValue with trailing zero octets removed (Part 1, 19.6.4); empty for a public-only object. */
    @Override public Secret authValue() {
        return sensitive == null ? Secret.EMPTY : sensitive.authValue().trimTrailingZeros();
    }

    @Override public int hierarchy() { return hierarchy; }

    /**
     * The object's key as {@code make} builds it from the public and sensitive areas, built once per
     * loaded object (TPM2_Sign would otherwise redo the RSA CRT set-up on every call). The object is
     * immutable, so the cached key cannot go stale.
     */
    public <K> K cryptoKey(Class<K> type, java.util.function.Function<TpmObject, K> make) {
        Object k = cryptoKey;
        if (!type.isInstance(k)) cryptoKey = k = make.apply(this);
        return type.cast(k);
    }

    @Override
    public String toString() {
        return "TpmObject[type=0x" + Integer.toHexString(publicArea.type()) + ", name=" + name + ", hierarchy=0x"
                + Integer.toHexString(hierarchy) + (sensitive == null ? ", public only]" : ", sensitive redacted]");
    }

    /** The object's own marshalled form (saved contexts and persistent objects; only this TPM reads it). */
    record Stored(@Sized TpmtPublic publicArea, @Sized(nullAllowed = true) TpmtSensitive sensitive,
                  @Max(Limits.NAME_SIZE) Bytes qualifiedName, int hierarchy, boolean primary) {}

    /** This object, marshalled (secrets included: callers protect or store it as state). */
    public byte[] marshal() {
        return TpmCodec.encode(new Stored(publicArea, sensitive, qualifiedName, hierarchy, primary));
    }

    /** An object from {@link #marshal()}; TPM_RC_INTEGRITY when the bytes do not parse. */
    public static TpmObject unmarshal(byte[] b) {
        Stored st;
        try {
            st = TpmCodec.decodeLenient(Stored.class, b);
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.INTEGRITY);
        }
        int h = st.hierarchy();
        if (h != TpmRh.OWNER && h != TpmRh.ENDORSEMENT && h != TpmRh.PLATFORM && h != TpmRh.NULL) {
            throw new TpmFailure(TpmRc.INTEGRITY);   // a corrupt volatile or permanent state (StateLoadersFuzzTest)
        }
        try {
            return new TpmObject(st.publicArea(), st.sensitive(), st.qualifiedName(), st.hierarchy(), st.primary());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // stored bytes that parse leniently but name no implemented nameAlg (a corrupt state file): refused as
            // such, not an internal error that would put the TPM into failure mode (found by StateLoadersFuzzTest)
            throw new TpmFailure(TpmRc.INTEGRITY);
        }
    }
}
