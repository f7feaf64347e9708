package dev.jtpm.server.device;

import dev.jtpm.server.ServerLog;
import dev.jtpm.server.TpmController;
import dev.jtpm.server.TpmIdentity;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.TpmHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A TPM character device as swtpm's CUSE front-end ({@code cuse_tpm.c}) defines it, transport-free:
 * {@code write()} a command, {@code read()} its response; the {@code PTM_*} ioctls in host byte order;
 * state blobs larger than one ioctl continue through {@code read()}/{@code write()}. One opener at a
 * time ({@code EBUSY} otherwise). Calls are serialized by the caller (one request at a time).
 */
public final class VtpmDevice {
    /** What a device operation answers: data, or an errno. */
    public sealed interface Result {}

    /** Success with these octets (a read's data, an ioctl's output structure, a write's accepted count). */
    public record Data(byte[] bytes) implements Result {}

    /** A write that accepted {@code count} octets. */
    public record Written(int count) implements Result {}

    /** Failure with a positive errno. */
    public record Errno(int errno) implements Result {}

    private enum Tx { CLOSED, RW_COMMAND, GET_STATE_BLOB, SET_STATE_BLOB }

    /** TPM2_CC_SET_LOCALITY, the vendor command the Linux vTPM proxy sends in the data stream. */
    public static final int CC_SET_LOCALITY = 0x20001000;
    /** The largest command taken from one write (TPM_REQ_MAX). */
    public static final int MAX_COMMAND = 4096;

    /** PTM capabilities of the device: swtpm's CUSE set less LOCK_STORAGE (bits 0-11, 13, 14). */
    public static final long CAPABILITIES = 0x6FFFL;

    private final TpmController controller;
    private final boolean allowSetLocality;
    private final ServerLog log;
    private Tx tx = Tx.CLOSED;
    private byte[] response = new byte[0];
    private int readOffset;
    private boolean exit;
    // GET_STATEBLOB: the blob being read, its type and the read() position
    private byte[] getBlob;
    private boolean getBlobEncrypted;
    private int getBlobType;
    private int getOffset;
    // SET_STATEBLOB: the blob being assembled
    private final ByteArrayOutputStream setBlob = new ByteArrayOutputStream();
    private int setBlobType;
    private int setBlobFlags;

    /**
     * @param allowSetLocality whether TPM2_CC_SET_LOCALITY in the data stream is obeyed
     *                         ({@code --locality allow-set-locality}, always on for the vTPM proxy)
     */
    public VtpmDevice(TpmController controller, boolean allowSetLocality, ServerLog log) {
        this.controller = controller;
        this.allowSetLocality = allowSetLocality;
        this.log = log;
    }

    /** True once PTM_SHUTDOWN asked the server to end. */
    public boolean exitRequested() { return exit; }

    /** open(): one opener at a time. */
    public Result open() {
        if (tx != Tx.CLOSED) return new Errno(Fuse.EBUSY);
        tx = Tx.RW_COMMAND;
        return new Data(new byte[0]);
    }

    /** release() of the open file. */
    public void release() {
        tx = Tx.CLOSED;
    }

    /** write(): a TPM command, or the next part of a state blob being set. */
    public Result write(byte[] data) {
        return switch (tx) {
            case RW_COMMAND -> {
                byte[] cmd = data.length > MAX_COMMAND ? Arrays.copyOf(data, MAX_COMMAND) : data;
                response = command(cmd);
                readOffset = 0;
                yield new Written(cmd.length);
            }
            case GET_STATE_BLOB -> {
                tx = Tx.RW_COMMAND;
                yield new Errno(Fuse.EIO);
            }
            case SET_STATE_BLOB -> {
                int rc = appendSetBlob(data, false); // the ioctl of length 0 ends the transfer
                if (rc != Ptm.TPM_SUCCESS) {
                    tx = Tx.RW_COMMAND;
                    yield new Errno(Fuse.EIO);
                }
                yield new Written(data.length);
            }
            case CLOSED -> new Errno(Fuse.EBADF);
        };
    }

    /**
     * One command through the device: TPM2_CC_SET_LOCALITY is answered here (as swtpm's
     * tpmlib_process does), anything else goes to the TPM (TPM_RC_FAILURE while it is not running).
     */
    public byte[] command(byte[] cmd) {
        if (cmd.length < 10) return error(0x09A, 0x19); // TPM_RC_INSUFFICIENT / TPM_BAD_PARAM_SIZE: short message
        if (ByteBuffer.wrap(cmd, 6, 4).getInt() == CC_SET_LOCALITY) {
            if (!allowSetLocality) return error(TpmHeader.RC_FAILURE, 0x09); // TPM_FAIL for a TPM 1.2
            if (cmd.length < 11) return error(0x09A, 0x19);
            int loc = cmd[10] & 0xFF;
            return controller.setLocality(loc) == Ptm.TPM_SUCCESS ? error(0, 0)
                    : error(0x907, 0x3D); // TPM_RC_LOCALITY / TPM_BAD_LOCALITY
        }
        return controller.execute(cmd, -1);
    }

