package dev.jtpm.server.device;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns FUSE requests into {@link VtpmDevice} calls and their replies, transport-free (request
 * octets in, reply octets out). Two ways of presenting the device:
 * <ul>
 *   <li>{@link #cuse(VtpmDevice, String)}: a CUSE character device ({@code /dev/cuse}): CUSE_INIT names
 *       the device ({@code DEVNAME=vtpm0}) and the kernel creates {@code /dev/vtpm0};</li>
 *   <li>{@link #file(VtpmDevice, String, int, int)}: one file in a FUSE file system ({@code /dev/fuse}):
 *       the same open/read/write/ioctl, reachable where the kernel has no CUSE (a container), so real
 *       clients ({@code swtpm_ioctl DEVICE}, {@code tpm2-tools -T device:PATH}) reach the device through
 *       the kernel.</li>
 * </ul>
 */
public final class FuseDispatcher {
    private static final long ROOT = 1, NODE = 2;

    private final VtpmDevice device;
    private final boolean cuse;
    private final String name;
    private final int uid, gid;
    private boolean initialized;
    private boolean destroyed;

    private FuseDispatcher(VtpmDevice device, boolean cuse, String name, int uid, int gid) {
        this.device = device;
        this.cuse = cuse;
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    /** A CUSE device called {@code name} (the kernel makes {@code /dev/NAME}). */
    public static FuseDispatcher cuse(VtpmDevice device, String name) {
        return new FuseDispatcher(device, true, name, 0, 0);
    }

    /** The device as the file {@code name} (owned by uid/gid, mode 0600) at the root of a FUSE mount. */
    public static FuseDispatcher file(VtpmDevice device, String name, int uid, int gid) {
        return new FuseDispatcher(device, false, name, uid, gid);
    }

    /** True once the kernel sent DESTROY (the mount or device is gone). */
    public boolean destroyed() { return destroyed; }

    /** The device. */
    public VtpmDevice device() { return device; }

    /**
     * The reply to one request, or null when the opcode takes none (FORGET, INTERRUPT).
     *
     * @throws IllegalArgumentException when the bytes are not a FUSE request
     */
    public byte[] handle(byte[] buf, int n) {
        Fuse.Request r = Fuse.parse(buf, n);
        try {
            return dispatch(r);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            return Fuse.error(r.unique(), Fuse.EINVAL); // an argument structure shorter than its opcode's
        }
    }

    private byte[] dispatch(Fuse.Request r) {
        long u = r.unique();
        if (!initialized && r.opcode() != (cuse ? Fuse.CUSE_INIT : Fuse.INIT)) return Fuse.error(u, Fuse.EIO);
        return switch (r.opcode()) {
            case Fuse.CUSE_INIT -> cuse ? cuseInit(r) : Fuse.error(u, Fuse.ENOSYS);
            case Fuse.INIT -> cuse ? Fuse.error(u, Fuse.ENOSYS) : fuseInit(r);
            case Fuse.LOOKUP -> lookup(r);
            case Fuse.GETATTR -> r.nodeId() == ROOT || r.nodeId() == NODE
                    ? Fuse.reply(u, attrOut(r.nodeId())) : Fuse.error(u, Fuse.ENOENT);
            case Fuse.FORGET, Fuse.BATCH_FORGET, Fuse.INTERRUPT -> null;
            case Fuse.OPEN -> open(r);
            case Fuse.READ -> read(r);
            case Fuse.WRITE -> write(r);
            case Fuse.IOCTL -> ioctl(r);
            case Fuse.FLUSH -> Fuse.reply(u, new byte[0]);
            case Fuse.RELEASE -> {
                device.release();
                yield Fuse.reply(u, new byte[0]);
            }
            case Fuse.DESTROY -> {
                destroyed = true;
                yield Fuse.reply(u, new byte[0]);
            }
            default -> Fuse.error(u, Fuse.ENOSYS); // POLL too: the kernel then reports the file always ready
        };
    }

    private byte[] cuseInit(Fuse.Request r) {
        ByteBuffer in = r.args();
        int major = in.getInt(), minor = in.getInt();
        if (major != Fuse.KERNEL_VERSION) return Fuse.error(r.unique(), Fuse.EIO);
        initialized = true;
        byte[] info = ("DEVNAME=" + name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = Fuse.struct(72 + info.length);
        out.putInt(Fuse.KERNEL_VERSION).putInt(Math.min(minor, Fuse.KERNEL_MINOR)).putInt(0)
                .putInt(0) // flags: restricted ioctls (the kernel sizes them from the request number)
                .putInt(Fuse.MAX_WRITE).putInt(Fuse.MAX_WRITE)
                .putInt(0).putInt(0) // dev_major/dev_minor: let the kernel choose
                .position(72);
        out.put(info);
        return Fuse.reply(r.unique(), out.array());
    }

    private byte[] fuseInit(Fuse.Request r) {
        ByteBuffer in = r.args();
        int major = in.getInt(), minor = in.getInt(), maxReadahead = in.getInt();
        if (major != Fuse.KERNEL_VERSION) return Fuse.error(r.unique(), Fuse.EIO);
        initialized = true;
        ByteBuffer out = Fuse.struct(64);
        out.putInt(Fuse.KERNEL_VERSION).putInt(Math.min(minor, Fuse.KERNEL_MINOR)).putInt(maxReadahead)
                .putInt(0) // flags
                .putShort((short) 1).putShort((short) 1) // max_background, congestion_threshold
                .putInt(Fuse.MAX_WRITE).putInt(1); // max_write, time_gran
        return Fuse.reply(r.unique(), out.array());
    }

    private byte[] lookup(Fuse.Request r) {
        byte[] b = r.body();
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        String n = new String(b, 0, end, StandardCharsets.UTF_8);
        if (cuse || r.nodeId() != ROOT || !n.equals(name)) return Fuse.error(r.unique(), Fuse.ENOENT);
        ByteBuffer out = Fuse.struct(40 + 88);
        out.putLong(NODE).putLong(0).putLong(1).putLong(1).putInt(0).putInt(0).put(attr(NODE));
        return Fuse.reply(r.unique(), out.array());
    }

    private byte[] attrOut(long node) {
        return Fuse.struct(16 + 88).putLong(1).putInt(0).putInt(0).put(attr(node)).array();
    }

    private byte[] attr(long node) {
        ByteBuffer a = Fuse.struct(88);
        a.putLong(node).putLong(0).putLong(0).putLong(0).putLong(0).putLong(0).putInt(0).putInt(0).putInt(0)
                .putInt(node == ROOT ? 0040755 : 0100600).putInt(node == ROOT ? 2 : 1).putInt(uid).putInt(gid)
                .putInt(0).putInt(4096).putInt(0);
        return a.array();
    }

    private byte[] open(Fuse.Request r) {
        if (!cuse && r.nodeId() != NODE) return Fuse.error(r.unique(), r.nodeId() == ROOT ? Fuse.EINVAL : Fuse.ENOENT);
        return switch (device.open()) {
            case VtpmDevice.Errno e -> Fuse.error(r.unique(), e.errno());
            default -> Fuse.reply(r.unique(), Fuse.struct(16).putLong(0)
                    .putInt(Fuse.FOPEN_DIRECT_IO | Fuse.FOPEN_NONSEEKABLE).putInt(0).array());
        };
    }

    private byte[] read(Fuse.Request r) {
        ByteBuffer in = r.args();
        int size = in.getInt(16);
        return switch (device.read(Math.max(0, size))) {
            case VtpmDevice.Data d -> Fuse.reply(r.unique(), d.bytes());
            case VtpmDevice.Errno e -> Fuse.error(r.unique(), e.errno());
            case VtpmDevice.Written w -> Fuse.error(r.unique(), Fuse.EIO);
        };
    }

    private byte[] write(Fuse.Request r) {
        ByteBuffer in = r.args();
        int size = in.getInt(16);
        if (size < 0 || 40 + size > r.body().length) return Fuse.error(r.unique(), Fuse.EINVAL);
        byte[] data = Arrays.copyOfRange(r.body(), 40, 40 + size);
        return switch (device.write(data)) {
            case VtpmDevice.Written w -> Fuse.reply(r.unique(), Fuse.struct(8).putInt(w.count()).putInt(0).array());
            case VtpmDevice.Errno e -> Fuse.error(r.unique(), e.errno());
            case VtpmDevice.Data d -> Fuse.error(r.unique(), Fuse.EIO);
        };
    }

    private byte[] ioctl(Fuse.Request r) {
        ByteBuffer in = r.args();
        int cmd = in.getInt(12);
        int inSize = in.getInt(24), outSize = in.getInt(28);
        if (inSize < 0 || 32 + inSize > r.body().length) return Fuse.error(r.unique(), Fuse.EINVAL);
        byte[] arg = Arrays.copyOfRange(r.body(), 32, 32 + inSize);
        return switch (device.ioctl(cmd, arg)) {
            case VtpmDevice.Data d -> {
                byte[] out = d.bytes().length > outSize ? Arrays.copyOf(d.bytes(), outSize) : d.bytes();
                ByteBuffer b = Fuse.struct(16 + out.length).putInt(0).putInt(0).putInt(0).putInt(0).put(out);
                yield Fuse.reply(r.unique(), b.array());
            }
            case VtpmDevice.Errno e -> Fuse.error(r.unique(), e.errno());
            case VtpmDevice.Written w -> Fuse.error(r.unique(), Fuse.EIO);
        };
    }
}
