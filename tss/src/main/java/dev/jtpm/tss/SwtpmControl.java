package dev.jtpm.tss;

import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlCommand;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.CtrlResponse;
import dev.jtpm.wire.Ptm;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client of swtpm's control channel. Made with the constructor it opens one connection per command, as
 * tcti-swtpm does; made with {@link #connect} it sends every command over one connection until {@link #close},
 * as swtpm_ioctl and QEMU do. Replies are read as QEMU reads them: 4 bytes first, the rest only on success
 * (CMD_GET_STATEBLOB: its 16-byte header also with a non-fatal result, TPM_RETRY for a missing blob).
 */
public final class SwtpmControl implements AutoCloseable {
    private final Endpoint endpoint;
    private final boolean persistent;
    private final Exchange device;
    /** The held connection ({@link #connect}); null when a new one is needed. */
    private ByteChannel held;

    /** A client of the control channel at {@code endpoint}: one connection per command. */
    public SwtpmControl(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.persistent = false;
        this.device = null;
    }

    private SwtpmControl(Endpoint endpoint, ByteChannel held) {
        this.endpoint = endpoint;
        this.persistent = true;
        this.held = held;
        this.device = null;
    }

    private SwtpmControl(Exchange device) {
        this.endpoint = null;
        this.persistent = true;
        this.device = device;
    }

    /**
     * Another way to the same requests (a CUSE device's ioctls): takes a request, answers with the reply
     * exactly as the socket control channel would send it (big-endian).
     */
    public interface Exchange extends AutoCloseable {
        /** One request and its socket-format reply. */
        Reply exchange(CtrlRequest request) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A client whose requests go through {@code device} instead of a socket. */
    public static SwtpmControl over(Exchange device) {
        return new SwtpmControl(device);
    }

    /** A client that connects now and sends every command over this one connection until {@link #close}. */
    public static SwtpmControl connect(Endpoint endpoint) throws IOException {
        return new SwtpmControl(endpoint, endpoint.connect());
    }

    /** Closes the held connection, if any. */
    @Override
    public void close() throws IOException {
        if (device != null) device.close();
        if (held != null) held.close();
        held = null;
    }

    /**
     * A raw reply.
     *
     * @param result the ptm result
     * @param bytes the whole reply as received
     */
    public record Reply(int result, byte[] bytes) {
        public Reply { bytes = bytes.clone(); }
        @Override public byte[] bytes() { return bytes.clone(); }
        /** The u32 at {@code off}. */
        public int u32(int off) { return BigEndian.u32(bytes, off); }
    }

    /** Sends one request (on a fresh connection, or the held one) and reads its reply. */
    public Reply send(CtrlRequest request) throws IOException {
        if (device != null) return device.exchange(request);
        if (!persistent) {
            try (ByteChannel ch = endpoint.connect()) {
                return exchange(ch, request);
            }
        }
        if (held == null) held = endpoint.connect();
        Reply r;
        try {
            r = exchange(held, request);
        } catch (IOException e) {
            close();
            throw e;
        }
        if (r.bytes.length == 4 && CtrlCommand.of(BigEndian.u32(request.encode(), 0)) == CtrlCommand.GET_STATEBLOB) {
            // swtpm sends 4 octets for some GET_STATEBLOB errors and its 16-octet header for others: what may
            // follow is unknown, so the next request gets a fresh connection
            close();
        }
        return r;
    }

    private static Reply exchange(ByteChannel ch, CtrlRequest request) throws IOException {
        byte[] msg = request.encode();
        CtrlCommand cmd = CtrlCommand.of(BigEndian.u32(msg, 0));
        Wire.writeAll(ch, msg);
        byte[] first = Wire.readFully(ch, 4);
        int result = BigEndian.u32(first, 0);
        boolean blobHeader = cmd == CtrlCommand.GET_STATEBLOB && (result == Ptm.TPM_SUCCESS || (result & Ptm.TPM_RETRY) != 0);
        if (cmd == null || (result != Ptm.TPM_SUCCESS && !blobHeader)) return new Reply(result, first);
        byte[] rest = Wire.readFully(ch, CtrlResponse.successSize(cmd) - 4);
        byte[] all = concat(first, rest);
        if (cmd == CtrlCommand.GET_STATEBLOB || cmd == CtrlCommand.GET_INFO) {
            int lenOff = cmd == CtrlCommand.GET_STATEBLOB ? 12 : 8;
            int len = BigEndian.u32(all, lenOff);
            if (len > 0) all = concat(all, Wire.readFully(ch, len));
        }
        return new Reply(result, all);
    }

    /** CMD_GET_CAPABILITY: the PTM_CAP_* bits. */
    public int capabilities() throws IOException { return check(send(new CtrlRequest.GetCapability())).u32(4); }

    /** CMD_INIT; returns the result. */
    public int init(int flags) throws IOException { return send(new CtrlRequest.Init(flags)).result(); }

    /** CMD_STOP; returns the result. */
    public int stop() throws IOException { return send(new CtrlRequest.Stop()).result(); }

    /** CMD_SHUTDOWN (the server exits); returns the result. */
    public int shutdown() throws IOException { return send(new CtrlRequest.Shutdown()).result(); }

    /** CMD_GET_TPMESTABLISHED. */
    public boolean established() throws IOException { return check(send(new CtrlRequest.GetTpmEstablished())).bytes()[4] != 0; }

    /** CMD_SET_LOCALITY; returns the result. */
    public int setLocality(int locality) throws IOException { return send(new CtrlRequest.SetLocality(locality)).result(); }

    /** CMD_RESET_TPMESTABLISHED; returns the result. */
    public int resetEstablished(int locality) throws IOException {
        return send(new CtrlRequest.ResetTpmEstablished(locality)).result();
    }

    /** HASH_START, HASH_DATA, HASH_END; returns the first non-zero result, or 0. */
    public int hash(byte[] data) throws IOException {
        int r = send(new CtrlRequest.HashStart()).result();
        if (r == 0) r = send(new CtrlRequest.HashData(data)).result();
        if (r == 0) r = send(new CtrlRequest.HashEnd()).result();
        return r;
    }

    /** CMD_CANCEL_TPM_CMD; returns the result. */
    public int cancel() throws IOException { return send(new CtrlRequest.CancelTpmCmd()).result(); }

    /** CMD_STORE_VOLATILE; returns the result. */
    public int storeVolatile() throws IOException { return send(new CtrlRequest.StoreVolatile()).result(); }

    /** CMD_GET_CONFIG: the PTM_CONFIG_FLAG_* bits. */
    public int config() throws IOException { return check(send(new CtrlRequest.GetConfig())).u32(4); }

    /** CMD_SET_BUFFERSIZE: {@code [result, size, min, max]}, or {@code [result]} on error. */
    public int[] setBufferSize(int size) throws IOException {
        Reply r = send(new CtrlRequest.SetBufferSize(size));
        return r.result() != 0 ? new int[] {r.result()} : new int[] {0, r.u32(4), r.u32(8), r.u32(12)};
    }

    /** CMD_GET_INFO: the whole JSON, collected over as many replies as needed. */
    public String info(long flags) throws IOException {
        StringBuilder s = new StringBuilder();
        int offset = 0;
        while (true) {
            Reply r = check(send(new CtrlRequest.GetInfo(flags, offset)));
            int tot = r.u32(4), len = r.u32(8);
            byte[] part = Arrays.copyOfRange(r.bytes(), 12, 12 + len);
            s.append(new String(part, StandardCharsets.UTF_8));
            offset += len;
            if (offset >= tot || len == 0) break;
        }
        int nul = s.indexOf("\0");
        return nul >= 0 ? s.substring(0, nul) : s.toString();
    }

    /** CMD_GET_STATEBLOB from offset 0; the blob, or an exception carrying the result. */
    public byte[] stateBlob(int type) throws IOException {
        Reply r = send(new CtrlRequest.GetStateBlob(Ptm.STATE_FLAG_DECRYPTED, type, 0));
        if (r.result() != 0) throw new CtrlException(r.result());
        return Arrays.copyOfRange(r.bytes(), 16, r.bytes().length);
    }

    /** CMD_SET_STATEBLOB; returns the result. */
    public int setStateBlob(int type, byte[] blob) throws IOException {
        return send(new CtrlRequest.SetStateBlob(0, type, blob)).result();
    }

    /** CMD_LOCK_STORAGE with {@code retries} (swtpm 0.8+); returns the result. */
    public int lockStorage(int retries) throws IOException { return send(new CtrlRequest.LockStorage(retries)).result(); }

    private static Reply check(Reply r) throws CtrlException {
        if (r.result() != 0) throw new CtrlException(r.result());
        return r;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A control command answered with a non-zero ptm result. */
    public static final class CtrlException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int result;

        /** An exception for {@code result}. */
        public CtrlException(int result) {
            super(String.format("control channel result 0x%x", result));
            this.result = result;
        }

        /** The ptm result. */
        public int result() { return result; }
    }
}
