package dev.jtpm.tpm12;

/** TPM 1.2 return codes (TPM Main Part 2, 16: TPM_RESULT), the ones this engine answers. */
public final class Tpm12Rc {
    private Tpm12Rc() {}

    public static final int SUCCESS = 0x00;
    public static final int AUTHFAIL = 0x01;
    public static final int BADINDEX = 0x02;
    public static final int BAD_PARAMETER = 0x03;
    public static final int CLEAR_DISABLED = 0x05;
    public static final int DEACTIVATED = 0x06;
    public static final int DISABLED = 0x07;
    public static final int DISABLED_CMD = 0x08;
    public static final int FAIL = 0x09;
    public static final int BAD_ORDINAL = 0x0A;
    public static final int INSTALL_DISABLED = 0x0B;
    public static final int INVALID_KEYHANDLE = 0x0C;
    public static final int KEYNOTFOUND = 0x0D;
    public static final int INAPPROPRIATE_ENC = 0x0E;
    public static final int INVALID_PCR_INFO = 0x10;
    public static final int NOSPACE = 0x11;
    public static final int NOSRK = 0x12;
    public static final int NOTSEALED_BLOB = 0x13;
    public static final int OWNER_SET = 0x14;
    public static final int RESOURCES = 0x15;
    public static final int SIZE = 0x17;
    public static final int WRONGPCRVAL = 0x18;
    public static final int BAD_PARAM_SIZE = 0x19;
    public static final int FAILEDSELFTEST = 0x1C;
    public static final int AUTH2FAIL = 0x1D;
    public static final int BADTAG = 0x1E;
    public static final int DECRYPT_ERROR = 0x21;
    public static final int INVALID_AUTHHANDLE = 0x22;
    public static final int NO_ENDORSEMENT = 0x23;
    public static final int INVALID_KEYUSAGE = 0x24;
    public static final int WRONG_ENTITYTYPE = 0x25;
    public static final int INVALID_POSTINIT = 0x26;
    public static final int INAPPROPRIATE_SIG = 0x27;
    public static final int BAD_KEY_PROPERTY = 0x28;
    /** TPM_SHA_THREAD, TPM_SHA_ERROR. */
    public static final int SHA_THREAD = 0x1A, SHA_ERROR = 0x1B;
    /** TPM_MIGRATEFAIL. */
    public static final int MIGRATEFAIL = 0x0F;
    public static final int BAD_SCHEME = 0x2A;
    public static final int BAD_DATASIZE = 0x2B;
    public static final int BAD_MODE = 0x2C;
    public static final int BAD_PRESENCE = 0x2D;
    public static final int BAD_VERSION = 0x2E;
    public static final int AUTH_CONFLICT = 0x3B;
    public static final int AREA_LOCKED = 0x3C;
    public static final int BAD_LOCALITY = 0x3D;
    public static final int READ_ONLY = 0x3E;
    public static final int PER_NOWRITE = 0x3F;
    public static final int WRITE_LOCKED = 0x41;
    public static final int BAD_ATTRIBUTES = 0x42;
    public static final int INVALID_STRUCTURE = 0x43;
    public static final int BAD_COUNTER = 0x45;
    public static final int NOT_FULLWRITE = 0x46;
    public static final int NOTRESETABLE = 0x32;
    public static final int NOTLOCAL = 0x33;
    public static final int INVALID_RESOURCE = 0x35;
    public static final int BAD_TYPE = 0x34;
    public static final int BAD_HANDLE = 0x58;
    public static final int BADCONTEXT = 0x5A;
    public static final int NOOPERATOR = 0x49;
    public static final int OWNER_CONTROL = 0x4F;
    public static final int NOCONTEXTSPACE = 0x63;
    public static final int MAXNVWRITES = 0x48;
    public static final int DEFEND_LOCK_RUNNING = 0x803;

    /** True for the codes after which libtpms goes into failure mode (TPM_FAIL). */
    static boolean isFatal(int rc) { return rc == FAIL; }
}
