package dev.jtpm.wire;

import java.util.Arrays;

/**
 * One request on the swtpm control channel: the 4-byte big-endian CMD_* code followed by the
 * command's big-endian request struct. {@link #decode} applies swtpm's own size checks (a payload of
 * the wrong size is {@link Malformed}, answered with TPM_BAD_PARAMETER); {@link #encode} produces
 * exactly the bytes swtpm_ioctl and QEMU send.
 */
public sealed interface CtrlRequest {

    /** The encoded request, code included. */
    byte[] encode();

    /** CMD_GET_CAPABILITY. */
    record GetCapability() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.GET_CAPABILITY); }
    }

    /** CMD_INIT with PTM_INIT_FLAG_* flags. */
    record Init(int flags) implements CtrlRequest {
        public byte[] encode() { return withU32(CtrlCommand.INIT, flags); }
    }

    /** CMD_SHUTDOWN: the server process exits. */
    record Shutdown() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.SHUTDOWN); }
    }

    /** CMD_GET_TPMESTABLISHED. */
    record GetTpmEstablished() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.GET_TPMESTABLISHED); }
    }

    /** CMD_SET_LOCALITY; encoded with the 1-byte payload tcti-swtpm sends (QEMU pads to 4). */
    record SetLocality(int locality) implements CtrlRequest {
        public byte[] encode() { return withU8(CtrlCommand.SET_LOCALITY, locality); }
    }

    /** CMD_HASH_START. */
    record HashStart() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.HASH_START); }
    }

    /** CMD_HASH_DATA: a u32 length, then the data. */
    record HashData(byte[] data) implements CtrlRequest {
        public HashData { data = data.clone(); }
        @Override public byte[] data() { return data.clone(); }
        public byte[] encode() {
            byte[] b = Arrays.copyOf(withU32(CtrlCommand.HASH_DATA, data.length), 8 + data.length);
            System.arraycopy(data, 0, b, 8, data.length);
            return b;
        }
    }

    /** CMD_HASH_END. */
    record HashEnd() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.HASH_END); }
    }

    /** CMD_CANCEL_TPM_CMD. */
    record CancelTpmCmd() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.CANCEL_TPM_CMD); }
    }

    /** CMD_STORE_VOLATILE. */
    record StoreVolatile() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.STORE_VOLATILE); }
    }

    /** CMD_RESET_TPMESTABLISHED at a locality. */
    record ResetTpmEstablished(int locality) implements CtrlRequest {
        public byte[] encode() { return withU8(CtrlCommand.RESET_TPMESTABLISHED, locality); }
    }

    /** CMD_GET_STATEBLOB: {@code state_flags, type, offset}. */
    record GetStateBlob(int stateFlags, int type, int offset) implements CtrlRequest {
        public byte[] encode() {
            byte[] b = code(CtrlCommand.GET_STATEBLOB, 12);
            BigEndian.put32(b, 4, stateFlags);
            BigEndian.put32(b, 8, type);
            BigEndian.put32(b, 12, offset);
            return b;
        }
    }

    /** CMD_SET_STATEBLOB: {@code state_flags, type, length}, then the blob. Empty data clears that type. */
    record SetStateBlob(int stateFlags, int type, byte[] data) implements CtrlRequest {
        public SetStateBlob { data = data.clone(); }
        @Override public byte[] data() { return data.clone(); }
        public byte[] encode() {
            byte[] b = code(CtrlCommand.SET_STATEBLOB, 12 + data.length);
            BigEndian.put32(b, 4, stateFlags);
            BigEndian.put32(b, 8, type);
            BigEndian.put32(b, 12, data.length);
            System.arraycopy(data, 0, b, 16, data.length);
            return b;
        }
    }

    /** CMD_STOP. */
    record Stop() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.STOP); }
    }

    /** CMD_GET_CONFIG. */
    record GetConfig() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.GET_CONFIG); }
    }

    /** CMD_SET_DATAFD: the fd itself travels as SCM_RIGHTS ancillary data, not in these bytes. */
    record SetDataFd() implements CtrlRequest {
        public byte[] encode() { return code(CtrlCommand.SET_DATAFD); }
    }

    /** CMD_SET_BUFFERSIZE; 0 queries. */
    record SetBufferSize(int bufferSize) implements CtrlRequest {
        public byte[] encode() { return withU32(CtrlCommand.SET_BUFFERSIZE, bufferSize); }
    }

    /** CMD_GET_INFO: SWTPM_INFO_* flags (u64), offset into the JSON, 4 pad bytes. */
    record GetInfo(long flags, int offset) implements CtrlRequest {
        public byte[] encode() {
            byte[] b = code(CtrlCommand.GET_INFO, 16);
            BigEndian.put64(b, 4, flags);
            BigEndian.put32(b, 12, offset);
            return b;
        }
    }

    /** CMD_LOCK_STORAGE with a retry count (swtpm 0.8+). */
    record LockStorage(int retries) implements CtrlRequest {
        public byte[] encode() { return withU32(CtrlCommand.LOCK_STORAGE, retries); }
    }

    /** A code that is not a CMD_*: answered with TPM_BAD_ORDINAL. */
    record Unknown(int code) implements CtrlRequest {
        public byte[] encode() { return BigEndian.of32(code); }
    }

    /** A known command whose payload has the wrong size: answered with TPM_BAD_PARAMETER. */
    record Malformed(CtrlCommand command, int payloadLength) implements CtrlRequest {
        public byte[] encode() { throw new UnsupportedOperationException("a malformed request has no encoding"); }
    }

    /**
     * How many bytes swtpm waits for before it handles a request, judged from the bytes received so
     * far: 4 until the code is known, then 4 + the fixed payload, plus the declared data length for
     * HASH_DATA and SET_STATEBLOB once it has arrived.
     */
    static long needed(byte[] received, int length) {
        if (length < 4) return 4;
        CtrlCommand c = CtrlCommand.of(BigEndian.u32(received, 0));
        if (c == null) return 4;
        long fixed = 4L + c.fixedPayload();
        if (!c.hasDataPart() || length < fixed) return fixed;
        return fixed + (BigEndian.u32(received, (int) fixed - 4) & 0xffffffffL);
    }

    /**
     * Decodes one complete request as received (code plus every payload byte that arrived). Sizes
     * are checked the way swtpm checks them: the "write-only" commands need exactly no payload,
     * CMD_INIT exactly 4 bytes, the others at least their fixed part.
     *
     * @throws IllegalArgumentException when fewer than 4 bytes are given
     */
    static CtrlRequest decode(byte[] msg) {
        if (msg.length < 4) throw new IllegalArgumentException("a control request needs 4 bytes");
        int code = BigEndian.u32(msg, 0);
        CtrlCommand c = CtrlCommand.of(code);
        if (c == null) return new Unknown(code);
        int n = msg.length - 4;
        boolean exact = switch (c) {
            case SHUTDOWN, STOP, GET_TPMESTABLISHED, HASH_START, HASH_END, CANCEL_TPM_CMD, STORE_VOLATILE,
                 GET_CONFIG -> true;
            default -> false;
        };
        if (exact && n != 0 || c == CtrlCommand.INIT && n != 4 || n < c.fixedPayload()) return new Malformed(c, n);
        return switch (c) {
            case GET_CAPABILITY -> new GetCapability();
            case INIT -> new Init(BigEndian.u32(msg, 4));
            case SHUTDOWN -> new Shutdown();
            case GET_TPMESTABLISHED -> new GetTpmEstablished();
            case SET_LOCALITY -> new SetLocality(msg[4] & 0xff);
            case HASH_START -> new HashStart();
            case HASH_DATA -> {
                long len = BigEndian.u32(msg, 4) & 0xffffffffL;
                if (n - 4 != len) yield new Malformed(c, n);
                yield new HashData(Arrays.copyOfRange(msg, 8, msg.length));
            }
            case HASH_END -> new HashEnd();
            case CANCEL_TPM_CMD -> new CancelTpmCmd();
            case STORE_VOLATILE -> new StoreVolatile();
            case RESET_TPMESTABLISHED -> new ResetTpmEstablished(msg[4] & 0xff);
            case GET_STATEBLOB -> new GetStateBlob(BigEndian.u32(msg, 4), BigEndian.u32(msg, 8), BigEndian.u32(msg, 12));
            case SET_STATEBLOB -> {
                long len = BigEndian.u32(msg, 12) & 0xffffffffL;
                if (n - 12 != len) yield new Malformed(c, n);
                yield new SetStateBlob(BigEndian.u32(msg, 4), BigEndian.u32(msg, 8), Arrays.copyOfRange(msg, 16, msg.length));
            }
            case STOP -> new Stop();
            case GET_CONFIG -> new GetConfig();
            case SET_DATAFD -> new SetDataFd();
            case SET_BUFFERSIZE -> new SetBufferSize(BigEndian.u32(msg, 4));
            case GET_INFO -> new GetInfo(BigEndian.u64(msg, 4), BigEndian.u32(msg, 12));
            case LOCK_STORAGE -> new LockStorage(BigEndian.u32(msg, 4));
        };
    }

    private static byte[] code(CtrlCommand c) { return code(c, 0); }

    private static byte[] code(CtrlCommand c, int payload) {
        byte[] b = new byte[4 + payload];
        BigEndian.put32(b, 0, c.code());
        return b;
    }

    private static byte[] withU32(CtrlCommand c, int v) {
        byte[] b = code(c, 4);
        BigEndian.put32(b, 4, v);
        return b;
    }

    private static byte[] withU8(CtrlCommand c, int v) {
        byte[] b = code(c, 1);
        b[4] = (byte) v;
        return b;
    }
}
