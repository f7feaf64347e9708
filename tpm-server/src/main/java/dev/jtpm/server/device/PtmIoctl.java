package dev.jtpm.server.device;

/**
 * swtpm's CUSE ioctls ({@code tpm_ioctl.h}: {@code PTM_x = _IOR/_IOWR('P', n, struct)}) and the sizes
 * of their host-order structures on a 64-bit Linux. The number encodes direction and size, which is
 * what lets the kernel copy the arguments for a CUSE server that does not ask for unrestricted ioctls.
 */
public enum PtmIoctl {
    // direction bits of _IOC: R = _IOC_READ (2), RW = _IOC_READ | _IOC_WRITE (3)
    GET_CAPABILITY(0, Dir.R, 8),
    INIT(1, Dir.RW, 4),
    SHUTDOWN(2, Dir.R, 4),
    GET_TPMESTABLISHED(3, Dir.R, 8),
    SET_LOCALITY(4, Dir.RW, 4),
    HASH_START(5, Dir.R, 4),
    HASH_DATA(6, Dir.RW, 4 + 4096),
    HASH_END(7, Dir.R, 4),
    CANCEL_TPM_CMD(8, Dir.R, 4),
    STORE_VOLATILE(9, Dir.R, 4),
    RESET_TPMESTABLISHED(10, Dir.RW, 4),
    GET_STATEBLOB(11, Dir.RW, 16 + 3072),
    SET_STATEBLOB(12, Dir.RW, 12 + 3072),
    STOP(13, Dir.R, 4),
    GET_CONFIG(14, Dir.R, 8),
    SET_DATAFD(15, Dir.R, 4),
    SET_BUFFERSIZE(16, Dir.RW, 16),
    GET_INFO(17, Dir.RW, 16 + 3072),
    LOCK_STORAGE(18, Dir.RW, 4);

    /** PTM_STATE_BLOB_SIZE: the data part of one GET/SET_STATEBLOB ioctl. */
    public static final int STATE_BLOB_SIZE = 3 * 1024;
    /** PTM_GETINFO_SIZE. */
    public static final int GETINFO_SIZE = 3 * 1024;


    private final int number;
    private final int size;

    private static final class Dir {
        static final int R = 2, RW = 3;
    }

    PtmIoctl(int nr, int dir, int size) {
        this.size = size;
        this.number = dir << 30 | size << 16 | 'P' << 8 | nr;
    }

    /** The ioctl request number. */
    public int number() { return number; }

    /** The size of its structure (the union of request and response). */
    public int size() { return size; }

    /** The ioctl with this request number, or null. */
    public static PtmIoctl of(int number) {
        for (PtmIoctl p : values()) if (p.number == number) return p;
        return null;
    }
}
