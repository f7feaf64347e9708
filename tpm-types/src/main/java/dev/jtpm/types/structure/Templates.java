package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;

/**
 * Named public-area templates (TPMT_PUBLIC) for common primary keys: the storage root keys of the
 * TCG TPM v2.0 Provisioning Guidance and the endorsement keys of the TCG EK Credential Profile
 * for TPM Family 2.0 (the "low range" templates L-1 and L-2, whose EKs are made with a zero-filled
 * unique field, and the "high range" templates with an empty one, as swtpm_setup and
 * {@code tpm2_createek} use them).
 *
 * <p>Every EK template has fixedTPM, fixedParent, sensitiveDataOrigin, adminWithPolicy,
 * restricted and decrypt, a NULL scheme, and a policy that needs the endorsement authorization
 * (PolicyA: TPM2_PolicySecret(TPM_RH_ENDORSEMENT)); the high range adds userWithAuth and uses
 * PolicyB of the template's name algorithm.
 */
public final class Templates {
    private Templates() {}

    /** ECC curve identifiers (TPM_ECC_CURVE, Part 2, 6.4). */
    public static final int NIST_P256 = 0x0003, NIST_P384 = 0x0004, NIST_P521 = 0x0005;

    /** PolicyA_SHA256 (EK Credential Profile): TPM2_PolicySecret(TPM_RH_ENDORSEMENT) with SHA-256. */
    public static final Bytes POLICY_A_SHA256 =
            Bytes.fromHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
    /** PolicyB_SHA256 (EK Credential Profile), the policy of the SHA-256 high-range templates. */
    public static final Bytes POLICY_B_SHA256 =
            Bytes.fromHex("ca3d0a99a2b93906f7a3342414efcfb3a385d44cd1fd459089d19b5071c0b7a0");
    /** PolicyB_SHA384 (EK Credential Profile), the policy of the SHA-384 high-range templates. */
    public static final Bytes POLICY_B_SHA384 = Bytes.fromHex(
            "b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419cacb47ba09699646150f9fc000f3f80e12");
    /** PolicyB_SHA512 (EK Credential Profile), the policy of the SHA-512 high-range templates. */
    public static final Bytes POLICY_B_SHA512 = Bytes.fromHex(
            "b8221ca69e8550a4914de3faa6a18c072cc01208073a928d5d66d59ef79e49a4"
                    + "29c41a6b269571d57edb25fbdb1838425608b413cd616a5f6db5b6071af99bea");