    /** swtpm's tpmlib_write_error_response: the TPM 2 code, or for a TPM 1.2 its own code in a 0xC4 frame. */
    private byte[] error(int rc2, int rc12) {
        return controller.tpm().isTpm2() ? TpmHeader.errorResponse(rc2) : controller.tpm().errorResponse(rc12);
    }

    /** read(): the rest of the last response (or of the state blob being read), at most {@code size} octets. */
    public Result read(int size) {
        return switch (tx) {
            case RW_COMMAND -> {
                int len = Math.max(0, Math.min(size, response.length - readOffset));
                byte[] out = Arrays.copyOfRange(response, readOffset, readOffset + len);
                readOffset += len;
                yield new Data(out);
            }
            case SET_STATE_BLOB -> {
                tx = Tx.RW_COMMAND;
                yield new Errno(Fuse.EIO);
            }
            case GET_STATE_BLOB -> {
                int avail = getBlob.length - getOffset;
                int len = Math.min(size, avail);
                byte[] out = Arrays.copyOfRange(getBlob, getOffset, getOffset + len);
                getOffset += len;
                if (avail < size) tx = Tx.RW_COMMAND; // the last part: fewer octets than asked
                yield new Data(out);
            }
            case CLOSED -> new Errno(Fuse.EBADF);
        };
    }

    /**
     * An ioctl: {@code in} is the request structure the kernel copied in (empty for read-only ioctls).
     *
     * @return the output structure, or EINVAL for an unknown request
     */
    public Result ioctl(int number, byte[] in) {
        PtmIoctl p = PtmIoctl.of(number);
        if (p == null || p == PtmIoctl.SET_DATAFD) return new Errno(Fuse.EINVAL);
        ByteBuffer req = ByteBuffer.wrap(Arrays.copyOf(in, p.size())).order(Fuse.ORDER);
        boolean running = controller.isRunning();
        switch (p) {
            case GET_TPMESTABLISHED, RESET_TPMESTABLISHED, HASH_START, HASH_DATA, HASH_END, CANCEL_TPM_CMD,
                 STORE_VOLATILE, GET_STATEBLOB -> {
                if (!running) return result(Ptm.TPM_BAD_ORDINAL);
            }
            case SET_STATEBLOB -> {
                if (running) return result(Ptm.TPM_BAD_ORDINAL);
            }
            default -> { }
        }
        return switch (p) {
            case GET_CAPABILITY -> new Data(Fuse.struct(8).putLong(CAPABILITIES).array());
            case INIT -> result(controller.init(req.getInt(0)));
            case SHUTDOWN -> {
                controller.terminate();
                exit = true;
                yield result(Ptm.TPM_SUCCESS);
            }
            case STOP -> {
                controller.stop();
                yield result(Ptm.TPM_SUCCESS);
            }
            case GET_TPMESTABLISHED -> new Data(Fuse.struct(8).putInt(Ptm.TPM_SUCCESS)
                    .put((byte) (controller.tpm().tpmEstablished() ? 1 : 0)).array());
            case SET_LOCALITY -> result(controller.setLocality(req.get(0) & 0xFF));
            case RESET_TPMESTABLISHED -> result(controller.resetEstablished(req.get(0) & 0xFF));
            case HASH_START -> {
                controller.tpm().hashStart();
                yield result(Ptm.TPM_SUCCESS);
            }
            case HASH_DATA -> {
                long len = Integer.toUnsignedLong(req.getInt(0));
                if (len > 4096) yield result(Ptm.TPM_FAIL);
                controller.tpm().hashData(Arrays.copyOfRange(req.array(), 4, 4 + (int) len));
                yield result(Ptm.TPM_SUCCESS);
            }
            case HASH_END -> {
                controller.tpm().hashEnd();
                yield result(Ptm.TPM_SUCCESS);
            }
            case CANCEL_TPM_CMD -> {
                controller.tpm().cancel();
                yield result(Ptm.TPM_SUCCESS);
            }
            case STORE_VOLATILE -> {
                getBlob = null;
                yield result(controller.storeVolatile());
            }
            case GET_STATEBLOB -> getStateBlob(req.getInt(0), req.getInt(4), req.getInt(8));
            case SET_STATEBLOB -> setStateBlob(req);
            case GET_CONFIG -> new Data(Fuse.struct(8).putInt(Ptm.TPM_SUCCESS).putInt(controller.configFlags()).array());
            case SET_BUFFERSIZE -> {
                int size = controller.setBufferSize(req.getInt(0));
                if (size < 0) yield result(Ptm.TPM_BAD_ORDINAL);
                yield new Data(Fuse.struct(16).putInt(Ptm.TPM_SUCCESS).putInt(size).putInt(TpmController.MIN_BUFFER_SIZE)
                        .putInt(TpmController.MAX_BUFFER_SIZE).array());
            }
            case GET_INFO -> getInfo(req.getLong(0), req.getInt(8));
            case LOCK_STORAGE -> result(Ptm.TPM_BAD_ORDINAL); // not offered in CAPABILITIES
            case SET_DATAFD -> new Errno(Fuse.EINVAL);
        };
    }

