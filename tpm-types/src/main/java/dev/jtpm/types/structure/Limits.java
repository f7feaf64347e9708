package dev.jtpm.types.structure;

/**
 * The implementation-dependent sizes of Part 2 (the "Implementation" constants of Part 2, Annex A /
 * ms-tpm-20-ref TpmProfile.h) that bound the TPM2B buffers, as jtpm implements them: the TPM2B size
 * limits of the {@code @Max} annotations. A larger size on the wire is TPM_RC_SIZE while unmarshalling.
 * The values follow libtpms (swtpm 0.7.1) where jtpm aims for its behaviour, with RSA up to 4096 bits.
 */
public final class Limits {
    private Limits() {}

    /** MAX_DIGEST_SIZE: SHA-512. Bounds TPM2B_DIGEST, TPM2B_AUTH, TPM2B_NONCE. */
    public static final int MAX_DIGEST_SIZE = 64;
    /** sizeof(TPMT_HA): bounds TPM2B_DATA. */
    public static final int DATA_SIZE = 2 + MAX_DIGEST_SIZE;
    /** sizeof(UINT64): bounds TPM2B_TIMEOUT (PolicySigned, PolicySecret, PolicyTicket). */
    public static final int TIMEOUT_SIZE = 8;
    /** sizeof(TPMU_NAME): bounds TPM2B_NAME. */
    public static final int NAME_SIZE = 4 + MAX_DIGEST_SIZE;
    /** MAX_RSA_KEY_BYTES: RSA-4096. Bounds TPM2B_PUBLIC_KEY_RSA. */
    public static final int MAX_RSA_KEY_BYTES = 512;
    /**
     * RSA_PRIVATE_SIZE: bounds TPM2B_PRIVATE_KEY_RSA. Part 2 (1.59) sizes it for a CRT private key,
     * (MAX_RSA_KEY_BYTES / 2) * 5; on the wire it carries one prime (keyBits / 16 octets).
     */
    public static final int RSA_PRIVATE_SIZE = MAX_RSA_KEY_BYTES / 2 * 5;
    /** MAX_ECC_KEY_BYTES: BN P-638 (80 octets), the largest curve libtpms offers. Bounds TPM2B_ECC_PARAMETER. */
    public static final int MAX_ECC_KEY_BYTES = 80;
    /** MAX_SYM_KEY_BYTES: AES-256. Bounds TPM2B_SYM_KEY. */
    public static final int MAX_SYM_KEY_BYTES = 32;
    /** MAX_SYM_BLOCK_SIZE: bounds TPM2B_IV. */
    public static final int MAX_SYM_BLOCK_SIZE = 16;
    /** MAX_SYM_DATA: bounds TPM2B_SENSITIVE_DATA. */
    public static final int MAX_SYM_DATA = 128;
    /** MAX_DIGEST_BUFFER: bounds TPM2B_MAX_BUFFER. */
    public static final int MAX_DIGEST_BUFFER = 1024;
    /** LABEL_MAX_BUFFER: bounds TPM2B_LABEL. */
    public static final int LABEL_MAX_BUFFER = 32;
    /** MAX_CONTEXT_SIZE: bounds TPM2B_CONTEXT_DATA (libtpms' value). */
    public static final int MAX_CONTEXT_SIZE = 2680;
    /** sizeof(TPMS_ID_OBJECT): bounds TPM2B_ID_OBJECT (integrityHMAC and encIdentity, each a TPM2B_DIGEST). */
    public static final int ID_OBJECT_SIZE = 2 * (2 + MAX_DIGEST_SIZE);
    /** sizeof(TPMU_ENCRYPTED_SECRET): bounds TPM2B_ENCRYPTED_SECRET (an RSA-4096 block is the largest arm). */
    public static final int ENCRYPTED_SECRET_SIZE = MAX_RSA_KEY_BYTES;
    /**
     * The largest marshalled TPMT_PUBLIC (an RSA-4096 public area with a SHA-512 policy and the
     * longest parameters, those of ECC): bounds TPM2B_TEMPLATE. ms-tpm-20-ref and libtpms use
     * sizeof(TPMT_PUBLIC), which is larger; no valid template lies between the two.
     */
    public static final int TEMPLATE_SIZE = 2 + 2 + 4 + (2 + MAX_DIGEST_SIZE) + 18 + (2 + MAX_RSA_KEY_BYTES);
    /**
     * sizeof(_PRIVATE): bounds TPM2B_PRIVATE, the outer integrity digest, the inner integrity digest
     * and a TPMT_SENSITIVE with the largest private part, each with its size.
     */
    public static final int PRIVATE_SIZE = (2 + MAX_DIGEST_SIZE) * 2
            + (2 + 2 + MAX_DIGEST_SIZE + 2 + MAX_DIGEST_SIZE + 2 + RSA_PRIVATE_SIZE);
}
