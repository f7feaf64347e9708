package dev.jtpm.provision;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDefObject;

/**
 * The endorsement keys jtpm setup makes, with the handles swtpm_setup 0.7.1 uses (reference §6.1) and
 * jtpm's P-256 EK (TCG EK Credential Profile template L-2, at the provisioning guidance's ECC EK handle).
 *
 * @param persistentHandle where EvictControl puts the key
 * @param certIndex the NV index of its certificate
 * @param templateIndex the NV index of its template (written only for a non-standard EK: --allow-signing)
 * @param fileTag the name part of {@code --write-ek-cert-files}' {@code ek-<tag>.crt}
 * @param template the standard template
 */
public enum EkKind {
    /** RSA 2048, low-range template L-1. */
    RSA_2048(0x81010001, 0x01C00002, 0x01C00004, "rsa2048", Templates.EK_RSA_2048),
    /** RSA 3072, high-range template (swtpm_setup --rsa-keysize 3072). */
    RSA_3072(0x8101001C, 0x01C0001C, 0x01C0001D, "rsa3072", Templates.EK_RSA_3072_HIGH),
    /** ECC NIST P-384, high-range template: swtpm_setup's second EK. */
    ECC_P384(0x81010016, 0x01C00016, 0x01C00017, "secp384r1", Templates.EK_ECC_P384_HIGH),
    /** ECC NIST P-256, low-range template L-2 (jtpm's --ecc-p256; tpm2_createek -G ecc makes the same key). */
    ECC_P256(0x81010002, 0x01C0000A, 0x01C0000B, "secp256r1", Templates.EK_ECC_P256);

    private final int persistentHandle, certIndex, templateIndex;
    private final String fileTag;
    private final TpmtPublic template;

    EkKind(int persistentHandle, int certIndex, int templateIndex, String fileTag, TpmtPublic template) {
        this.persistentHandle = persistentHandle;
        this.certIndex = certIndex;
        this.templateIndex = templateIndex;
        this.fileTag = fileTag;
        this.template = template;
    }

    public int persistentHandle() { return persistentHandle; }

    public int certIndex() { return certIndex; }

    public int templateIndex() { return templateIndex; }

    public String fileTag() { return fileTag; }

    public boolean isEcc() { return template.type() == TpmAlg.ECC; }

    /**
     * The template: the standard one, or swtpm_setup's non-standard signing EK for {@code --allow-signing}
     * (restricted and decrypt cleared, sign set, decrypt again with {@code --decryption}, symmetric NULL).
     */
    public TpmtPublic template(boolean allowSigning, boolean decryption) {
        if (!allowSigning) return template;
        TpmaObject attrs = template.objectAttributes().without(TpmaObject.RESTRICTED | TpmaObject.DECRYPT)
                .with(TpmaObject.SIGN_ENCRYPT);
        if (decryption) attrs = attrs.with(TpmaObject.DECRYPT);
        var params = switch (template.parameters()) {
            case TpmsRsaParms r -> new TpmsRsaParms(TpmtSymDefObject.NULL, r.scheme(), r.keyBits(), r.exponent());
            case TpmsEccParms e -> new TpmsEccParms(TpmtSymDefObject.NULL, e.scheme(), e.curveID(), e.kdf());
            default -> throw new IllegalStateException();
        };
        return new TpmtPublic(template.type(), template.nameAlg(), attrs, template.authPolicy(), params, template.unique());
    }

    /** The RSA EK of a key size (2048 or 3072). */
    public static EkKind rsa(int bits) {
        return switch (bits) {
            case 2048 -> RSA_2048;
            case 3072 -> RSA_3072;
            default -> throw new IllegalArgumentException("RSA key size " + bits + " is not supported (2048 or 3072)");
        };
    }
}