    private Result getStateBlob(int stateFlags, int type, int offset) {
        if (getBlob == null || getBlobType != type || offset == 0) {
            try {
                TpmController.MigrationBlob m = controller.stateBlob(type, stateFlags);
                getBlob = m.blob();
                getBlobEncrypted = m.encrypted();
                getBlobType = type;
            } catch (StateBlobException e) {
                getBlob = null;
                tx = Tx.RW_COMMAND;
                return new Data(Fuse.struct(16 + PtmIoctl.STATE_BLOB_SIZE).putInt(e.ptmResult()).array());
            }
        }
        long off = Integer.toUnsignedLong(offset);
        int copied = (int) Math.max(0, Math.min(PtmIoctl.STATE_BLOB_SIZE, getBlob.length - off));
        ByteBuffer out = Fuse.struct(16 + PtmIoctl.STATE_BLOB_SIZE).putInt(Ptm.TPM_SUCCESS)
                .putInt(getBlobEncrypted ? Ptm.STATE_FLAG_ENCRYPTED : 0).putInt(getBlob.length).putInt(copied);
        if (copied > 0) out.put(getBlob, (int) off, copied);
        if (off + copied < getBlob.length) {
            tx = Tx.GET_STATE_BLOB; // the rest comes through read()
            getOffset = (int) off + copied;
        } else {
            tx = Tx.RW_COMMAND;
        }
        if (log != null) log.info("Serialized state type " + type + ", length=" + copied + ", totlength=" + getBlob.length);
        return new Data(out.array());
    }

    /**
     * PTM_SET_STATEBLOB as swtpm's CUSE server takes it: parts of one blob (same type) accumulate over
     * ioctls; a full part (3 KiB) means more follows, a shorter one ends the blob. A first part of length 0
     * starts a transfer whose data comes through {@code write()}, ended by an ioctl of length 0.
     */
    private Result setStateBlob(ByteBuffer req) {
        int flags = req.getInt(0), type = req.getInt(4);
        long length = Integer.toUnsignedLong(req.getInt(8));
        if (length > PtmIoctl.STATE_BLOB_SIZE) return result(Ptm.TPM_BAD_PARAMETER);
        boolean last = length != PtmIoctl.STATE_BLOB_SIZE;
        if (tx != Tx.SET_STATE_BLOB || setBlobType != type) {
            setBlob.reset();
            setBlobType = type;
            setBlobFlags = flags;
            tx = Tx.SET_STATE_BLOB;
            if (length == 0) return result(Ptm.TPM_SUCCESS); // the data follows through write()
        }
        int rc = appendSetBlob(Arrays.copyOfRange(req.array(), 12, 12 + (int) length), last);
        if (rc != Ptm.TPM_SUCCESS) tx = Tx.RW_COMMAND;
        return result(rc);
    }

    private int appendSetBlob(byte[] part, boolean last) {
        if (setBlob.size() + (long) part.length > TpmController.MAX_STATE_BLOB) {
            setBlob.reset();
            setBlobType = 0;
            return Ptm.TPM_FAIL;
        }
        setBlob.writeBytes(part);
        if (!last) return Ptm.TPM_SUCCESS;
        int rc = controller.pushStateBlob(setBlobType, setBlobFlags, setBlob.toByteArray());
        if (log != null) log.info("Deserialized state type " + setBlobType + ", length=" + setBlob.size() + ", res=" + rc);
        setBlob.reset();
        setBlobType = 0;
        tx = Tx.RW_COMMAND;
        return rc;
    }

    private Result getInfo(long flags, int offset) {
        byte[] json = TpmIdentity.infoJson(flags, controller.tpm().isTpm2()).getBytes(StandardCharsets.US_ASCII);
        long off = Integer.toUnsignedLong(offset);
        if (off >= json.length) return result(Ptm.TPM_BAD_PARAMETER);
        byte[] z = Arrays.copyOf(json, json.length + 1);
        int len = (int) Math.min(z.length - off, PtmIoctl.GETINFO_SIZE);
        ByteBuffer out = Fuse.struct(PtmIoctl.GET_INFO.size()).putInt(Ptm.TPM_SUCCESS).putInt(z.length).putInt(len);
        out.put(z, (int) off, len);
        return new Data(out.array());
    }

    private static Result result(int rc) {
        return new Data(Fuse.struct(4).putInt(rc).array());
    }
}
