package dev.jtpm.server.device;

import dev.jtpm.server.ServerLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Linux vTPM proxy front-end ({@code swtpm chardev --vtpm-proxy}): {@code VTPM_PROXY_IOC_NEW_DEV}
 * on {@code /dev/vtpmx} makes the kernel create {@code /dev/tpmN} (and {@code /dev/tpmrmN}) and hands
 * back an anonymous descriptor on which every command the kernel's TPM driver sends arrives, one per
 * read, to be answered with one write. The same loop serves any such descriptor ({@code --fd},
 * {@code --chardev}).
 */
public final class VtpmProxy {
    /** VTPM_PROXY_IOC_NEW_DEV = _IOWR(0xa1, 0x00, struct vtpm_proxy_new_dev). */
    public static final long IOC_NEW_DEV = 3L << 30 | 20L << 16 | 0xa1L << 8;
    /** VTPM_PROXY_FLAG_TPM2. */
    public static final int FLAG_TPM2 = 1;

    /** What the kernel made: the device's number and the descriptor to serve. */
    public record NewDevice(int tpmNum, int fd, int major, int minor) {
        /** swtpm's announcement line. */
        public String announcement() {
            return "New TPM device: /dev/tpm" + Integer.toUnsignedString(tpmNum) + " (major/minor = "
                    + Integer.toUnsignedString(major) + "/" + Integer.toUnsignedString(minor) + ")";
        }
    }

    private VtpmProxy() {}

    /** Asks {@code vtpmx} (normally /dev/vtpmx) for a new TPM 2 device. */
    public static NewDevice create(String vtpmx) throws IOException {
        int ctl = DeviceIo.open(vtpmx, DeviceIo.O_RDWR);
        try {
            byte[] arg = ByteBuffer.allocate(20).order(Fuse.ORDER).putInt(FLAG_TPM2).array();
            DeviceIo.ioctl(ctl, IOC_NEW_DEV, arg);
            ByteBuffer r = ByteBuffer.wrap(arg).order(Fuse.ORDER);
            return new NewDevice(r.getInt(4), r.getInt(8), r.getInt(12), r.getInt(16));
        } finally {
            DeviceIo.close(ctl);
        }
    }

    /**
     * Serves {@code fd} until end of file or an error: each read is one command (TPM2_CC_SET_LOCALITY
     * included), each response one write. Closes {@code fd} at the end.
     */
    public static void serve(int fd, VtpmDevice device, ServerLog log) {
        byte[] buf = new byte[VtpmDevice.MAX_COMMAND];
        try {
            while (!device.exitRequested()) {
                int n = DeviceIo.read(fd, buf);
                if (n == 0) return;
                byte[] cmd = Arrays.copyOf(buf, n);
                if (log.dumps()) log.dump("SWTPM_IO_Read:", cmd, n);
                byte[] rsp = device.command(cmd);
                if (log.dumps()) log.dump("SWTPM_IO_Write:", rsp, rsp.length);
                DeviceIo.write(fd, rsp);
            }
        } catch (IOException e) {
            log.info("jtpm: device: " + e.getMessage());
        } finally {
            DeviceIo.close(fd);
        }
    }
}
