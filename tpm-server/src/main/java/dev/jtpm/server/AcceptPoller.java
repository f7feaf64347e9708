package dev.jtpm.server;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Waits for connections on every native (fd-passing) Unix listener of the process with one epoll
 * descriptor and one daemon platform thread, so a thread waiting in {@link NativeUnixListener#accept}
 * can be a virtual thread that parks: an idle TPM then holds no platform thread for its control
 * channel — what lets {@code jtpm host} keep thousands of instances. Each wait is one-shot
 * (EPOLLONESHOT): armed by {@link #await}, disarmed when it fires.
 */
final class AcceptPoller {
    private static volatile AcceptPoller instance;

    private final int epfd;
    private final Map<Integer, Semaphore> waiting = new ConcurrentHashMap<>();
    private final Set<Integer> registered = ConcurrentHashMap.newKeySet();

    private AcceptPoller(int epfd) {
        this.epfd = epfd;
        Thread.ofPlatform().daemon().name("jtpm-accept-poller").start(this::loop);
    }

    /** The process's poller, started on first use. */
    static AcceptPoller get() throws IOException {
        AcceptPoller p = instance;
        if (p != null) return p;
        synchronized (AcceptPoller.class) {
            if (instance == null) instance = new AcceptPoller(Posix.epollCreate());
            return instance;
        }
    }

    /** Parks the calling thread until {@code fd} is readable (a connection is waiting) or {@link #forget} wakes it. */
    void await(int fd) throws IOException {
        Semaphore s = new Semaphore(0);
        waiting.put(fd, s);
        int events = Posix.EPOLLIN | Posix.EPOLLONESHOT;
        try {
            if (registered.add(fd)) Posix.epollCtl(epfd, Posix.EPOLL_CTL_ADD, fd, events);
            else Posix.epollCtl(epfd, Posix.EPOLL_CTL_MOD, fd, events);
        } catch (IOException e) {
            waiting.remove(fd, s);
            registered.remove(fd);
            throw e;
        }
        s.acquireUninterruptibly();
    }

    /** Stops watching {@code fd} (before it is closed) and wakes a thread waiting on it. */
    void forget(int fd) {
        if (registered.remove(fd)) {
            try {
                Posix.epollCtl(epfd, Posix.EPOLL_CTL_DEL, fd, 0);
            } catch (IOException ignored) {
                // not registered any more
            }
        }
        Semaphore s = waiting.remove(fd);
        if (s != null) s.release();
    }

    private void loop() {
        while (true) {
            int[] ready;
            try {
                ready = Posix.epollWait(epfd, 64);
            } catch (IOException e) {
                return; // cannot happen on a valid epoll descriptor
            }
            for (int fd : ready) {
                Semaphore s = waiting.remove(fd);
                if (s != null) s.release();
            }
        }
    }
}
