package dev.jtpm.server.rm;

import dev.jtpm.server.PeerProcess;
import dev.jtpm.server.ServerLog;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Which {@link Space} a connection works in. Each connection gets its own, flushed when it closes — except where a
 * client opens one connection per command, as tpm2-tss' swtpm TCTI does (tpm2_createprimary: CreatePrimary on one
 * connection, ContextSave of its handle on the next). A loopback TCP connection that carried exactly one command and
 * left handles behind hands its space to its peer process (found through {@code /proc}: {@link PeerProcess}); the
 * process's next connections work in that space, and it is flushed when the process exits — the kernel's tpmrm0
 * semantics with a process in place of an open file. A connection that carries more than one command (QEMU, a Java
 * client, anything that keeps its connection) never hands its space on.
 */
final class ClientSpaces {
    /** How long a new connection waits for its process's previous one-command connection to finish closing. */
    static final long HANDOVER_WAIT_MILLIS = 500;

    private final ResourceManager rm;
    private final ServerLog log;
    private final Map<Long, Space> byProcess = new ConcurrentHashMap<>();
    private final Map<Long, Client> pending = new ConcurrentHashMap<>();
    private final Map<Long, Integer> localities = new ConcurrentHashMap<>();

    ClientSpaces(ResourceManager rm, ServerLog log) {
        this.rm = rm;
        this.log = log;
    }

    ResourceManager rm() { return rm; }

    private void release(long pid, Space s) {
        byProcess.remove(pid, s);
        localities.remove(pid);
        rm.closeSpace(s);
        log.info("jtpm rm: space " + s.id() + " of process " + pid + " released");
    }

    /** A new connection's state. */
    Client connect(InetSocketAddress peer, InetSocketAddress local) {
        return new Client(peer, local);
    }

    /** Spaces held for processes (tests). */
    int processSpaces() { return byProcess.size(); }

    /** Sets the locality for the raw commands of {@code peer}'s process (swtpm CMD_SET_LOCALITY). */
    void setLocality(InetSocketAddress peer, InetSocketAddress local, int locality) {
        if (locality == 0 && localities.isEmpty()) return;
        long pid = PeerProcess.of(peer, local, localities.keySet(), true);
        if (pid < 0) return;
        if (locality == 0) localities.remove(pid);
        else localities.put(pid, locality);
    }

    /** Cancels the backend's command if it runs for a connection of {@code peer}'s process. */
    boolean cancel(InetSocketAddress peer, InetSocketAddress local) {
        Space running = rm.executing();
        if (running == null || !(running.owner instanceof Client c)) return false;
        long runner = c.resolvePid();
        if (runner < 0) return false;
        long pid = PeerProcess.of(peer, local, Set.of(runner), false);
        return pid == runner && rm.cancel(running);
    }

    /** One data connection. Used by the thread that serves it. */
    final class Client {
        private final InetSocketAddress peer, local;
        private final boolean loopback;
        private final CountDownLatch closed = new CountDownLatch(1);
        private Space space;
        private boolean adopted;
        private int commands;
        private volatile long pid = -1;

        Client(InetSocketAddress peer, InetSocketAddress local) {
            this.peer = peer;
            this.local = local;
            this.loopback = PeerProcess.resolvable(peer);
        }

        long pid() { return pid; }

        /** The peer process, looked up now if it was not yet (-1 when it cannot be known). */
        long resolvePid() {
            long p = pid;
            if (p < 0 && loopback) pid = p = PeerProcess.of(peer, local, Set.of(), true);
            return p;
        }

        /** Runs one command in this connection's space. */
        byte[] execute(byte[] command, int locality) {
            if (space == null) space = firstSpace();
            commands++;
            if (commands == 2 && pid >= 0) pending.remove(pid, this); // it keeps its connection: not tcti-swtpm
            int loc = locality >= 0 ? locality : rawLocality();
            byte[] rsp = rm.execute(space, command, loc);
            if (commands == 1 && !adopted && loopback && !rm.isEmpty(space)) {
                long p = PeerProcess.of(peer, local, byProcess.keySet(), true);
                if (p >= 0) {
                    pid = p;
                    pending.put(p, this);
                }
            }
            return rsp;
        }

        private int rawLocality() {
            if (localities.isEmpty()) return 0;
            if (pid < 0 && loopback) pid = PeerProcess.of(peer, local, localities.keySet(), false);
            return pid < 0 ? 0 : localities.getOrDefault(pid, 0);
        }

        private Space firstSpace() {
            if (loopback && !(byProcess.isEmpty() && pending.isEmpty())) {
                Set<Long> likely = new HashSet<>(byProcess.keySet());
                likely.addAll(pending.keySet());
                long p = PeerProcess.of(peer, local, likely, false);
                if (p >= 0) {
                    pid = p;
                    Client before = pending.get(p);
                    if (before != null && before != this) before.awaitClosed();
                    Space s = byProcess.get(p);
                    if (s != null && !s.closed) {
                        adopted = true;
                        return s;
                    }
                }
            }
            Space s = rm.openSpace();
            s.owner = this;
            return s;
        }

        private void awaitClosed() {
            try {
                closed.await(HANDOVER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The connection is gone: its space is flushed, or handed to its process (see the class comment). */
        void close() {
            Space kept = null;
            long p = pid;
            try {
                if (space == null || adopted) return;
                // hand over first, then stop being pending: a next connection always finds one or the other
                if (commands == 1 && p >= 0 && !rm.isEmpty(space) && ProcessHandle.of(p).isPresent()
                        && byProcess.putIfAbsent(p, space) == null) {
                    kept = space;
                } else {
                    rm.closeSpace(space);
                }
            } finally {
                if (p >= 0) pending.remove(p, this);
                closed.countDown();
            }
            if (kept == null) return;
            Space s = kept;
            ProcessHandle.of(p).ifPresentOrElse(process -> process.onExit().thenRun(() -> release(p, s)), () -> release(p, s));
            log.info("jtpm rm: " + s + " kept for process " + p + " until it exits");
        }
    }
}
