package dev.jtpm.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few Linux socket calls Java does not offer, through the FFM API: a Unix socket listener whose
 * connections can receive a file descriptor (SCM_RIGHTS, for CMD_SET_DATAFD), and plain I/O on such
 * a descriptor. Linux x86-64/aarch64 layouts; {@link #AVAILABLE} is false where they cannot be bound.
 */
final class Posix {
    static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000, SOCK_NONBLOCK = 0x800, SHUT_RDWR = 2;
    static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000, MSG_DONTWAIT = 0x40, MSG_CMSG_CLOEXEC = 0x40000000;
    static final int EINTR = 4, EAGAIN = 11;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3, EPOLLIN = 1, EPOLLONESHOT = 1 << 30,
            EPOLL_CLOEXEC = 0x80000;
    /** sizeof(struct epoll_event) and the offset of its data: packed on x86-64, naturally aligned elsewhere. */
    static final int EPOLL_EVENT_SIZE = "amd64".equals(System.getProperty("os.arch")) ? 12 : 16,
            EPOLL_DATA_OFFSET = EPOLL_EVENT_SIZE == 12 ? 4 : 8;
    private static final int SUN_PATH = 108;
    private static final long MSGHDR_SIZE = 56, CMSG_SPACE_INT = 24;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** True where the calls can be made (Linux on a 64-bit platform); each is linked on its first use. */
    static final boolean AVAILABLE = System.getProperty("os.name", "").equals("Linux") && ADDRESS.byteSize() == 8;

    // Linking a downcall costs milliseconds: each group is linked when first used (holder classes), so a server
    // binds its control socket without waiting for the calls it needs only later (libvirt gives swtpm 1 s).
    private static final class ListenCalls {
        static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle LISTEN = errnoCall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class AcceptCall {
        static final MethodHandle ACCEPT4 = errnoCall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    private static final class IoCalls {
        static final MethodHandle RECVMSG = errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle SEND = errnoCall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class CloseCalls {
        static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle SHUTDOWN = errnoCall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class EpollCalls {
        static final MethodHandle CREATE1 = errnoCall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle CTL = errnoCall("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle WAIT = errnoCall("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private Posix() {}

    /**
     * Links the calls a Unix control channel needs (socket, bind, listen, accept, then the I/O calls and epoll) in
     * the calling thread. A server calls it on a background thread at start: the first downcall of a JVM spins
     * its stubs for tens of milliseconds, which otherwise delays the control socket's appearance.
     */
    static void prepare() {
        if (!AVAILABLE) return;
        try {
            java.util.Objects.requireNonNull(ListenCalls.SOCKET);
            java.util.Objects.requireNonNull(AcceptCall.ACCEPT4);
            java.util.Objects.requireNonNull(EpollCalls.WAIT);
            java.util.Objects.requireNonNull(IoCalls.RECVMSG);
            java.util.Objects.requireNonNull(CloseCalls.CLOSE);
        } catch (RuntimeException | Error e) {
            // linking fails again, and is reported, where the call is made
        }
    }

    @SuppressWarnings("restricted") // native access is what this class is for
    private static MethodHandle errnoCall(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d,
                Linker.Option.captureCallState("errno"));
    }

    /** A listening AF_UNIX stream socket bound to {@code path}, non-blocking (see {@link #acceptNow}). */
    static int listenUnix(String path) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= SUN_PATH) throw new IOException("socket path too long: " + path);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) ListenCalls.SOCKET.invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (fd < 0) throw error("socket", st);
            MemorySegment addr = a.allocate(2 + SUN_PATH);
            addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(p, 0, addr, JAVA_BYTE, 2, p.length);
            if ((int) ListenCalls.BIND.invokeExact(st, fd, addr, 2 + p.length + 1) < 0 || (int) ListenCalls.LISTEN.invokeExact(st, fd, 16) < 0) {
                IOException e = error("bind/listen " + path, st);
                close(fd);
                throw e;
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * accept4(listenFd, NULL, NULL, SOCK_CLOEXEC) on a non-blocking listener, retried on EINTR: the new
     * (blocking) connection, or -1 when none is waiting (EAGAIN).
     */
    static int acceptNow(int listenFd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            while (true) {
                int fd = (int) AcceptCall.ACCEPT4.invokeExact(st, listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (fd >= 0) return fd;
                if (errno(st) == EAGAIN) return -1;
                if (errno(st) != EINTR) throw error("accept", st);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * recvmsg into {@code b}; a descriptor passed with SCM_RIGHTS is stored in {@code fdOut[0]}
     * (else -1).
     *
     * @return bytes read, 0 at end of stream
     */
    static int recv(int fd, byte[] b, int off, int len, int[] fdOut) throws IOException {
        return recv(fd, b, off, len, fdOut, false);
    }

    /**
     * {@link #recv(int, byte[], int, int, int[])}, with {@code dontWait} as MSG_DONTWAIT: then -1 when nothing is
     * there to read yet (EAGAIN).
     */
    static int recv(int fd, byte[] b, int off, int len, int[] fdOut, boolean dontWait) throws IOException {
        fdOut[0] = -1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, len));
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ADDRESS, 0, buf);
            iov.set(JAVA_LONG, 8, len);
            MemorySegment control = a.allocate(CMSG_SPACE_INT, 8);
            MemorySegment msg = a.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, CMSG_SPACE_INT);
            long n;
            while (true) {
                n = (long) IoCalls.RECVMSG.invokeExact(st, fd, msg, MSG_CMSG_CLOEXEC | (dontWait ? MSG_DONTWAIT : 0));
                if (n >= 0) break;
                int errno = errno(st);
                if (dontWait && errno == EAGAIN) return -1;
                if (errno != EINTR) throw error("recvmsg", st);
            }
            long controllen = msg.get(JAVA_LONG, 40);
            if (controllen >= 20 && control.get(JAVA_LONG, 0) >= 20 && control.get(JAVA_INT, 8) == SOL_SOCKET
                    && control.get(JAVA_INT, 12) == SCM_RIGHTS) {
                fdOut[0] = control.get(JAVA_INT, 16);
            }
            MemorySegment.copy(buf, JAVA_BYTE, 0, b, off, (int) n);
            return (int) n;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** read(2), retried on EINTR; 0 at end of stream. */
    static int read(int fd, byte[] b, int off, int len) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, len));
            long n;
            while (true) {
                n = (long) IoCalls.READ.invokeExact(st, fd, buf, (long) len);
                if (n >= 0) break;
                if (errno(st) != EINTR) throw error("read", st);
            }
            MemorySegment.copy(buf, JAVA_BYTE, 0, b, off, (int) n);
            return (int) n;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** send(2) of all bytes with MSG_NOSIGNAL (a closed peer is an error, not a SIGPIPE). */
    static void sendAll(int fd, byte[] b) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, b.length));
            MemorySegment.copy(b, 0, buf, JAVA_BYTE, 0, b.length);
            long off = 0;
            while (off < b.length) {
                long n = (long) IoCalls.SEND.invokeExact(st, fd, buf.asSlice(off), (long) b.length - off, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno(st) == EINTR) continue;
                    throw error("send", st);
                }
                off += n;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** shutdown(fd, SHUT_RDWR): wakes threads blocked on it. Errors are ignored. */
    static void shutdown(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CloseCalls.SHUTDOWN.invokeExact(a.allocate(CAPTURE), fd, SHUT_RDWR);
        } catch (Throwable ignored) {
            // best effort
        }
    }

    /** close(2). Errors are ignored. */
    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CloseCalls.CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable ignored) {
            // best effort
        }
    }

    /** epoll_create1(EPOLL_CLOEXEC). */
    static int epollCreate() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) EpollCalls.CREATE1.invokeExact(st, EPOLL_CLOEXEC);
            if (fd < 0) throw error("epoll_create1", st);
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** epoll_ctl(epfd, op, fd, {events, data = fd}). */
    static void epollCtl(int epfd, int op, int fd, int events) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment ev = a.allocate(EPOLL_EVENT_SIZE, 4);
            ev.set(JAVA_INT, 0, events);
            ev.set(JAVA_INT, EPOLL_DATA_OFFSET, fd);
            if ((int) EpollCalls.CTL.invokeExact(st, epfd, op, fd, ev) < 0) throw error("epoll_ctl", st);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** epoll_wait without a time limit, retried on EINTR: the descriptors that became ready. */
    static int[] epollWait(int epfd, int max) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment evs = a.allocate((long) EPOLL_EVENT_SIZE * max, 8);
            int n;
            while (true) {
                n = (int) EpollCalls.WAIT.invokeExact(st, epfd, evs, max, -1);
                if (n >= 0) break;
                if (errno(st) != EINTR) throw error("epoll_wait", st);
            }
            int[] fds = new int[n];
            for (int i = 0; i < n; i++) fds[i] = evs.get(JAVA_INT, (long) i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
            return fds;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static int errno(MemorySegment st) {
        return (int) ERRNO.get(st, 0L);
    }

    private static IOException error(String what, MemorySegment st) {
        return new IOException(what + " failed: errno " + errno(st));
    }
}
