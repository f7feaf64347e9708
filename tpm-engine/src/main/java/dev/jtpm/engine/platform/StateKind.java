package dev.jtpm.engine.platform;

/** The three kinds of state blob a TPM keeps, named as swtpm names its files and state blobs. */
public enum StateKind {
    /** Seeds, PCR allocation, clock, orderly-saved state, later NV and persistent objects. */
    PERMANENT(1, "permall"),
    /** Everything volatile of a running TPM, so it can resume without TPM2_Startup. */
    VOLATILE(2, "volatilestate"),
    /** TPM 1.2's save state; a TPM 2 keeps its orderly state in PERMANENT, so this stays empty. */
    SAVESTATE(3, "savestate");

    private final int blobType;
    private final String fileSuffix;

    StateKind(int blobType, String fileSuffix) {
        this.blobType = blobType;
        this.fileSuffix = fileSuffix;
    }

    /** The PTM_BLOB_TYPE_* value of swtpm's control channel. */
    public int blobType() { return blobType; }

    /** The file name suffix used by swtpm's directory backend ({@code tpm2-00.<suffix>}). */
    public String fileSuffix() { return fileSuffix; }

    /** The kind for a PTM_BLOB_TYPE_* value, or null. */
    public static StateKind ofBlobType(int type) {
        for (StateKind k : values()) if (k.blobType == type) return k;
        return null;
    }
}
