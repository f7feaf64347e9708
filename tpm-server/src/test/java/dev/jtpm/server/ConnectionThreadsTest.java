package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Data connections are served on platform threads, and an idle connection never holds up the next one. */
class ConnectionThreadsTest {
    static final String READ_CLOCK = "80010000000a00000181";
    static final String FAILURE = "80010000000a00000101";

    /** Hands out the connections put into {@link #pending}; closing it ends a waiting accept. */
    static final class QueueAcceptor implements Acceptor {
        static final Conn CLOSED = new NullConn();
        final BlockingQueue<Conn> pending = new LinkedBlockingQueue<>();
        volatile boolean open = true;

        @Override
        public Conn accept() throws IOException {
            try {
                Conn c = pending.take();
                if (c == CLOSED) throw new IOException("closed");
                return c;
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public int port() { return -1; }

        @Override
        public Path path() { return null; }

        @Override
        public boolean isOpen() { return open; }

        @Override
        public void close() {
            open = false;
            pending.add(CLOSED);
        }
    }

    static final class NullConn implements Conn {
        @Override
        public int read(byte[] b, int off, int len) { return -1; }

        @Override
        public void write(byte[] b) { }

        @Override
        public void abort() { }

        @Override
        public void close() { }
    }

    @Test
    void eachConnection_isServedOnANamedPlatformThread_whileTheNextIsAccepted() throws Exception {
        QueueAcceptor acceptor = new QueueAcceptor();
        BlockingQueue<Thread> servedOn = new LinkedBlockingQueue<>();
        BlockingQueue<String> names = new LinkedBlockingQueue<>();
        CountDownLatch release = new CountDownLatch(1);
        ConnectionThreads.serveEach("jtpm-test-conn", acceptor, c -> {
            names.add(Thread.currentThread().getName());
            servedOn.add(Thread.currentThread());
            try {
                release.await(); // a long-lived connection (QEMU's)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, e -> { });
        try {
            acceptor.pending.add(new NullConn());
            acceptor.pending.add(new NullConn());
            Thread first = servedOn.poll(10, TimeUnit.SECONDS);
            Thread second = servedOn.poll(10, TimeUnit.SECONDS);
            assertThat(first).as("the first connection is served").isNotNull();
            assertThat(second).as("the second is accepted and served while the first is open").isNotNull();
            assertThat(first).isNotSameAs(second);
            assertThat(first.isVirtual()).isFalse();
            assertThat(second.isVirtual()).isFalse();
            assertThat(first.isDaemon()).isTrue();
            assertThat(names).containsExactly("jtpm-test-conn", "jtpm-test-conn");
        } finally {
            release.countDown();
            acceptor.close();
        }
    }

    @Test
    void anIdleDataConnection_doesNotHoldUpOthers_andCloseEndsIt() throws Exception {
        TpmInstance tpm = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", 0, false),
                null, SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE));
        try (Raw idle = new Raw(tpm.dataPort())) {
            assertThat(Raw.roundTrip(tpm.dataPort(), READ_CLOCK, 10)).isEqualTo(FAILURE);
            try (Raw busy = new Raw(tpm.dataPort())) {
                assertThat(busy.send(READ_CLOCK).readHex(10)).isEqualTo(FAILURE);
            }
            tpm.close();
            assertThat(idle.closedByPeer()).as("close() ends a connection blocked in read").isTrue();
        } finally {
            tpm.close();
        }
    }

    @Test
    void closedInstances_leaveNoThreadServingOrAccepting() throws Exception {
        java.util.Set<Thread> before = java.util.Set.copyOf(busyThreads()); // another test's, if it left any
        for (int i = 0; i < 20; i++) {
            ChannelSpec data = i % 2 == 0 ? new ChannelSpec.Tcp("127.0.0.1", 0, false) : new ChannelSpec.Mssim("127.0.0.1", 0);
            TpmInstance tpm = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(data, null, SwtpmFlags.DEFAULT,
                    false, false, false, ServerLog.NONE));
            try (Raw open = new Raw(tpm.dataPort())) {
                if (i % 2 == 0) assertThat(open.send(READ_CLOCK).readHex(10)).isEqualTo(FAILURE);
                tpm.close();
            }
        }
        // pooled threads take back their idle name when their task ends; wait for all of them to do so
        long waited = 0;
        while (!newBusy(before).isEmpty() && waited < 30_000) {
            Thread.sleep(20);
            waited += 20;
        }
        assertThat(newBusy(before)).extracting(Thread::getName).isEmpty();
    }

    private static java.util.List<Thread> busyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("jtpm-data") || t.getName().startsWith("jtpm-mssim")).toList();
    }

    private static java.util.List<Thread> newBusy(java.util.Set<Thread> before) {
        return busyThreads().stream().filter(t -> !before.contains(t)).toList();
    }
}
