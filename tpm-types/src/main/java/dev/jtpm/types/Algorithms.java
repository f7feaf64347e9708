package dev.jtpm.types;

import java.util.List;

/**
 * The algorithms this TPM implements: the one table behind TPM2_GetCapability(TPM_CAP_ALGS) (Part 3,
 * 30.2), TPM_CAP_ECC_CURVES, and the TPMI_* interface-type checks of the codec (Part 2, 9: e.g.
 * TPMI_ALG_PUBLIC, TPMI_ALG_SYM_OBJECT, TPMI_RSA_KEY_BITS, TPMI_ECC_CURVE), which TPM2_TestParms
 * (Part 3, 30.3) and every command taking a TPMT_PUBLIC rely on.
 *
 * <p>List an algorithm here only once it works end to end: GetCapability reports exactly this list
 * and the codec rejects everything else with the spec's response code. Key algorithms add their
 * key sizes ({@link Entry#keySizes()}); ECC adds its curves to {@link #ECC_CURVES}.
 *
 * <p>The table lives in tpm-types, not in the engine, because the TPMI checks run while
 * unmarshalling (so that errors carry the parameter index and come in the order ms-tpm-20-ref
 * reports them), and the codec is here. The hash entries must agree with
 * {@code TpmiAlgHash.IMPLEMENTED} (a test checks this).
 */
public final class Algorithms {
    private Algorithms() {}

    // TPMA_ALGORITHM (Part 2, 8.2)
    /** TPMA_ALGORITHM.asymmetric. */
    public static final int ASYMMETRIC = 1;
    /** TPMA_ALGORITHM.symmetric. */
    public static final int SYMMETRIC = 1 << 1;
    /** TPMA_ALGORITHM.hash. */
    public static final int HASH = 1 << 2;
    /** TPMA_ALGORITHM.object. */
    public static final int OBJECT = 1 << 3;
    /** TPMA_ALGORITHM.signing. */
    public static final int SIGNING = 1 << 8;
    /** TPMA_ALGORITHM.encrypting. */
    public static final int ENCRYPTING = 1 << 9;
    /** TPMA_ALGORITHM.method. */
    public static final int METHOD = 1 << 10;

    /**
     * One implemented algorithm.
     *
     * @param alg the TPM_ALG_ID
     * @param attributes its TPMA_ALGORITHM
     * @param keySizes the key sizes in bits the TPM supports (RSA, block ciphers); empty otherwise
     */
    public record Entry(int alg, int attributes, List<Integer> keySizes) {
        public Entry {
            keySizes = List.copyOf(keySizes);
        }
    }

