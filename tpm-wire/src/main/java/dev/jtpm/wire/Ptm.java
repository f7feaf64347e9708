package dev.jtpm.wire;

/**
 * Constants of swtpm's control protocol ({@code tpm_ioctl.h}): result codes (libtpms' TPM 1.2
 * error space), capability bits, and the flag and type values of the requests.
 */
public final class Ptm {
    private Ptm() {}

    /** TPM_SUCCESS. */
    public static final int TPM_SUCCESS = 0x00;
    /** TPM_BAD_PARAMETER: malformed or short payload. */
    public static final int TPM_BAD_PARAMETER = 0x03;
    /** TPM_FAIL: general failure. */
    public static final int TPM_FAIL = 0x09;
    /** TPM_BAD_ORDINAL: unknown command, or not allowed in the current running/stopped state. */
    public static final int TPM_BAD_ORDINAL = 0x0A;
    /** TPM_KEYNOTFOUND: a blob is encrypted with a key that was not given. */
    public static final int TPM_KEYNOTFOUND = 0x0D;
    /** TPM_ENCRYPT_ERROR. */
    public static final int TPM_ENCRYPT_ERROR = 0x20;
    /** TPM_DECRYPT_ERROR: wrong key or tampered blob (HMAC mismatch, bad padding). */
    public static final int TPM_DECRYPT_ERROR = 0x21;
    /** TPM_BAD_MODE: an unknown encryption mode. */
    public static final int TPM_BAD_MODE = 0x2C;
    /** TPM_BAD_KEY_PROPERTY: the key is not as long as the blob header says. */
    public static final int TPM_BAD_KEY_PROPERTY = 0x28;
    /** TPM_SIZE: out of memory. */
    public static final int TPM_SIZE = 0x17;
    /** TPM_IOERROR: data fd already set, I/O errors. */
    public static final int TPM_IOERROR = 0x1F;
    /** TPM_BAD_DATASIZE: bad blob header size. */
    public static final int TPM_BAD_DATASIZE = 0x2B;
    /** TPM_BAD_VERSION: blob min_version too new. */
    public static final int TPM_BAD_VERSION = 0x2E;
    /** TPM_BAD_LOCALITY. */
    public static final int TPM_BAD_LOCALITY = 0x3D;
    /** TPM_RETRY (TPM_NON_FATAL): GET_STATEBLOB of a blob that does not exist. */
    public static final int TPM_RETRY = 0x800;

    /** PTM_CAP_INIT. */
    public static final int CAP_INIT = 0x0001;
    /** PTM_CAP_SHUTDOWN. */
    public static final int CAP_SHUTDOWN = 0x0002;
    /** PTM_CAP_GET_TPMESTABLISHED. */
    public static final int CAP_GET_TPMESTABLISHED = 0x0004;
    /** PTM_CAP_SET_LOCALITY. */
    public static final int CAP_SET_LOCALITY = 0x0008;
    /** PTM_CAP_HASHING. */
    public static final int CAP_HASHING = 0x0010;
    /** PTM_CAP_CANCEL_TPM_CMD. */
    public static final int CAP_CANCEL_TPM_CMD = 0x0020;
    /** PTM_CAP_STORE_VOLATILE. */
    public static final int CAP_STORE_VOLATILE = 0x0040;
    /** PTM_CAP_RESET_TPMESTABLISHED. */
    public static final int CAP_RESET_TPMESTABLISHED = 0x0080;
    /** PTM_CAP_GET_STATEBLOB. */
    public static final int CAP_GET_STATEBLOB = 0x0100;
    /** PTM_CAP_SET_STATEBLOB. */
    public static final int CAP_SET_STATEBLOB = 0x0200;
    /** PTM_CAP_STOP. */
    public static final int CAP_STOP = 0x0400;
    /** PTM_CAP_GET_CONFIG. */
    public static final int CAP_GET_CONFIG = 0x0800;
    /** PTM_CAP_SET_DATAFD. */
    public static final int CAP_SET_DATAFD = 0x1000;
    /** PTM_CAP_SET_BUFFERSIZE. */
    public static final int CAP_SET_BUFFERSIZE = 0x2000;
    /** PTM_CAP_GET_INFO. */
    public static final int CAP_GET_INFO = 0x4000;
    /** PTM_CAP_SEND_COMMAND_HEADER. */
    public static final int CAP_SEND_COMMAND_HEADER = 0x8000;
    /** PTM_CAP_LOCK_STORAGE (swtpm 0.8+). */
    public static final int CAP_LOCK_STORAGE = 0x10000;
    /** What swtpm 0.7.1 answers for a TPM 2: every bit from INIT to SEND_COMMAND_HEADER. */
    public static final int CAPS_SWTPM_071_TPM2 = 0xFFFF;

    /** PTM_INIT_FLAG_DELETE_VOLATILE. */
    public static final int INIT_FLAG_DELETE_VOLATILE = 0x1;

    /** PTM_BLOB_TYPE_PERMANENT. */
    public static final int BLOB_TYPE_PERMANENT = 1;
    /** PTM_BLOB_TYPE_VOLATILE. */
    public static final int BLOB_TYPE_VOLATILE = 2;
    /** PTM_BLOB_TYPE_SAVESTATE. */
    public static final int BLOB_TYPE_SAVESTATE = 3;

    /** PTM_STATE_FLAG_DECRYPTED (request: decrypt the file-key encryption). */
    public static final int STATE_FLAG_DECRYPTED = 1;
    /** PTM_STATE_FLAG_ENCRYPTED (blob still file-key encrypted). */
    public static final int STATE_FLAG_ENCRYPTED = 2;

    /** PTM_CONFIG_FLAG_FILE_KEY. */
    public static final int CONFIG_FLAG_FILE_KEY = 0x1;
    /** PTM_CONFIG_FLAG_MIGRATION_KEY. */
    public static final int CONFIG_FLAG_MIGRATION_KEY = 0x2;

    /** SWTPM_INFO_TPMSPECIFICATION. */
    public static final long INFO_TPMSPECIFICATION = 0x1;
    /** SWTPM_INFO_TPMATTRIBUTES. */
    public static final long INFO_TPMATTRIBUTES = 0x2;
    /** PTM_GETINFO_SIZE: the most JSON bytes one GET_INFO reply carries. */
    public static final int GETINFO_SIZE = 3072;
}