    /** The attributes of a storage root key: 0x00030472. */
    public static final TpmaObject SRK_ATTRIBUTES = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA, TpmaObject.RESTRICTED,
            TpmaObject.DECRYPT);

    /** The attributes of the low-range EK templates: 0x000300B2 (no userWithAuth). */
    public static final TpmaObject EK_ATTRIBUTES = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.ADMIN_WITH_POLICY, TpmaObject.RESTRICTED, TpmaObject.DECRYPT);

    /** The attributes of the high-range EK templates: 0x000300F2 (with userWithAuth). */
    public static final TpmaObject EK_HIGH_ATTRIBUTES = EK_ATTRIBUTES.with(TpmaObject.USER_WITH_AUTH);

    private static final TpmtSymDefObject AES_128_CFB = TpmtSymDefObject.aes(128, TpmAlg.CFB);
    private static final TpmtSymDefObject AES_256_CFB = TpmtSymDefObject.aes(256, TpmAlg.CFB);

    private static TpmsRsaParms rsa(TpmtSymDefObject sym, int bits) {
        return new TpmsRsaParms(sym, TpmtRsaScheme.NULL, bits, 0);
    }

    private static TpmsEccParms ecc(TpmtSymDefObject sym, int curve) {
        return new TpmsEccParms(sym, TpmtEccScheme.NULL, curve, TpmtKdfScheme.NULL);
    }

    /**
     * RSA-2048 storage root key (TCG TPM v2.0 Provisioning Guidance, 7.5.1): SHA-256, attributes
     * 0x00030472, no policy, AES-128-CFB, unique = 256 zero octets.
     */
    public static final TpmtPublic RSA_2048_SRK = TpmtPublic.of(TpmAlg.SHA256, SRK_ATTRIBUTES, Bytes.EMPTY,
            rsa(AES_128_CFB, 2048), new TpmuPublicId.Rsa(Bytes.zeros(256)));

    /**
     * ECC NIST P-256 storage root key (TCG TPM v2.0 Provisioning Guidance, 7.5.1): SHA-256,
     * attributes 0x00030472, no policy, AES-128-CFB, unique = two 32-octet zero coordinates.
     */
    public static final TpmtPublic ECC_P256_SRK = TpmtPublic.of(TpmAlg.SHA256, SRK_ATTRIBUTES, Bytes.EMPTY,
            ecc(AES_128_CFB, NIST_P256), TpmsEccPoint.zeros(32));

    /**
     * EK template L-1, RSA 2048 (EK Credential Profile): SHA-256, 0x000300B2, PolicyA_SHA256,
     * AES-128-CFB, NULL scheme, exponent 0, unique = 256 zero octets. As TPM2B_PUBLIC it is 0x013A octets.
     */
    public static final TpmtPublic EK_RSA_2048 = TpmtPublic.of(TpmAlg.SHA256, EK_ATTRIBUTES, POLICY_A_SHA256,
            rsa(AES_128_CFB, 2048), new TpmuPublicId.Rsa(Bytes.zeros(256)));

    /**
     * EK template L-2, ECC NIST P-256 (EK Credential Profile): SHA-256, 0x000300B2, PolicyA_SHA256,
     * AES-128-CFB, NULL scheme and KDF, unique = two 32-octet zero coordinates (TPM2B_PUBLIC 0x7A octets).
     */
    public static final TpmtPublic EK_ECC_P256 = TpmtPublic.of(TpmAlg.SHA256, EK_ATTRIBUTES, POLICY_A_SHA256,
            ecc(AES_128_CFB, NIST_P256), TpmsEccPoint.zeros(32));

    /** High-range EK template, RSA 2048: SHA-256, 0x000300F2, PolicyB_SHA256, AES-128-CFB, empty unique. */
    public static final TpmtPublic EK_RSA_2048_HIGH = TpmtPublic.of(TpmAlg.SHA256, EK_HIGH_ATTRIBUTES, POLICY_B_SHA256,
            rsa(AES_128_CFB, 2048));

    /** High-range EK template, ECC NIST P-256: SHA-256, 0x000300F2, PolicyB_SHA256, AES-128-CFB, empty unique. */
    public static final TpmtPublic EK_ECC_P256_HIGH = TpmtPublic.of(TpmAlg.SHA256, EK_HIGH_ATTRIBUTES,
            POLICY_B_SHA256, ecc(AES_128_CFB, NIST_P256));

    /**
     * High-range EK template, ECC NIST P-384: SHA-384, 0x000300F2, PolicyB_SHA384, AES-256-CFB,
     * empty unique. swtpm_setup 0.7.1 makes its second EK (0x81010016) from it.
     */
    public static final TpmtPublic EK_ECC_P384_HIGH = TpmtPublic.of(TpmAlg.SHA384, EK_HIGH_ATTRIBUTES,
            POLICY_B_SHA384, ecc(AES_256_CFB, NIST_P384));

    /** High-range EK template, ECC NIST P-521: SHA-512, 0x000300F2, PolicyB_SHA512, AES-256-CFB, empty unique. */
    public static final TpmtPublic EK_ECC_P521_HIGH = TpmtPublic.of(TpmAlg.SHA512, EK_HIGH_ATTRIBUTES,
            POLICY_B_SHA512, ecc(AES_256_CFB, NIST_P521));

    /** High-range EK template, RSA 3072: SHA-384, 0x000300F2, PolicyB_SHA384, AES-256-CFB, empty unique. */
    public static final TpmtPublic EK_RSA_3072_HIGH = TpmtPublic.of(TpmAlg.SHA384, EK_HIGH_ATTRIBUTES,
            POLICY_B_SHA384, rsa(AES_256_CFB, 3072));

    /** High-range EK template, RSA 4096: SHA-384, 0x000300F2, PolicyB_SHA384, AES-256-CFB, empty unique. */
    public static final TpmtPublic EK_RSA_4096_HIGH = TpmtPublic.of(TpmAlg.SHA384, EK_HIGH_ATTRIBUTES,
            POLICY_B_SHA384, rsa(AES_256_CFB, 4096));
}