    /** The implemented algorithms, ascending by TPM_ALG_ID (the order TPM_CAP_ALGS reports). */
    private static final List<Entry> TABLE = List.of(
            new Entry(TpmAlg.RSA, ASYMMETRIC | OBJECT, List.of(1024, 2048, 3072, 4096)),   // objects (Part 3, 12)
            // TDES: libtpms' key sizes (two- and three-key), 8-octet blocks; weak keys refused (tpm-crypto TdesKeys)
            new Entry(TpmAlg.TDES, SYMMETRIC, List.of(128, 192)),
            new Entry(TpmAlg.SHA1, HASH, List.of()),
            new Entry(TpmAlg.HMAC, HASH | SIGNING, List.of()),         // keyed-hash objects' HMAC scheme
            // AES in CFB mode and XOR: session parameter encryption (Part 1, 21)
            // AES-192 too, which libtpms 0.9 lacks (the issue asks for AES 128/192/256; a superset of swtpm)
            new Entry(TpmAlg.AES, SYMMETRIC, List.of(128, 192, 256)),
            new Entry(TpmAlg.MGF1, HASH | METHOD, List.of()),            // OAEP's mask generation
            new Entry(TpmAlg.KEYEDHASH, HASH | OBJECT | SIGNING | ENCRYPTING, List.of()),   // HMAC keys, sealed data
            new Entry(TpmAlg.XOR, HASH | SYMMETRIC, List.of()),
            new Entry(TpmAlg.SHA256, HASH, List.of()),
            new Entry(TpmAlg.SHA384, HASH, List.of()),
            new Entry(TpmAlg.SHA512, HASH, List.of()),
            new Entry(TpmAlg.RSASSA, ASYMMETRIC | SIGNING, List.of()),      // TPM2_Sign/VerifySignature (Part 3, 20)
            new Entry(TpmAlg.RSAES, ASYMMETRIC | ENCRYPTING, List.of()),   // TPM2_RSA_Encrypt/_Decrypt (Part 3, 14)
            new Entry(TpmAlg.RSAPSS, ASYMMETRIC | SIGNING, List.of()),
            new Entry(TpmAlg.OAEP, ASYMMETRIC | ENCRYPTING, List.of()),    // TPM2_RSA_Encrypt/_Decrypt, with MGF1
            new Entry(TpmAlg.ECDSA, ASYMMETRIC | SIGNING, List.of()),
            new Entry(TpmAlg.ECDH, ASYMMETRIC | METHOD, List.of()),      // TPM2_ECDH_KeyGen/_ZGen (Part 3, 14)
            new Entry(TpmAlg.ECDAA, ASYMMETRIC | SIGNING, List.of()),    // TPM2_Commit then TPM2_Sign (Part 3, 19.2, 20.2)
            new Entry(TpmAlg.SM2, ASYMMETRIC | SIGNING | METHOD, List.of()),   // SM2 signatures (encryption and key exchange: no)
            new Entry(TpmAlg.ECSCHNORR, ASYMMETRIC | SIGNING, List.of()),
            new Entry(TpmAlg.ECMQV, ASYMMETRIC | METHOD, List.of()),     // TPM2_EC_Ephemeral then TPM2_ZGen_2Phase (Part 3, 19.3, 14.7)
            // TPMT_KDF_SCHEME of ECC keys and XOR schemes; libtpms accepts them only while unmarshalling
            // (TestParms, ECC_Parameters) and as a derivation parent's XOR KDF1_SP800_108 (TPM2_CreateLoaded's
            // derived objects, Part 1, 27.1)
            new Entry(TpmAlg.KDF1_SP800_56A, HASH | METHOD, List.of()),
            new Entry(TpmAlg.KDF2, HASH | METHOD, List.of()),
            new Entry(TpmAlg.KDF1_SP800_108, HASH | METHOD, List.of()),
            new Entry(TpmAlg.ECC, ASYMMETRIC | OBJECT, List.of()),       // objects; curves in ECC_CURVES
            new Entry(TpmAlg.SYMCIPHER, OBJECT, List.of()),
            new Entry(TpmAlg.CAMELLIA, SYMMETRIC, List.of(128, 256)),   // libtpms has no Camellia-192
            new Entry(TpmAlg.CMAC, SYMMETRIC | SIGNING, List.of()),     // symcipher signing keys: TPM2_MAC(_Start)
            // block cipher modes: TPM2_EncryptDecrypt(2) (Part 3, 15); CFB also for parameter encryption
            new Entry(TpmAlg.CTR, SYMMETRIC | ENCRYPTING, List.of()),
            new Entry(TpmAlg.OFB, SYMMETRIC | ENCRYPTING, List.of()),
            new Entry(TpmAlg.CBC, SYMMETRIC | ENCRYPTING, List.of()),
            new Entry(TpmAlg.CFB, SYMMETRIC | ENCRYPTING, List.of()),
            new Entry(TpmAlg.ECB, SYMMETRIC | ENCRYPTING, List.of()));

    /**
     * The implemented ECC curves (TPM_ECC_CURVE), ascending, as swtpm 0.7.1 reports them: NIST P-192 to P-521,
     * BN P-256 and P-638, SM2 P-256. Every command taking a curve makes, checks and uses keys on all of them
     * (tpm-crypto's EccCurve); each signing scheme works on each curve, as in libtpms.
     */
    private static final List<Integer> ECC_CURVES = List.of(0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0010, 0x0011, 0x0020);

    static {
        for (int i = 1; i < TABLE.size(); i++) {
            if (TABLE.get(i - 1).alg() >= TABLE.get(i).alg()) throw new ExceptionInInitializerError("table not ascending");
        }
    }

    /** Every implemented algorithm, ascending by TPM_ALG_ID. */
    public static List<Entry> all() { return TABLE; }

    /** The entry of an implemented algorithm, or null. */
    public static Entry get(int alg) {
        for (Entry e : TABLE) if (e.alg() == alg) return e;
        return null;
    }

    /** True if {@code alg} is implemented. */
    public static boolean isImplemented(int alg) { return get(alg) != null; }

    /** True if {@code alg} is implemented and supports keys of {@code bits} bits. */
    public static boolean hasKeySize(int alg, int bits) {
        Entry e = get(alg);
        return e != null && e.keySizes().contains(bits);
    }

    /** The implemented ECC curves, ascending. */
    public static List<Integer> eccCurves() { return ECC_CURVES; }

    /** True if the ECC curve is implemented. */
    public static boolean isCurveImplemented(int curve) { return ECC_CURVES.contains(curve); }
}
