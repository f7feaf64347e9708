package dev.jtpm.server.device;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux calls a device front-end needs and Java lacks, through the FFM API: open/read/write/close
 * on a character device ({@code /dev/cuse}, {@code /dev/fuse}, the vTPM proxy's anonymous file), one
 * ioctl with a structure argument ({@code VTPM_PROXY_IOC_NEW_DEV}), and mount/umount2 for a FUSE file
 * system. Errors are {@link IOException}s naming the call and {@code strerror}.
 */
public final class DeviceIo {
    /** open(2) flags. */
    public static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    /** errno values the loops treat specially. */
    public static final int EINTR = 4, EAGAIN = 11, ENOENT = 2, ENODEV = 19;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** True where the calls can be made (Linux, 64 bit); each group is linked on its first use. */
    public static final boolean AVAILABLE = System.getProperty("os.name", "").equals("Linux") && ADDRESS.byteSize() == 8;

    // linking a downcall costs milliseconds: holder classes link each group when first used, not at start-up
    private static final class FileCalls {
        static final MethodHandle OPEN = call("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), true);
        static final MethodHandle READ = call("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
        static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
        static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
        static final MethodHandle IOCTL = call("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), true);
        static final MethodHandle STRERROR = call("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    }

    private static final class MountCalls {
        static final MethodHandle MOUNT = call("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), true);
        static final MethodHandle UMOUNT2 = call("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle GETUID = call("getuid", FunctionDescriptor.of(JAVA_INT), false);
        static final MethodHandle GETGID = call("getgid", FunctionDescriptor.of(JAVA_INT), false);
    }

    private DeviceIo() {}

    private static MethodHandle call(String name, FunctionDescriptor fd, boolean errno) {
        MemorySegment addr = LINKER.defaultLookup().find(name).orElseThrow();
        return errno ? LINKER.downcallHandle(addr, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(addr, fd);
    }

    private static void requireAvailable() throws IOException {
        if (!AVAILABLE) throw new IOException("device access needs Linux and --enable-native-access");
    }

    /** open(path, flags): the descriptor. */
    public static int open(String path, int flags) throws IOException {
        requireAvailable();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) FileCalls.OPEN.invokeExact(st, a.allocateFrom(path), flags | O_CLOEXEC, 0);
            if (fd < 0) throw failure("open " + path, st);
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** One read(2) into {@code buf}; the count read (0 at end of file). EINTR is retried. */
    public static int read(int fd, byte[] buf) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(buf.length);
            MemorySegment st = a.allocate(CAPTURE);
            while (true) {
                long n = (long) FileCalls.READ.invokeExact(st, fd, seg, (long) buf.length);
                if (n >= 0) {
                    MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, buf, 0, (int) n);
                    return (int) n;
                }
                if (errno(st) != EINTR) throw failure("read", st);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** write(2) of all of {@code data} in one call (a device takes a message whole). */
    public static void write(int fd, byte[] data) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, data);
            MemorySegment st = a.allocate(CAPTURE);
            while (true) {
                long n = (long) FileCalls.WRITE.invokeExact(st, fd, seg, (long) data.length);
                if (n >= 0) {
                    if (n != data.length) throw new IOException("write: " + n + " of " + data.length + " octets");
                    return;
                }
                if (errno(st) != EINTR) throw failure("write", st);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** close(2), errors ignored. */
    public static void close(int fd) {
        if (!AVAILABLE || fd < 0) return;
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) FileCalls.CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable ignored) {
            // nothing to do at close
        }
    }

    /** ioctl(fd, request, arg) with {@code arg} copied in and the kernel's changes copied back. */
    public static void ioctl(int fd, long request, byte[] arg) throws IOException {
        requireAvailable();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, arg);
            MemorySegment st = a.allocate(CAPTURE);
            int rc = (int) FileCalls.IOCTL.invokeExact(st, fd, request, seg);
            if (rc < 0) throw failure("ioctl", st);
            MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, arg, 0, arg.length);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** mount(2). */
    public static void mount(String source, String target, String type, long flags, String data) throws IOException {
        requireAvailable();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int rc = (int) MountCalls.MOUNT.invokeExact(st, a.allocateFrom(source), a.allocateFrom(target), a.allocateFrom(type), flags,
                    a.allocateFrom(data));
            if (rc < 0) throw failure("mount " + target, st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** umount2(target, MNT_DETACH), errors ignored. */
    public static void unmountLazily(String target) {
        if (!AVAILABLE) return;
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) MountCalls.UMOUNT2.invokeExact(a.allocate(CAPTURE), a.allocateFrom(target), 2);
        } catch (Throwable ignored) {
            // best effort
        }
    }

    /** getuid(2). */
    public static int uid() {
        try {
            return AVAILABLE ? (int) MountCalls.GETUID.invokeExact() : -1;
        } catch (Throwable t) {
            return -1;
        }
    }

    /** getgid(2). */
    public static int gid() {
        try {
            return AVAILABLE ? (int) MountCalls.GETGID.invokeExact() : -1;
        } catch (Throwable t) {
            return -1;
        }
    }

    private static int errno(MemorySegment st) {
        return (int) ERRNO.get(st, 0L);
    }

    /** An exception carrying errno and its text. */
    public static final class ErrnoException extends IOException {
        private final int errno;

        ErrnoException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        /** The errno value. */
        public int errno() { return errno; }
    }

    private static IOException failure(String what, MemorySegment st) {
        int e = errno(st);
        String text = "errno " + e;
        try {
            MemorySegment s = (MemorySegment) FileCalls.STRERROR.invokeExact(e);
            text = s.reinterpret(256).getString(0);
        } catch (Throwable ignored) {
            // keep the number
        }
        return new ErrnoException(what + ": " + text, e);
    }
}
