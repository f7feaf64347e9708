package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.DerivedKeys;
import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.EccKeys;
import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.Kdf;
import dev.jtpm.crypto.LibtpmsDrbg;
import dev.jtpm.crypto.LibtpmsRsaPrimes;
import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.crypto.RsaKeys;
import dev.jtpm.crypto.SensitiveProtection;
import dev.jtpm.crypto.TdesKeys;
import dev.jtpm.crypto.Unwrapped;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.PrimaryKeyCache;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsCreationData;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkCreation;
import dev.jtpm.types.structure.TpmuAsymScheme;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks and computations shared by the object commands (Part 3, 12) and TPM2_CreatePrimary (Part 3,
 * 24.1), the counterpart of ms-tpm-20-ref's Object_spt.c and the object parts of CryptUtil.c:
 * attribute and scheme consistency (Part 1, 27), key generation, the protection of private areas,
 * key/binding validation on load, creation data and tickets, Names and Qualified Names.
 *
 * <p>Methods that fail throw {@link TpmFailure} with the code ms-tpm returns; where ms-tpm adds the
 * index of a parameter, the caller passes it ({@code publicIndex}, {@code sensitiveIndex}).
 *
 * <p>Public for the duplication commands (Part 3, 13), which share Object_spt.c with this chapter in ms-tpm:
 * {@link #object}, {@link #storageParent}, {@link #isStorage}, {@link #validateForLoad}, {@link #toPrivate},
 * {@link #marshalSensitive}, {@link #symmetricOf}, {@link #symKeyBits}, {@link #refusal}.
 */
public final class ObjectSupport {
    private ObjectSupport() {}

    // ---------------------------------------------------------------- entities

    /** The loaded object at {@code handle}, or TPM_RC_TYPE at that handle for a sequence object. */
    public static TpmObject object(TpmState s, int handle, int handleIndex) {
        TransientObject o = s.objects.get(handle);
        if (o instanceof TpmObject t) return t;
        if (o == null) throw new TpmFailure(TpmRc.HANDLE.atHandle(handleIndex));
        throw new TpmFailure(TpmRc.TYPE.atHandle(handleIndex));
    }

    /** The parent at {@code handle} (ms-tpm ObjectIsParent): TPM_RC_TYPE at that handle when it is no storage parent. */
    public static TpmObject storageParent(TpmState s, int handle, int handleIndex) {
        TransientObject o = s.objects.get(handle);
        if (o instanceof TpmObject t && t.isStorageParent()) return t;
        throw new TpmFailure(TpmRc.TYPE.atHandle(handleIndex));
    }

    /** Fails with TPM_RC_OBJECT_MEMORY when every transient slot is taken (ms-tpm FindEmptyObjectSlot). */
    static void requireFreeSlot(TpmState s) {
        if (s.objects.count() >= dev.jtpm.engine.state.TransientObjects.MAX_LOADED) throw new TpmFailure(TpmRc.OBJECT_MEMORY);
    }

    /**
     * The primary seed of a hierarchy (Part 1, 14.3): EPS, SPS, PPS, or the null seed. The null seed is
     * derived from the nullProof with its own KDFa label, so it is renewed at every TPM Reset and kept
     * across TPM Restart/Resume exactly as the nullProof is, without a second value in the state blobs.
     */
    static Secret primarySeed(TpmState s, int hierarchy) {
        return switch (hierarchy) {
            case TpmRh.OWNER -> s.persistent.sps;
            case TpmRh.ENDORSEMENT -> s.persistent.eps;
            case TpmRh.PLATFORM -> s.persistent.pps;
            case TpmRh.NULL -> Secret.of(Kdf.kdfa(TpmAlg.SHA512, s.nullProof.toArray(), "NULL SEED", new byte[0],
                    new byte[0], 512));
            default -> throw new IllegalArgumentException("not a hierarchy: 0x" + Integer.toHexString(hierarchy));
        };
    }

    /** True if the hierarchy is enabled (TPM_RH_NULL always is). */
    static boolean hierarchyEnabled(TpmState s, int hierarchy) {
        return switch (hierarchy) {
            case TpmRh.OWNER -> s.stateClear.shEnable();
            case TpmRh.ENDORSEMENT -> s.stateClear.ehEnable();
            case TpmRh.PLATFORM -> s.phEnable;
            default -> true;
        };
    }

    /** A handle as the 4-octet Name of a permanent entity. */
    static Bytes handleName(int handle) {
        return Bytes.wrap(new byte[] {(byte) (handle >>> 24), (byte) (handle >>> 16), (byte) (handle >>> 8), (byte) handle});
    }

    /**
     * The Qualified Name of an object (Part 1, 16.6; ms-tpm ComputeQualifiedName):
     * {@code nameAlg || H_nameAlg(parentQN || name)} with the object's nameAlg; the QN of a hierarchy is
     * its handle. Empty when nameAlg is TPM_ALG_NULL.
     */
    static Bytes qualifiedName(Bytes parentQn, int nameAlg, Bytes name) {
        if (nameAlg == TpmAlg.NULL) return Bytes.EMPTY;
        byte[] h = Hashes.hash(nameAlg, parentQn.unsafeArray(), name.unsafeArray());
        byte[] qn = new byte[2 + h.length];
        qn[0] = (byte) (nameAlg >>> 8);
        qn[1] = (byte) nameAlg;
        System.arraycopy(h, 0, qn, 2, h.length);
        return Bytes.wrap(qn);
    }

    /** The Qualified Name of an entity used as a parent: the handle of a hierarchy, else the object's QN. */
    static Bytes parentQualifiedName(TpmState s, int parentHandle) {
        if (TpmHt.of(parentHandle) == TpmHt.PERMANENT) return handleName(parentHandle);
        return ((TpmObject) s.objects.get(parentHandle)).qualifiedName();
    }

    // ---------------------------------------------------------------- attribute checks (Part 1, 27)

    /**
     * The checks that only creation makes (ms-tpm CreateChecks), then {@link #publicAttributesValidation}.
     * Fails with TPM_RC_ATTRIBUTES at {@code publicIndex} when sensitiveDataOrigin disagrees with the
     * data the caller gave (none given but origin clear; data given to an ordinary object with origin
     * set; asymmetric keys without origin; a TPM-made data object; a restricted symmetric key with
     * caller data that is fixedParent or fixedTPM).
     *
     * @param parent the parent, or null for a primary object
     */
    static void createChecks(TpmObject parent, TpmtPublic pub, int sensitiveDataSize, int publicIndex) {
        TpmaObject a = pub.objectAttributes();
        TpmRc attributes = TpmRc.ATTRIBUTES.atParameter(publicIndex);
        if (!a.sensitiveDataOrigin() && sensitiveDataSize == 0) throw new TpmFailure(attributes);
        if (parent != null && a.sensitiveDataOrigin() && sensitiveDataSize != 0) throw new TpmFailure(attributes);
        switch (pub.type()) {
            case TpmAlg.KEYEDHASH, TpmAlg.SYMCIPHER -> {
                if (pub.type() == TpmAlg.KEYEDHASH && !a.signEncrypt() && !a.decrypt() && a.sensitiveDataOrigin()) {
                    throw new TpmFailure(attributes);
                }
                if (a.restricted() && !a.sensitiveDataOrigin() && (a.fixedParent() || a.fixedTpm())) {
                    throw new TpmFailure(attributes);
                }
            }
            default -> {
                if (!a.sensitiveDataOrigin()) throw new TpmFailure(attributes);
            }
        }
        publicAttributesValidation(parent, pub, publicIndex);
    }

    /**
     * Attribute consistency of a public area (ms-tpm PublicAttributesValidation; Part 1, 27.2): a
     * nameAlg (TPM_RC_HASH), an authPolicy of the nameAlg's size (TPM_RC_SIZE), fixedTPM/fixedParent
     * against the parent, sign/decrypt/restricted, encryptedDuplication (TPM_RC_ATTRIBUTES), then the
     * schemes ({@link #schemeChecks}). Every code carries {@code publicIndex}.
     */
    static void publicAttributesValidation(TpmObject parent, TpmtPublic pub, int publicIndex) {
        TpmaObject a = pub.objectAttributes();
        TpmRc attributes = TpmRc.ATTRIBUTES.atParameter(publicIndex);
        if (pub.nameAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.HASH.atParameter(publicIndex));
        if (!pub.authPolicy().isEmpty() && pub.authPolicy().size() != Hashes.digestSize(pub.nameAlg())) {
            throw new TpmFailure(TpmRc.SIZE.atParameter(publicIndex));
        }
        boolean parentFixedTpm = parent == null || parent.attributes().fixedTpm();
        if (parentFixedTpm) {
            if (a.fixedParent() != a.fixedTpm()) throw new TpmFailure(attributes);
        } else if (a.fixedTpm()) {
            throw new TpmFailure(attributes);
        }
        if (a.signEncrypt() == a.decrypt()) {
            if (a.restricted()) throw new TpmFailure(attributes);
            if (pub.type() != TpmAlg.KEYEDHASH && !a.signEncrypt()) throw new TpmFailure(attributes);
        }
        if (a.fixedTpm() && a.encryptedDuplication()) throw new TpmFailure(attributes);
        if (parent != null && !parent.attributes().fixedTpm()
                && a.encryptedDuplication() != parent.attributes().encryptedDuplication()) {
            throw new TpmFailure(attributes);
        }
        if (parent != null && parent.isDerivationParent()) {
            if (a.fixedTpm() != parent.attributes().fixedTpm() || !a.fixedParent()) throw new TpmFailure(attributes);
        }
        schemeChecks(parent, pub, publicIndex);
    }

    /**
     * Scheme consistency (ms-tpm SchemeChecks): keyed-hash schemes against sign/decrypt, asymmetric
     * schemes against sign/decrypt/restricted (TPM_RC_SCHEME), symmetric algorithms only for storage
     * keys and required there (TPM_RC_SYMMETRIC), ECC KDF TPM_ALG_NULL (TPM_RC_KDF), and a
     * non-duplicable storage key sharing its parent's nameAlg (TPM_RC_HASH) and symmetric definition
     * (TPM_RC_SYMMETRIC). Every code carries {@code publicIndex}.
     */
    static void schemeChecks(TpmObject parent, TpmtPublic pub, int publicIndex) {
        TpmaObject a = pub.objectAttributes();
        TpmRc scheme = TpmRc.SCHEME.atParameter(publicIndex);
        TpmtSymDefObject sym = null;
        switch (pub.parameters()) {
            case TpmsSymcipherParms p -> {
                sym = p.sym();
                int mode = ((TpmuSymMode.Block) p.sym().mode()).mode();
                if (a.decrypt() && mode == TpmAlg.CMAC) throw new TpmFailure(scheme);
            }
            case TpmsKeyedhashParms p -> {
                int s = p.scheme().scheme();
                if (a.signEncrypt() == a.decrypt()) {
                    if (s != TpmAlg.NULL) throw new TpmFailure(scheme);
                } else if (a.signEncrypt()) {
                    if (s != TpmAlg.HMAC) throw new TpmFailure(scheme);
                } else {
                    if (s != TpmAlg.XOR) throw new TpmFailure(scheme);
                    if (a.restricted()) {
                        TpmuSchemeKeyedhash.Xor xor = (TpmuSchemeKeyedhash.Xor) p.scheme().details();
                        if (xor.kdf() != TpmAlg.KDF1_SP800_108) throw new TpmFailure(scheme);
                    }
                }
            }
            case TpmsRsaParms p -> {
                sym = p.symmetric();
                asymSchemeChecks(a, p.scheme().scheme(), p.scheme().details(), true, publicIndex);
            }
            case TpmsEccParms p -> {
                sym = p.symmetric();
                asymSchemeChecks(a, p.scheme().scheme(), p.scheme().details(), false, publicIndex);
                if (p.kdf().scheme() != TpmAlg.NULL) throw new TpmFailure(TpmRc.KDF.atParameter(publicIndex));
            }
        }
        boolean asym = pub.type() == TpmAlg.RSA || pub.type() == TpmAlg.ECC;
        if (asym && !(a.restricted() && a.decrypt()) && sym.algorithm() != TpmAlg.NULL) {
            throw new TpmFailure(TpmRc.SYMMETRIC.atParameter(publicIndex));
        }
        if (sym != null && a.restricted() && a.decrypt()) {
            if (sym.algorithm() == TpmAlg.NULL) throw new TpmFailure(TpmRc.SYMMETRIC.atParameter(publicIndex));
            if (a.fixedParent() && parent != null) {
                TpmtPublic pp = parent.publicArea();
                if (pub.nameAlg() != pp.nameAlg()) throw new TpmFailure(TpmRc.HASH.atParameter(publicIndex));
                if (!sym.equals(symmetricOf(pp))) throw new TpmFailure(TpmRc.SYMMETRIC.atParameter(publicIndex));
            }
        }
    }

    private static void asymSchemeChecks(TpmaObject a, int s, TpmuAsymScheme details, boolean rsa, int publicIndex) {
        TpmRc scheme = TpmRc.SCHEME.atParameter(publicIndex);
        if (a.signEncrypt() == a.decrypt()) {
            if (s != TpmAlg.NULL) throw new TpmFailure(scheme);
        } else if (a.signEncrypt()) {
            boolean signScheme = rsa ? s == TpmAlg.RSASSA || s == TpmAlg.RSAPSS
                    : s == TpmAlg.ECDSA || s == TpmAlg.ECDAA || s == TpmAlg.SM2 || s == TpmAlg.ECSCHNORR;
            if (signScheme) {
                int hash = details instanceof TpmuAsymScheme.Hash h ? h.hashAlg()
                        : details instanceof TpmuAsymScheme.Ecdaa e ? e.hashAlg() : TpmAlg.NULL;
                if (hash == TpmAlg.NULL) throw new TpmFailure(scheme);
            } else if (a.restricted() || s != TpmAlg.NULL) {
                throw new TpmFailure(scheme);
            }
        } else {
            if (a.restricted()) {
                if (s != TpmAlg.NULL) throw new TpmFailure(scheme);
            } else {
                boolean decryptScheme = rsa ? s == TpmAlg.RSAES || s == TpmAlg.OAEP
                        : s == TpmAlg.ECDH || s == TpmAlg.ECMQV || s == TpmAlg.SM2;
                if (s != TpmAlg.NULL && !decryptScheme) throw new TpmFailure(scheme);
            }
        }
    }

    /** The symmetric definition of a storage key's parameters. */
    public static TpmtSymDefObject symmetricOf(TpmtPublic pub) {
        return switch (pub.parameters()) {
            case TpmsRsaParms p -> p.symmetric();
            case TpmsEccParms p -> p.symmetric();
            case TpmsSymcipherParms p -> p.sym();
            case TpmsKeyedhashParms p -> TpmtSymDefObject.NULL;
        };
    }

    /**
     * The authValue of a new object (ms-tpm AdjustAuthSize): trailing zeros removed, at most the
     * nameAlg's digest size (TPM_RC_SIZE at {@code index}).
     */
    static Secret adjustAuth(Secret auth, int nameAlg, int index) {
        Secret trimmed = auth.trimTrailingZeros();
        int max = nameAlg == TpmAlg.NULL ? dev.jtpm.types.structure.Limits.MAX_DIGEST_SIZE : Hashes.digestSize(nameAlg);
        if (trimmed.size() > max) throw new TpmFailure(TpmRc.SIZE.atParameter(index));
        return trimmed;
    }

    // ---------------------------------------------------------------- creation (ms-tpm CryptCreateObject)

    /** A new object: the public area with its unique field, and the sensitive area. */
    record Created(TpmtPublic publicArea, TpmtSensitive sensitive) {}

    /**
     * Where the secrets of a new object come from: a primary seed (deterministic, Part 1, 26.2), the
     * generator of a derivation parent (deterministic, Part 1, 27.1), or the TPM's random number generator.
     */
    sealed interface Source {
        /** Random octets for an ordinary object. */
        record Random(RandomBits bits) implements Source {}

        /**
         * Derivation from a hierarchy seed and the template's context (its Name and inSensitive.data);
         * RSA and ECC keys through the TPM's cache of recent primary keys.
         */
        record Primary(Secret seed, byte[] context, PrimaryKeyCache keys) implements Source {}

        /**
         * A derived object's generator ({@link DerivedKeys#generator}): the key is drawn first, the
         * seedValue next, in ms-tpm CryptCreateObject's order, so that the octets match libtpms'.
         */
        record Derived(RandomBits generator) implements Source {}

        /**
         * libtpms' primary derivation ({@link LibtpmsDrbg}, for a state imported from swtpm): key first, then
         * (endorsement hierarchy) a reseed with shProof and ehProof, then the seedValue, all from one DRBG.
         */
        record Libtpms(LibtpmsDrbg drbg, List<Secret> reseed, PrimaryKeyCache keys) implements Source {}
    }

    /**
     * The source of a primary object under {@code hierarchy}: jtpm's derivation ({@link Source.Primary}), or
     * libtpms' when the state records it for the hierarchy (PersistentState.epsDerivation, …).
     */
    static Source primarySource(TpmState s, int hierarchy, TpmtPublic template, TpmsSensitiveCreate in) {
        int derivation = switch (hierarchy) {
            case TpmRh.ENDORSEMENT -> s.persistent.epsDerivation;
            case TpmRh.OWNER -> s.persistent.spsDerivation;
            case TpmRh.PLATFORM -> s.persistent.ppsDerivation;
            default -> PersistentState.DERIVATION_JTPM;
        };
        Secret seed = primarySeed(s, hierarchy);
        if (derivation == PersistentState.DERIVATION_JTPM) {
            byte[] context = PrimaryKeys.templateContext(template.nameAlg(), template.marshal().unsafeArray(),
                    in.data().toArray());
            return new Source.Primary(seed, context, s.primaryKeys);
        }
        byte[] name = PrimaryKeys.templateContext(template.nameAlg(), template.marshal().unsafeArray());
        int level = derivation == PersistentState.DERIVATION_LIBTPMS_ORIGINAL ? LibtpmsRsaPrimes.ORIGINAL
                : LibtpmsRsaPrimes.PRIME_ADJUST_FIX;
        boolean eps = hierarchy == TpmRh.ENDORSEMENT;
        return new Source.Libtpms(LibtpmsDrbg.primary(seed, name, in.data().toArray(), level),
                eps ? List.of(s.persistent.shProof, s.persistent.ehProof) : List.of(), s.primaryKeys);
    }

    /**
     * Generates the key or takes the caller's data (ms-tpm CryptCreateObject). Fails with
     * TPM_RC_KEY_SIZE when a symmetric key of the wrong size was given, TPM_RC_SIZE when an HMAC key
     * longer than the hash's block was given, TPM_RC_RANGE for an RSA exponent that is neither 0 nor a
     * prime ≥ 65537 (no parameter index, as ms-tpm and libtpms).
     */
    static Created create(TpmtPublic template, TpmsSensitiveCreate in, Secret authValue, Source source) {
        int nameAlg = template.nameAlg();
        TpmaObject a = template.objectAttributes();
        Secret data = a.sensitiveDataOrigin() || source instanceof Source.Derived ? Secret.EMPTY : in.data();
        // a derived object's seedValue follows its key in the generator's stream: seedValue.get() after the key
        Secret early = switch (source) {
            case Source.Random r -> Secret.of(r.bits().next(Hashes.digestSize(nameAlg)));
            case Source.Primary p -> PrimaryKeys.seedValue(nameAlg, p.seed(), p.context());
            case Source.Derived d -> null;
            case Source.Libtpms l -> null;
        };
        Supplier<Secret> seedValue = () -> {
            if (early != null) return early;
            if (source instanceof Source.Libtpms l) {
                for (Secret proof : l.reseed()) l.drbg().additionalData(proof.toArray());
                return Secret.of(l.drbg().next(Hashes.digestSize(nameAlg)));
            }
            return Secret.of(((Source.Derived) source).generator().next(Hashes.digestSize(nameAlg)));
        };
        return switch (template.parameters()) {
            case TpmsRsaParms p -> {
                long e = Integer.toUnsignedLong(p.exponent());
                if (e != 0 && (e < 65537 || !BigInteger.valueOf(e).isProbablePrime(40))) throw new TpmFailure(TpmRc.RANGE);
                RsaKey key = switch (source) {
                    case Source.Random r -> RsaKeys.generate(r.bits(), p.keyBits(), e);
                    case Source.Primary pr -> pr.keys().rsa(nameAlg, pr.seed(), pr.context(), p.keyBits(), e);
                    case Source.Derived d -> throw new IllegalArgumentException("RSA keys are not derived");
                    case Source.Libtpms l -> l.keys().libtpmsRsa(l.drbg(), p.keyBits(), e, a.signEncrypt());
                };
                TpmtPublic pub = template.withUnique(new TpmuPublicId.Rsa(Bytes.wrap(fixed(key.n(), p.keyBits() / 8))));
                Secret prime = Secret.of(fixed(key.p(), p.keyBits() / 16));
                yield new Created(pub, new TpmtSensitive(TpmAlg.RSA, authValue, asymSeed(a, seedValue.get()),
                        new TpmuSensitiveComposite.Rsa(prime)));
            }
            case TpmsEccParms p -> {
                EccCurve curve = EccCurve.of(p.curveID());
                EccKey key = switch (source) {
                    case Source.Random r -> EccKeys.generate(r.bits(), curve);
                    case Source.Primary pr -> pr.keys().ecc(nameAlg, pr.seed(), pr.context(), curve);
                    case Source.Derived d -> DerivedKeys.ecc(d.generator(), curve);
                    case Source.Libtpms l -> DerivedKeys.ecc(l.drbg(), curve);
                };
                TpmtPublic pub = template.withUnique(new TpmsEccPoint(Bytes.wrap(key.xBytes()), Bytes.wrap(key.yBytes())));
                yield new Created(pub, new TpmtSensitive(TpmAlg.ECC, authValue, asymSeed(a, seedValue.get()),
                        new TpmuSensitiveComposite.Ecc(Secret.of(key.dBytes()))));
            }
            case TpmsSymcipherParms p -> {
                int bits = symKeyBits(p.sym());
                Secret key;
                boolean tdes = p.sym().algorithm() == TpmAlg.TDES;
                if (!data.isEmpty()) {
                    if (data.size() != bits / 8) throw new TpmFailure(TpmRc.KEY_SIZE);
                    if (tdes && !TdesKeys.isValid(data.toArray())) throw new TpmFailure(TpmRc.KEY);
                    key = data;
                } else if (tdes) {
                    key = switch (source) {
                        case Source.Random r -> TdesKeys.generate(r.bits(), bits);
                        case Source.Primary pr -> PrimaryKeys.tdes(nameAlg, pr.seed(), pr.context(), bits);
                        case Source.Derived d -> TdesKeys.generate(d.generator(), bits);
                        case Source.Libtpms l -> TdesKeys.generate(l.drbg(), bits);
                    };
                } else {
                    key = switch (source) {
                        case Source.Random r -> Secret.of(r.bits().next(bits / 8));
                        case Source.Primary pr -> PrimaryKeys.symmetric(nameAlg, pr.seed(), pr.context(), bits);
                        case Source.Derived d -> Secret.of(d.generator().next(bits / 8));
                        case Source.Libtpms l -> Secret.of(l.drbg().next(bits / 8));
                    };
                }
                Secret seed = seedValue.get();
                TpmtPublic pub = template.withUnique(new TpmuPublicId.Sym(symmetricUnique(nameAlg, a, seed, key)));
                yield new Created(pub, new TpmtSensitive(TpmAlg.SYMCIPHER, authValue, seed,
                        new TpmuSensitiveComposite.Sym(key)));
            }
            case TpmsKeyedhashParms p -> {
                int hashAlg = switch (p.scheme().details()) {
                    case TpmuSchemeKeyedhash.Hmac h -> h.hashAlg();
                    case TpmuSchemeKeyedhash.Xor x -> x.hashAlg();
                    default -> nameAlg;
                };
                Secret bits;
                if (!data.isEmpty()) {
                    if ((a.signEncrypt() || a.decrypt()) && data.size() > blockSize(hashAlg)) {
                        throw new TpmFailure(TpmRc.SIZE);
                    }
                    bits = data;
                } else {
                    int n = Hashes.digestSize(hashAlg);
                    bits = switch (source) {
                        case Source.Random r -> Secret.of(r.bits().next(n));
                        case Source.Primary pr -> PrimaryKeys.keyedHash(nameAlg, pr.seed(), pr.context(), n);
                        case Source.Derived d -> Secret.of(d.generator().next(n));
                        case Source.Libtpms l -> Secret.of(l.drbg().next(n));
                    };
                }
                Secret seed = seedValue.get();
                TpmtPublic pub = template.withUnique(new TpmuPublicId.KeyedHash(symmetricUnique(nameAlg, a, seed, bits)));
                yield new Created(pub, new TpmtSensitive(TpmAlg.KEYEDHASH, authValue, seed,
                        new TpmuSensitiveComposite.Bits(bits)));
            }
        };
    }

    /** An asymmetric key keeps its seedValue only if it is a parent (restricted decryption key). */
    private static Secret asymSeed(TpmaObject a, Secret seedValue) {
        return a.restricted() && a.decrypt() ? seedValue : Secret.EMPTY;
    }

    /**
     * unique of a symmetric or keyed-hash object (ms-tpm and libtpms CryptComputeSymmetricUnique):
     * H_nameAlg(seedValue || key), but HMAC_nameAlg(seedValue, key) for a parent (restricted and decrypt:
     * a symmetric storage key or a derivation parent).
     */
    static Bytes symmetricUnique(int nameAlg, TpmaObject a, Secret seedValue, Secret key) {
        if (a.restricted() && a.decrypt()) {
            return Bytes.wrap(Hashes.hmac(nameAlg, seedValue.toArray(), key.toArray()));
        }
        return Bytes.wrap(Hashes.hash(nameAlg, seedValue.toArray(), key.toArray()));
    }

    public static int symKeyBits(TpmtSymDefObject sym) {
        return switch (sym.keyBits()) {
            case TpmuSymKeyBits.Aes k -> k.keyBits();
            case TpmuSymKeyBits.Sm4 k -> k.keyBits();
            case TpmuSymKeyBits.Camellia k -> k.keyBits();
            case TpmuSymKeyBits.Tdes k -> k.keyBits();
            default -> 0;
        };
    }

    private static int blockSize(int hashAlg) {
        return hashAlg == TpmAlg.SHA384 || hashAlg == TpmAlg.SHA512 ? 128 : 64;
    }

    static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) return b;
        byte[] r = new byte[len];
        if (b.length > len) System.arraycopy(b, b.length - len, r, 0, len);
        else System.arraycopy(b, 0, r, len - b.length, b.length);
        return r;
    }

    // ---------------------------------------------------------------- key validation on load (ms-tpm CryptValidateKeys)

    /**
     * Checks a public area, and the sensitive area if given, for a load (ms-tpm ObjectLoad):
     * types agree (TPM_RC_TYPE at {@code sensitiveIndex}); attributes and schemes
     * ({@link #publicAttributesValidation}, or only {@link #schemeChecks} for a public-only object or a
     * TPM_ALG_NULL nameAlg); then, unless the parent is fixedTPM (its integrity check vouches for the
     * pair), the keys: unique of the declared size (TPM_RC_KEY at {@code publicIndex}), an ECC point on the
     * curve (TPM_RC_ECC_POINT), private parts of the right size (TPM_RC_KEY_SIZE at {@code sensitiveIndex})
     * that belong to the public key (TPM_RC_BINDING at {@code sensitiveIndex}). ECC keys as libtpms checks
     * them: with a private scalar, it must be in [1, n−1] (TPM_RC_KEY_SIZE) and give the public point
     * (TPM_RC_BINDING), both without an index, and the point's octet length does not matter; a TPM_ALG_NULL
     * nameAlg skips the on-curve and binding checks.
     */
    public static void validateForLoad(TpmObject parent, TpmtPublic pub, TpmtSensitive sens, int publicIndex, int sensitiveIndex) {
        if (sens != null && sens.sensitiveType() != pub.type()) throw new TpmFailure(TpmRc.TYPE.atParameter(sensitiveIndex));
        if (sens == null || pub.nameAlg() == TpmAlg.NULL) {
            schemeChecks(null, pub, publicIndex);
        } else {
            if (sens.seedValue().size() > Hashes.digestSize(pub.nameAlg())) {
                throw new TpmFailure(TpmRc.KEY_SIZE.atParameter(sensitiveIndex));
            }
            publicAttributesValidation(parent, pub, publicIndex);
        }
        if (parent != null && parent.attributes().fixedTpm()) return;
        if (sens != null && pub.nameAlg() != TpmAlg.NULL
                && sens.authValue().trimTrailingZeros().size() > Hashes.digestSize(pub.nameAlg())) {
            throw new TpmFailure(TpmRc.SIZE.atParameter(sensitiveIndex));
        }
        TpmRc key = TpmRc.KEY.atParameter(publicIndex);
        TpmRc binding = TpmRc.BINDING.atParameter(sensitiveIndex);
        switch (pub.parameters()) {
            case TpmsRsaParms p -> {
                Bytes n = ((TpmuPublicId.Rsa) pub.unique()).n();
                if (n.size() != p.keyBits() / 8) throw new TpmFailure(key);
                long e = Integer.toUnsignedLong(p.exponent());
                if (e != 0 && (e < 3 || (e & 1) == 0)) throw new TpmFailure(key);
                if (sens != null) {
                    Secret prime = ((TpmuSensitiveComposite.Rsa) sens.sensitive()).prime();
                    if (prime.size() != p.keyBits() / 16) throw new TpmFailure(TpmRc.KEY_SIZE.atParameter(sensitiveIndex));
                    BigInteger bn = new BigInteger(1, n.unsafeArray());
                    BigInteger bp = new BigInteger(1, prime.toArray());
                    if (bp.compareTo(BigInteger.ONE) <= 0 || bn.mod(bp).signum() != 0) throw new TpmFailure(binding);
                }
            }
            case TpmsEccParms p -> {
                // libtpms (swtpm 0.7.1) CryptValidateKeys: a public point alone must have both coordinates as
                // long as the curve's key size (TPM_RC_KEY) and, with a nameAlg, lie on the curve; a private
                // scalar must be in [1, n-1] (TPM_RC_KEY_SIZE) and, with a nameAlg, give the public point
                // (TPM_RC_BINDING); these two codes carry no parameter index there
                EccCurve curve = EccCurve.of(p.curveID());
                TpmsEccPoint q = (TpmsEccPoint) pub.unique();
                BigInteger x = new BigInteger(1, q.x().unsafeArray()), y = new BigInteger(1, q.y().unsafeArray());
                if (sens == null) {
                    if (q.x().size() != curve.fieldBytes() || q.y().size() != curve.fieldBytes()) throw new TpmFailure(key);
                    if (pub.nameAlg() != TpmAlg.NULL && !curve.isOnCurve(x, y)) {
                        throw new TpmFailure(TpmRc.ECC_POINT.atParameter(publicIndex));
                    }
                } else {
                    BigInteger bd = new BigInteger(1, ((TpmuSensitiveComposite.Ecc) sens.sensitive()).d().toArray());
                    if (bd.signum() == 0 || bd.compareTo(curve.order()) >= 0) throw new TpmFailure(TpmRc.KEY_SIZE);
                    if (pub.nameAlg() != TpmAlg.NULL) {
                        EccKey k = EccKey.ofPrivate(curve, bd);
                        if (!k.x().equals(x) || !k.y().equals(y)) throw new TpmFailure(TpmRc.BINDING);
                    }
                }
            }
            case TpmsSymcipherParms p -> {
                Bytes unique = ((TpmuPublicId.Sym) pub.unique()).digest();
                if (unique.size() != Hashes.digestSize(pub.nameAlg())) throw new TpmFailure(key);
                if (sens != null) {
                    Secret k = ((TpmuSensitiveComposite.Sym) sens.sensitive()).key();
                    if (k.size() != symKeyBits(p.sym()) / 8) throw new TpmFailure(TpmRc.KEY_SIZE.atParameter(sensitiveIndex));
                    if (p.sym().algorithm() == TpmAlg.TDES && !TdesKeys.isValid(k.toArray())) {
                        throw new TpmFailure(TpmRc.KEY.atParameter(sensitiveIndex));
                    }
                    if (!MessageDigest.isEqual(unique.unsafeArray(),
                            symmetricUnique(pub.nameAlg(), pub.objectAttributes(), sens.seedValue(), k).unsafeArray())) throw new TpmFailure(binding);
                }
            }
            case TpmsKeyedhashParms p -> {
                Bytes unique = ((TpmuPublicId.KeyedHash) pub.unique()).digest();
                if (pub.nameAlg() != TpmAlg.NULL && unique.size() != Hashes.digestSize(pub.nameAlg())) throw new TpmFailure(key);
                if (sens != null && pub.nameAlg() != TpmAlg.NULL) {
                    Secret bits = ((TpmuSensitiveComposite.Bits) sens.sensitive()).bits();
                    if (!MessageDigest.isEqual(unique.unsafeArray(),
                            symmetricUnique(pub.nameAlg(), pub.objectAttributes(), sens.seedValue(), bits).unsafeArray())) throw new TpmFailure(binding);
                }
            }
        }
    }

    // ---------------------------------------------------------------- protection (Part 1, 22-23)

    /** Where the IVs of private areas come from (fresh for every blob; not TPM state). */
    private static final RandomBits IV_RANDOM = RandomBits.of(new java.security.SecureRandom());

    /**
     * TPM2B_PRIVATE of {@code sensitive} under {@code parent} (ms-tpm SensitiveToPrivate, outer wrapper
     * with a random IV): the authValue is first padded with zeros to the size of the object's nameAlg
     * digest (ms-tpm's MarshalSensitive), so a blob does not tell how long the authValue is.
     */
    public static Bytes toPrivate(TpmObject parent, Bytes name, TpmtSensitive sensitive) {
        TpmtSymDefObject sym = symmetricOf(parent.publicArea());
        int nameAlg = ((name.unsafeArray()[0] & 0xFF) << 8) | (name.unsafeArray()[1] & 0xFF);
        byte[] marshalled = marshalSensitive(nameAlg, sensitive);
        try {
            return SensitiveProtection.wrapPrivate(parent.publicArea().nameAlg(), parent.seedValue(), sym.algorithm(),
                    symKeyBits(sym), name.unsafeArray(), Secret.of(marshalled), IV_RANDOM);
        } finally {
            Arrays.fill(marshalled, (byte) 0);
        }
    }

    /**
     * A TPMT_SENSITIVE marshalled as ms-tpm's MarshalSensitive marshals it (without the size): the authValue
     * padded with zeros to the size of {@code nameAlg}'s digest, so a blob does not tell how long it is.
     */
    public static byte[] marshalSensitive(int nameAlg, TpmtSensitive sensitive) {
        byte[] auth = sensitive.authValue().toArray();
        int padded = Math.max(auth.length, Hashes.digestSize(nameAlg));
        TpmtSensitive toMarshal = new TpmtSensitive(sensitive.sensitiveType(), Secret.of(Arrays.copyOf(auth, padded)),
                sensitive.seedValue(), sensitive.sensitive());
        Arrays.fill(auth, (byte) 0);
        return TpmCodec.encode(toMarshal);
    }

    /** The response code of a refused unwrap (without an index). */
    public static TpmRc refusal(Unwrapped.Failure failure) {
        return switch (failure) {
            case INTEGRITY -> TpmRc.INTEGRITY;
            case SENSITIVE -> TpmRc.SENSITIVE;
            case SIZE -> TpmRc.SIZE;
            case INSUFFICIENT -> TpmRc.INSUFFICIENT;
            case VALUE -> TpmRc.VALUE;
        };
    }

    /**
     * ms-tpm's ObjectIsStorage: a loaded RSA or ECC key, restricted, decrypt and not sign, public area alone
     * allowed (a new parent loaded with TPM2_LoadExternal). Unlike {@link #storageParent}, a symmetric key
     * is not one: it cannot receive a seed.
     */
    public static boolean isStorage(TransientObject o) {
        if (!(o instanceof TpmObject t)) return false;
        TpmaObject a = t.attributes();
        int type = t.publicArea().type();
        return a.restricted() && a.decrypt() && !a.signEncrypt() && (type == TpmAlg.RSA || type == TpmAlg.ECC);
    }

    // ---------------------------------------------------------------- credentials (Part 1, 24)

    /**
     * ms-tpm's SecretToCredential: the TPM2B_ID_OBJECT of {@code credential} for the object named {@code name},
     * protected by the seed shared with {@code protector} (its nameAlg for KDFa and HMAC, its symmetric
     * definition for CFB): {@code outerHMAC || CFB(size(credential) || credential)}, no IV.
     */
    static Bytes secretToCredential(TpmObject protector, Bytes name, Secret seed, Bytes credential) {
        TpmtSymDefObject sym = symmetricOf(protector.publicArea());
        byte[] content = new byte[2 + credential.size()];
        content[0] = (byte) (credential.size() >>> 8);
        content[1] = (byte) credential.size();
        System.arraycopy(credential.unsafeArray(), 0, content, 2, credential.size());
        return SensitiveProtection.outerWrap(protector.publicArea().nameAlg(), seed, sym.algorithm(), symKeyBits(sym),
                name.unsafeArray(), content);
    }

    /**
     * ms-tpm's CredentialToSecret, failing without an index: the outer wrapper's integrity field too large
     * (TPM_RC_SIZE) or cut short (TPM_RC_INSUFFICIENT), its HMAC wrong (TPM_RC_INTEGRITY); then the decrypted
     * TPM2B_DIGEST cut short (TPM_RC_INSUFFICIENT), larger than a digest or followed by more octets
     * (TPM_RC_SIZE).
     */
    static Bytes credentialToSecret(TpmObject protector, Bytes name, Secret seed, Bytes blob) {
        TpmtSymDefObject sym = symmetricOf(protector.publicArea());
        Unwrapped u = SensitiveProtection.outerUnwrap(protector.publicArea().nameAlg(), seed, sym.algorithm(),
                symKeyBits(sym), name.unsafeArray(), blob.unsafeArray());
        return switch (u) {
            case Unwrapped.Refused r -> throw new TpmFailure(refusal(r.failure()));
            case Unwrapped.Ok ok -> {
                byte[] p = ok.plain().toArray();
                if (p.length < 2) throw new TpmFailure(TpmRc.INSUFFICIENT);
                int size = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
                if (size > dev.jtpm.types.structure.Limits.MAX_DIGEST_SIZE) throw new TpmFailure(TpmRc.SIZE);
                if (p.length < 2 + size) throw new TpmFailure(TpmRc.INSUFFICIENT);
                if (p.length != 2 + size) throw new TpmFailure(TpmRc.SIZE);
                yield Bytes.wrap(Arrays.copyOfRange(p, 2, p.length));
            }
        };
    }

    /**
     * The sensitive area inside a TPM2B_PRIVATE (ms-tpm PrivateToSensitive), every code at
     * {@code privateIndex}: TPM_RC_INTEGRITY when the outer HMAC does not match (one flipped bit almost
     * anywhere), TPM_RC_SIZE / TPM_RC_INSUFFICIENT for a broken integrity or IV size field, TPM_RC_VALUE
     * for an IV that is not one block, TPM_RC_SENSITIVE when the decrypted area does not unmarshal.
     */
    static TpmtSensitive fromPrivate(TpmObject parent, Bytes name, Bytes inPrivate, int privateIndex) {
        TpmtSymDefObject sym = symmetricOf(parent.publicArea());
        Unwrapped u = SensitiveProtection.unwrapPrivate(parent.publicArea().nameAlg(), parent.seedValue(), sym.algorithm(),
                symKeyBits(sym), name.unsafeArray(), inPrivate.unsafeArray());
        return switch (u) {
            case Unwrapped.Refused r -> throw new TpmFailure(refusal(r.failure()).atParameter(privateIndex));
            case Unwrapped.Ok ok -> {
                try {
                    yield TpmCodec.decode(TpmtSensitive.class, ok.plain().toArray());
                } catch (TpmFailure e) {
                    throw new TpmFailure(TpmRc.SENSITIVE.atParameter(privateIndex));
                }
            }
        };
    }

    // ---------------------------------------------------------------- creation data and ticket

    /** TPM2B_CREATION_DATA with its digest and ticket. */
    record CreationOut(TpmsCreationData data, Bytes hash, TpmtTkCreation ticket) {}

    /**
     * Creation data (ms-tpm FillInCreationData; Part 2, 15.1): the selected PCRs that are allocated and
     * their digest with the object's nameAlg, TPMA_LOCALITY, the parent's nameAlg, Name and QN
     * (TPM_ALG_NULL and the handle for a hierarchy), outsideInfo; creationHash =
     * H_nameAlg(TPMS_CREATION_DATA); the ticket HMACs Name || creationHash with the hierarchy's proof.
     */
    static CreationOut creation(TpmState s, int parentHandle, int hierarchy, int nameAlg, Bytes name,
                                TpmlPcrSelection creationPcr, Bytes outsideInfo, int locality) {
        PcrBanks pcrs = s.pcrs;
        List<TpmsPcrSelection> filtered = new ArrayList<>();
        MessageDigest md = Hashes.digest(nameAlg);
        for (TpmsPcrSelection sel : creationPcr.pcrSelections()) {
            byte[] bits = new byte[sel.pcrSelect().size()];
            for (int pcr = 0; pcr < bits.length * 8; pcr++) {
                if (sel.isSelected(pcr) && pcr < dev.jtpm.engine.state.PcrAttributes.COUNT && pcrs.isAllocated(sel.hash(), pcr)) {
                    bits[pcr / 8] |= (byte) (1 << (pcr % 8));
                    md.update(pcrs.read(sel.hash(), pcr).unsafeArray());
                }
            }
            filtered.add(new TpmsPcrSelection(sel.hash(), Bytes.wrap(bits)));
        }
        Bytes pcrDigest = Bytes.wrap(md.digest());
        int parentNameAlg;
        Bytes parentName, parentQn;
        if (TpmHt.of(parentHandle) == TpmHt.PERMANENT) {
            parentNameAlg = TpmAlg.NULL;
            parentName = handleName(parentHandle);
            parentQn = parentName;
        } else {
            TpmObject parent = (TpmObject) s.objects.get(parentHandle);
            parentNameAlg = parent.publicArea().nameAlg();
            parentName = parent.name();
            parentQn = parent.qualifiedName();
        }
        int tpmaLocality = locality <= 4 ? 1 << locality : locality;
        TpmsCreationData data = new TpmsCreationData(new TpmlPcrSelection(filtered), pcrDigest, tpmaLocality,
                parentNameAlg, parentName, parentQn, outsideInfo);
        Bytes hash = Bytes.wrap(Hashes.hash(nameAlg, TpmCodec.encode(data)));
        TpmtTkCreation ticket = new TpmtTkCreation(TpmSt.CREATION, hierarchy, Tickets.creationHmac(
                Tickets.proof(s, hierarchy), name, hash));
        return new CreationOut(data, hash, ticket);
    }
}
