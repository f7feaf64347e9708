package dev.jtpm.wire;

/**
 * The swtpm control channel commands (CMD_*), with the fixed size of their request payload.
 * {@link #HASH_DATA} and {@link #SET_STATEBLOB} carry a length-prefixed data part after it.
 */
public enum CtrlCommand {
    GET_CAPABILITY(0x01, 0),
    INIT(0x02, 4),
    SHUTDOWN(0x03, 0),
    GET_TPMESTABLISHED(0x04, 0),
    SET_LOCALITY(0x05, 1),
    HASH_START(0x06, 0),
    HASH_DATA(0x07, 4),
    HASH_END(0x08, 0),
    CANCEL_TPM_CMD(0x09, 0),
    STORE_VOLATILE(0x0A, 0),
    RESET_TPMESTABLISHED(0x0B, 1),
    GET_STATEBLOB(0x0C, 12),
    SET_STATEBLOB(0x0D, 12),
    STOP(0x0E, 0),
    GET_CONFIG(0x0F, 0),
    SET_DATAFD(0x10, 0),
    SET_BUFFERSIZE(0x11, 4),
    GET_INFO(0x12, 16),
    LOCK_STORAGE(0x13, 4);

    private final int code;
    private final int fixedPayload;

    CtrlCommand(int code, int fixedPayload) {
        this.code = code;
        this.fixedPayload = fixedPayload;
    }

    /** The CMD_* value on the wire. */
    public int code() { return code; }

    /** Payload bytes after the 4-byte code that swtpm waits for (before any data part). */
    public int fixedPayload() { return fixedPayload; }

    /** True for the two commands whose fixed part ends with a u32 length of following data. */
    public boolean hasDataPart() { return this == HASH_DATA || this == SET_STATEBLOB; }

    /** The command for a code, or null when unknown. */
    public static CtrlCommand of(int code) {
        return code >= 1 && code <= values().length ? values()[code - 1] : null;
    }
}
