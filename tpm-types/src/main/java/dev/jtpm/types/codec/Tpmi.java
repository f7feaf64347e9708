package dev.jtpm.types.codec;

import dev.jtpm.types.Algorithms;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * TPMI_* interface types (Part 2): the values an {@code int} component may take, checked while
 * unmarshalling so that a failure carries the component's parameter index. Use with {@link Wire.Is}.
 * Which algorithms, key sizes and curves count as implemented comes from {@link Algorithms}. A
 * {@link TpmReader#lenient lenient} reader skips these checks.
 *
 * <p>The TPMI_DH_* and TPMI_RH_* kinds are handle types: on a {@link Wire.Handle} component they
 * are checked when the handle area is read ({@link TpmCodec.RecordCodec#checkHandles}), before the
 * TPM looks for the entity or its authorization, and a failure carries the handle index. Their
 * ranges and codes are those of ms-tpm-20-ref's unmarshalling functions (TPMI_DH_PCR_Unmarshal and
 * friends): every failure is TPM_RC_VALUE.
 */
public enum Tpmi {
    /** TPMI_ALG_HASH: an implemented hash (TPM_RC_HASH). */
    ALG_HASH { void check(int v) { TpmiAlgHash.check(v, false); } },
    /** TPMI_ALG_HASH+: an implemented hash or TPM_ALG_NULL (TPM_RC_HASH). */
    ALG_HASH_OR_NULL { void check(int v) { TpmiAlgHash.check(v, true); } },
    /** TPMI_RH_HIERARCHY+: owner, endorsement, platform or null (TPM_RC_VALUE). */
    RH_HIERARCHY_OR_NULL {
        void check(int v) {
            if (v != TpmRh.OWNER && v != TpmRh.ENDORSEMENT && v != TpmRh.PLATFORM && v != TpmRh.NULL)
                throw new TpmFailure(TpmRc.VALUE);
        }
    },
    /** TPMI_DH_PCR (Part 2): a PCR, PCR_FIRST..PCR_LAST (TPM_RC_VALUE). */
    DH_PCR { void check(int v) { require(isPcr(v), TpmRc.VALUE); } },
    /** TPMI_DH_PCR+ (Part 2): a PCR or TPM_RH_NULL (TPM_RC_VALUE). */
    DH_PCR_OR_NULL { void check(int v) { require(isPcr(v) || v == TpmRh.NULL, TpmRc.VALUE); } },
    /**
     * TPMI_DH_OBJECT (Part 2): a transient (TRANSIENT_FIRST..TRANSIENT_LAST) or persistent
     * (PERSISTENT_FIRST..PERSISTENT_LAST) object handle (TPM_RC_VALUE).
     */
    DH_OBJECT { void check(int v) { require(isObject(v), TpmRc.VALUE); } },
    /** TPMI_DH_OBJECT+ (Part 2): an object handle or TPM_RH_NULL (TPM_RC_VALUE). */
    DH_OBJECT_OR_NULL { void check(int v) { require(isObject(v) || v == TpmRh.NULL, TpmRc.VALUE); } },
    /**
     * TPMI_DH_ENTITY (Part 2): owner, endorsement, platform, lockout, an object, an NV index,
     * a PCR or a vendor authorization handle (TPM_RH_AUTH_00..FF) (TPM_RC_VALUE).
     */
    DH_ENTITY { void check(int v) { require(isEntity(v), TpmRc.VALUE); } },
    /** TPMI_DH_ENTITY+ (Part 2): an entity or TPM_RH_NULL (TPM_RC_VALUE). */
    DH_ENTITY_OR_NULL { void check(int v) { require(isEntity(v) || v == TpmRh.NULL, TpmRc.VALUE); } },
    /** TPMI_RH_PLATFORM (Part 2): TPM_RH_PLATFORM only (TPM_RC_VALUE). */
    RH_PLATFORM { void check(int v) { require(v == TpmRh.PLATFORM, TpmRc.VALUE); } },
    /** TPMI_RH_LOCKOUT (Part 2): TPM_RH_LOCKOUT only (TPM_RC_VALUE). */
    RH_LOCKOUT { void check(int v) { require(v == TpmRh.LOCKOUT, TpmRc.VALUE); } },
    /** TPMI_RH_PROVISION (Part 2): TPM_RH_OWNER or TPM_RH_PLATFORM (TPM_RC_VALUE). */
    RH_PROVISION { void check(int v) { require(v == TpmRh.OWNER || v == TpmRh.PLATFORM, TpmRc.VALUE); } },
    /** TPMI_ALG_PUBLIC (Part 2, 12.2.2): an implemented object type (TPM_RC_TYPE). */
    ALG_PUBLIC { void check(int v) { require(oneOf(v, TpmAlg.RSA, TpmAlg.KEYEDHASH, TpmAlg.ECC, TpmAlg.SYMCIPHER), TpmRc.TYPE); } },
    /** TPMI_ALG_SYM_OBJECT+ (Part 2, 9.30): an implemented block cipher or TPM_ALG_NULL (TPM_RC_SYMMETRIC). */
    ALG_SYM_OBJECT_OR_NULL {
        void check(int v) { requireOrNull(v, oneOf(v, TpmAlg.TDES, TpmAlg.AES, TpmAlg.SM4, TpmAlg.CAMELLIA), TpmRc.SYMMETRIC); }
    },
    /** TPMI_ALG_SYM+ (Part 2, 9.29): an implemented block cipher, XOR, or TPM_ALG_NULL (TPM_RC_SYMMETRIC). */
    ALG_SYM_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.TDES, TpmAlg.AES, TpmAlg.SM4, TpmAlg.CAMELLIA, TpmAlg.XOR), TpmRc.SYMMETRIC);
        }
    },
    /** TPMI_ALG_SYM_MODE+ (Part 2, 9.31): an implemented block cipher mode or TPM_ALG_NULL (TPM_RC_MODE). */
    ALG_SYM_MODE_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.CMAC, TpmAlg.CTR, TpmAlg.OFB, TpmAlg.CBC, TpmAlg.CFB, TpmAlg.ECB), TpmRc.MODE);
        }
    },
    /**
     * TPMI_ALG_MAC_SCHEME+ (Part 2, 9.35): an implemented hash, CMAC if implemented, or TPM_ALG_NULL
     * (TPM_RC_SYMMETRIC, as libtpms' unmarshalling answers). TPM2_MAC and TPM2_MAC_Start, which share
     * TPM2_HMAC's and TPM2_HMAC_Start's command codes, take it.
     */
    ALG_MAC_SCHEME_OR_NULL {
        void check(int v) {
            requireOrNull(v, TpmiAlgHash.isImplemented(v) || oneOf(v, TpmAlg.CMAC), TpmRc.SYMMETRIC);
        }
    },
    /** TPMI_ALG_KEYEDHASH_SCHEME+ (Part 2, 11.1): HMAC, XOR or TPM_ALG_NULL, if implemented (TPM_RC_VALUE). */
    ALG_KEYEDHASH_SCHEME_OR_NULL {
        void check(int v) { requireOrNull(v, oneOf(v, TpmAlg.HMAC, TpmAlg.XOR), TpmRc.VALUE); }
    },
    /** TPMI_ALG_RSA_SCHEME+ (Part 2, 11.2.4): an implemented RSA scheme or TPM_ALG_NULL (TPM_RC_VALUE). */
    ALG_RSA_SCHEME_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.RSAES, TpmAlg.OAEP), TpmRc.VALUE);
        }
    },
    /** TPMI_ALG_ECC_SCHEME+ (Part 2, 11.2.5): an implemented ECC scheme or TPM_ALG_NULL (TPM_RC_SCHEME). */
    ALG_ECC_SCHEME_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.ECDSA, TpmAlg.ECDAA, TpmAlg.SM2, TpmAlg.ECSCHNORR, TpmAlg.ECDH, TpmAlg.ECMQV),
                    TpmRc.SCHEME);
        }
    },
    /** TPMI_ECC_KEY_EXCHANGE (Part 2, 11.2.5): ECDH, ECMQV or SM2, if implemented; not TPM_ALG_NULL (TPM_RC_SCHEME). */
    ECC_KEY_EXCHANGE {
        void check(int v) { require(oneOf(v, TpmAlg.ECDH, TpmAlg.ECMQV, TpmAlg.SM2), TpmRc.SCHEME); }
    },
    /** TPMI_ALG_KDF+ (Part 2, 9.32): an implemented key derivation function or TPM_ALG_NULL (TPM_RC_KDF). */
    ALG_KDF_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.MGF1, TpmAlg.KDF1_SP800_56A, TpmAlg.KDF2, TpmAlg.KDF1_SP800_108), TpmRc.KDF);
        }
    },
    /** TPMI_ALG_SIG_SCHEME+ (Part 2, 11.2.1.2): an implemented signing scheme, HMAC, or TPM_ALG_NULL (TPM_RC_SCHEME). */
    ALG_SIG_SCHEME_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.ECDSA, TpmAlg.ECDAA, TpmAlg.SM2,
                    TpmAlg.ECSCHNORR, TpmAlg.HMAC), TpmRc.SCHEME);
        }
    },
    /** TPMI_ALG_RSA_DECRYPT+ (Part 2, 11.2.4.3): RSAES or OAEP, if implemented, or TPM_ALG_NULL (TPM_RC_VALUE). */
    ALG_RSA_DECRYPT_OR_NULL {
        void check(int v) { requireOrNull(v, oneOf(v, TpmAlg.RSAES, TpmAlg.OAEP), TpmRc.VALUE); }
    },
    /** TPMI_ALG_CIPHER_MODE+ (Part 2, 9.32): an implemented block cipher mode (not CMAC) or TPM_ALG_NULL (TPM_RC_MODE). */
    ALG_CIPHER_MODE_OR_NULL {
        void check(int v) {
            requireOrNull(v, oneOf(v, TpmAlg.CTR, TpmAlg.OFB, TpmAlg.CBC, TpmAlg.CFB, TpmAlg.ECB), TpmRc.MODE);
        }
    },
    /**
     * TPMA_OBJECT (Part 2, 8.3): no reserved bit set (TPM_RC_RESERVED_BITS), checked while
     * unmarshalling as ms-tpm-20-ref and libtpms do (TPMA_OBJECT_Unmarshal). Not a TPMI type, but
     * the same kind of check: a lenient reader skips it and {@code TpmaObject} keeps the bits.
     */
    TPMA_OBJECT {
        void check(int v) { require((v & dev.jtpm.types.structure.TpmaObject.RESERVED) == 0, TpmRc.RESERVED_BITS); }
    },
    /** TPMI_RH_HIERARCHY (Part 2, 9.12): owner, endorsement or platform (TPM_RC_VALUE). */
    RH_HIERARCHY {
        void check(int v) { require(v == TpmRh.OWNER || v == TpmRh.ENDORSEMENT || v == TpmRh.PLATFORM, TpmRc.VALUE); }
    },
    /** TPMI_RH_HIERARCHY_AUTH (Part 2, 9.14): owner, endorsement, platform or lockout (TPM_RC_VALUE). */
    RH_HIERARCHY_AUTH {
        void check(int v) {
            require(v == TpmRh.OWNER || v == TpmRh.ENDORSEMENT || v == TpmRh.PLATFORM || v == TpmRh.LOCKOUT, TpmRc.VALUE);
        }
    },
    /**
     * TPMI_RH_HIERARCHY_POLICY (Part 2, 9.15): owner, endorsement, platform, lockout or an ACT
     * handle TPM_RH_ACT_0..F (TPM_RC_VALUE). The ACT range passes here as in ms-tpm-20-ref and
     * libtpms; a TPM without ACTs refuses those handles when it looks for the entity.
     */
    RH_HIERARCHY_POLICY {
        void check(int v) {
            require(v == TpmRh.OWNER || v == TpmRh.ENDORSEMENT || v == TpmRh.PLATFORM || v == TpmRh.LOCKOUT
                    || TpmRh.inRange(v, ACT_0, ACT_F), TpmRc.VALUE);
        }
    },
    /**
     * TPM_ST (Part 2, 6.9) where a structure carries a tag (the tickets): one of the structure tags
     * ms-tpm-20-ref's and libtpms' TPM_ST_Unmarshal accept (TPM_RC_VALUE); whether it is the right
     * one for the structure (TPM_RC_TAG) is the record's own check.
     */
    ST {
        void check(int v) {
            switch (v) {
                case TpmSt.RSP_COMMAND, TpmSt.NULL, TpmSt.NO_SESSIONS, TpmSt.SESSIONS, TpmSt.ATTEST_NV,
                     TpmSt.ATTEST_COMMAND_AUDIT, TpmSt.ATTEST_SESSION_AUDIT, TpmSt.ATTEST_CERTIFY, TpmSt.ATTEST_QUOTE,
                     TpmSt.ATTEST_TIME, TpmSt.ATTEST_CREATION, TpmSt.CREATION, TpmSt.VERIFIED, TpmSt.AUTH_SECRET,
                     TpmSt.HASHCHECK, TpmSt.AUTH_SIGNED -> { }
                default -> throw new TpmFailure(TpmRc.VALUE);
            }
        }
    },
    /** TPMI_RH_ENABLES (Part 2, 9.13): owner, endorsement, platform or platform NV (TPM_RC_VALUE). */
    RH_ENABLES {
        void check(int v) {
            require(v == TpmRh.OWNER || v == TpmRh.ENDORSEMENT || v == TpmRh.PLATFORM || v == TpmRh.PLATFORM_NV, TpmRc.VALUE);
        }
    },
    /** TPMI_RH_CLEAR (Part 2, 9.20): lockout or platform (TPM_RC_VALUE). */
    RH_CLEAR { void check(int v) { require(v == TpmRh.LOCKOUT || v == TpmRh.PLATFORM, TpmRc.VALUE); } },
    /** TPMI_RH_ENDORSEMENT (Part 2, 9.18): TPM_RH_ENDORSEMENT only (TPM_RC_VALUE). */
    RH_ENDORSEMENT { void check(int v) { require(v == TpmRh.ENDORSEMENT, TpmRc.VALUE); } },
    /**
     * TPMI_DH_PARENT+ (Part 2, 9.3): owner, endorsement, platform, an object, or TPM_RH_NULL
     * (TPM_RC_VALUE).
     */
    DH_PARENT_OR_NULL {
        void check(int v) {
            require(v == TpmRh.OWNER || v == TpmRh.ENDORSEMENT || v == TpmRh.PLATFORM || v == TpmRh.NULL || isObject(v),
                    TpmRc.VALUE);
        }
    },
    /** TPMI_RH_NV_INDEX (Part 2, 9.18): NV_INDEX_FIRST..NV_INDEX_LAST (TPM_RC_VALUE). */
    RH_NV_INDEX { void check(int v) { require(TpmRh.inRange(v, TpmRh.NV_INDEX_FIRST, TpmRh.NV_INDEX_LAST), TpmRc.VALUE); } },
    /** TPMI_RH_NV_AUTH (Part 2, 9.17): owner, platform or an NV index (TPM_RC_VALUE). */
    RH_NV_AUTH {
        void check(int v) {
            require(v == TpmRh.OWNER || v == TpmRh.PLATFORM || TpmRh.inRange(v, TpmRh.NV_INDEX_FIRST, TpmRh.NV_INDEX_LAST),
                    TpmRc.VALUE);
        }
    },
    /** TPMA_NV (Part 2, 13.4): no reserved bit set (TPM_RC_RESERVED_BITS), as libtpms' TPMA_NV_Unmarshal. */
    TPMA_NV { void check(int v) { require((v & dev.jtpm.types.structure.TpmaNv.RESERVED) == 0, TpmRc.RESERVED_BITS); } },
    /** TPMS_NV_PUBLIC.dataSize: at most MAX_NV_INDEX_SIZE (TPM_RC_SIZE), as libtpms' TPMS_NV_PUBLIC_Unmarshal. */
    NV_DATA_SIZE { void check(int v) { require(v <= dev.jtpm.types.structure.TpmaNv.MAX_NV_INDEX_SIZE, TpmRc.SIZE); } },
    /** TPMI_DH_PERSISTENT (Part 2, 9.5): PERSISTENT_FIRST..PERSISTENT_LAST (TPM_RC_VALUE). */
    DH_PERSISTENT {
        void check(int v) { require(TpmRh.inRange(v, TpmRh.PERSISTENT_FIRST, TpmRh.PERSISTENT_LAST), TpmRc.VALUE); }
    },
    /**
     * TPMI_DH_CONTEXT (Part 2, 9.10): an HMAC or policy session, or a transient object (TPM_RC_VALUE).
     * Session handles are accepted over their whole handle type (0x02xxxxxx, 0x03xxxxxx), as the
     * engine numbers sessions there; ms-tpm-20-ref stops at MAX_ACTIVE_SESSIONS.
     */
    DH_CONTEXT {
        void check(int v) {
            require(isSession(v) || TpmRh.inRange(v, TpmRh.TRANSIENT_FIRST, TpmRh.TRANSIENT_LAST), TpmRc.VALUE);
        }
    },
    /**
     * TPMI_DH_SAVED (Part 2, 9.11): an HMAC or policy session, or one of the three transient
     * handles a saved object context carries: 0x80000000 (an object), 0x80000001 (a sequence
     * object), 0x80000002 (an stClear object) (TPM_RC_VALUE).
     */
    DH_SAVED {
        void check(int v) {
            require(isSession(v) || TpmRh.inRange(v, TpmRh.TRANSIENT_FIRST, TpmRh.TRANSIENT_FIRST + 2), TpmRc.VALUE);
        }
    },
    /** TPMI_SH_POLICY (Part 2, 9.8): a policy session handle, 0x03xxxxxx (TPM_RC_VALUE). */
    SH_POLICY { void check(int v) { require(v >>> 24 == 0x03, TpmRc.VALUE); } },
    /** TPMI_SH_HMAC (Part 2, 9.7): an HMAC session handle, 0x02xxxxxx (TPM_RC_VALUE). */
    SH_HMAC { void check(int v) { require(v >>> 24 == 0x02, TpmRc.VALUE); } },
    /** TPM_EO (Part 2, 6.8): a defined operation, TPM_EO_EQ..TPM_EO_BITCLEAR (TPM_RC_VALUE, as TPM_EO_Unmarshal). */
    EO { void check(int v) { require(v >= 0 && v <= 0x000B, TpmRc.VALUE); } },
    /** TPMI_RSA_KEY_BITS (Part 2, 11.2.4): an implemented RSA key size (TPM_RC_VALUE). */
    RSA_KEY_BITS { void check(int v) { keyBits(TpmAlg.RSA, v); } },
    /** TPMI_AES_KEY_BITS (Part 2, 11.1): an implemented AES key size (TPM_RC_VALUE). */
    AES_KEY_BITS { void check(int v) { keyBits(TpmAlg.AES, v); } },
    /** TPMI_SM4_KEY_BITS (Part 2, 11.1): an implemented SM4 key size (TPM_RC_VALUE). */
    SM4_KEY_BITS { void check(int v) { keyBits(TpmAlg.SM4, v); } },
    /** TPMI_CAMELLIA_KEY_BITS (Part 2, 11.1): an implemented Camellia key size (TPM_RC_VALUE). */
    CAMELLIA_KEY_BITS { void check(int v) { keyBits(TpmAlg.CAMELLIA, v); } },
    /** TPMI_TDES_KEY_BITS (Part 2, 11.1): an implemented TDES key size (TPM_RC_VALUE). */
    TDES_KEY_BITS { void check(int v) { keyBits(TpmAlg.TDES, v); } },
    /** TPMI_ECC_CURVE (Part 2, 11.2.5): an implemented curve (TPM_RC_CURVE). */
    ECC_CURVE {
        void check(int v) { if (!Algorithms.isCurveImplemented(v)) throw new TpmFailure(TpmRc.CURVE); }
    };

    private static boolean isPcr(int v) { return TpmRh.inRange(v, TpmRh.PCR_FIRST, TpmRh.PCR_LAST); }

    /** TPM_RH_ACT_0 and TPM_RH_ACT_F (Part 2, 7.4). */
    private static final int ACT_0 = 0x40000110, ACT_F = 0x4000011F;

    private static boolean isSession(int v) {
        int ht = v >>> 24;
        return ht == 0x02 || ht == 0x03;
    }

    private static boolean isObject(int v) {
        return TpmRh.inRange(v, TpmRh.TRANSIENT_FIRST, TpmRh.TRANSIENT_LAST)
                || TpmRh.inRange(v, TpmRh.PERSISTENT_FIRST, TpmRh.PERSISTENT_LAST);
    }

    private static boolean isEntity(int v) {
        return v == TpmRh.OWNER || v == TpmRh.ENDORSEMENT || v == TpmRh.PLATFORM || v == TpmRh.LOCKOUT
                || isObject(v) || isPcr(v) || TpmRh.inRange(v, TpmRh.NV_INDEX_FIRST, TpmRh.NV_INDEX_LAST)
                || TpmRh.inRange(v, TpmRh.AUTH_00, TpmRh.AUTH_FF);
    }

    /** True if {@code v} is one of {@code allowed} and implemented ({@link Algorithms}). */
    private static boolean oneOf(int v, int... allowed) {
        for (int a : allowed) if (a == v) return Algorithms.isImplemented(v);
        return false;
    }

    private static void require(boolean ok, TpmRc rc) {
        if (!ok) throw new TpmFailure(rc);
    }

    private static void requireOrNull(int v, boolean ok, TpmRc rc) {
        if (v != TpmAlg.NULL && !ok) throw new TpmFailure(rc);
    }

    private static void keyBits(int alg, int bits) {
        if (!Algorithms.hasKeySize(alg, bits)) throw new TpmFailure(TpmRc.VALUE);
    }

    /** Throws {@link TpmFailure} with the type's response code when {@code v} is not allowed. */
    abstract void check(int v);
}
