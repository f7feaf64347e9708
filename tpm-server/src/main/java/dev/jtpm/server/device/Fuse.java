package dev.jtpm.server.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The parts of the Linux FUSE/CUSE kernel protocol ({@code include/uapi/linux/fuse.h}, protocol 7.x)
 * that a character device needs: request and reply headers, opcodes and the few structures the
 * device uses. Everything is in host byte order, as the kernel writes it.
 */
public final class Fuse {
    private Fuse() {}

    /** The byte order of every structure: the host's. */
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** FUSE_KERNEL_VERSION. */
    public static final int KERNEL_VERSION = 7;
    /** The minor version jtpm answers with (capped by the kernel's); CUSE needs at least 11. */
    public static final int KERNEL_MINOR = 31;

    /** sizeof(struct fuse_in_header). */
    public static final int IN_HEADER = 40;
    /** sizeof(struct fuse_out_header). */
    public static final int OUT_HEADER = 16;

    /** Opcodes. */
    public static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, OPEN = 14, READ = 15, WRITE = 16, RELEASE = 18,
            FLUSH = 25, INIT = 26, INTERRUPT = 36, DESTROY = 38, IOCTL = 39, POLL = 40, BATCH_FORGET = 42,
            CUSE_INIT = 4096;

    /** FOPEN_DIRECT_IO: reads and writes reach the device unchanged (no page cache). */
    public static final int FOPEN_DIRECT_IO = 1;
    /** FOPEN_NONSEEKABLE. */
    public static final int FOPEN_NONSEEKABLE = 4;

    /** errno values used in replies. */
    public static final int ENOENT = 2, EIO = 5, EBADF = 9, EBUSY = 16, EINVAL = 22, ENOSYS = 38;

    /** The largest write the device accepts in one request (also CUSE's max_read). */
    public static final int MAX_WRITE = 64 * 1024;
    /** A read buffer large enough for any request (the kernel refuses smaller ones). */
    public static final int READ_BUFFER = MAX_WRITE + 8192;

    /**
     * One request as the kernel wrote it.
     *
     * @param opcode the FUSE opcode
     * @param unique the id to answer with
     * @param nodeId the inode (FUSE mode) or 0
     * @param body the opcode's argument structure and data, after the header
     */
    public record Request(int opcode, long unique, long nodeId, int uid, int gid, int pid, byte[] body) {
        /** The body as a host-order buffer. */
        public ByteBuffer args() { return ByteBuffer.wrap(body).order(ORDER); }
    }

    /**
     * Parses one request read from the device.
     *
     * @throws IllegalArgumentException when the bytes are shorter than the header or its length says
     */
    public static Request parse(byte[] buf, int n) {
        if (n < IN_HEADER) throw new IllegalArgumentException("FUSE request of " + n + " octets");
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n).order(ORDER);
        int len = b.getInt();
        if (len < IN_HEADER || len > n) throw new IllegalArgumentException("FUSE request length " + len + " of " + n);
        int opcode = b.getInt();
        long unique = b.getLong();
        long nodeId = b.getLong();
        int uid = b.getInt(), gid = b.getInt(), pid = b.getInt();
        byte[] body = new byte[len - IN_HEADER];
        System.arraycopy(buf, IN_HEADER, body, 0, body.length);
        return new Request(opcode, unique, nodeId, uid, gid, pid, body);
    }

    /** A request in the kernel's layout (for tests and recorded exchanges). */
    public static byte[] request(int opcode, long unique, long nodeId, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(IN_HEADER + body.length).order(ORDER);
        b.putInt(IN_HEADER + body.length).putInt(opcode).putLong(unique).putLong(nodeId).putInt(0).putInt(0).putInt(0)
                .putInt(0).put(body);
        return b.array();
    }

    /** A successful reply carrying {@code body}. */
    public static byte[] reply(long unique, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(OUT_HEADER + body.length).order(ORDER);
        b.putInt(OUT_HEADER + body.length).putInt(0).putLong(unique).put(body);
        return b.array();
    }

    /** An error reply ({@code errno} positive; sent negated as the kernel expects). */
    public static byte[] error(long unique, int errno) {
        ByteBuffer b = ByteBuffer.allocate(OUT_HEADER).order(ORDER);
        b.putInt(OUT_HEADER).putInt(-errno).putLong(unique);
        return b.array();
    }

    /** A host-order buffer of {@code size} octets for building a structure. */
    public static ByteBuffer struct(int size) {
        return ByteBuffer.allocate(size).order(ORDER);
    }
}
