package dev.jtpm.server.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.TpmRc;
import dev.jtpm.wire.BigEndian;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the shared control channel passes on for the process that asks: CMD_CANCEL_TPM_CMD reaches the backend while
 * it runs that process's command, CMD_SET_LOCALITY sets the locality of that process's raw commands.
 */
class RmControlTest {

    /** A backend whose GetRandom blocks until cancelled, recording every command's locality. */
    static final class SlowBackend implements Backend {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);
        final List<Integer> localities = new CopyOnWriteArrayList<>();

        @Override
        public byte[] execute(byte[] command, int locality) throws java.io.IOException {
            int cc = BigEndian.u32(command, 6);
            localities.add(locality);
            if (cc == 0x17B) { // GetRandom: the slow command
                started.countDown();
                try {
                    if (cancelled.await(30, TimeUnit.SECONDS)) return ResourceManager.error(TpmRc.CANCELED);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ResourceManager.error(TpmRc.FAILURE);
            }
            // GetCapability(HANDLES) at start-up and anything else: an empty success
            byte[] r = new byte[19];
            BigEndian.put16(r, 0, 0x8001);
            BigEndian.put32(r, 2, 19);
            BigEndian.put32(r, 11, 1);
            return r;
        }

        @Override
        public boolean cancel() {
            cancelled.countDown();
            return true;
        }

        @Override public String describe() { return "slow"; }

        @Override public void close() { }
    }

    @Test
    void cancel_reachesTheBackendForTheAskingProcess_andLocalityAppliesToItsRawCommands() throws Exception {
        SlowBackend slow = new SlowBackend();
        int port = RmServerTest.freePair();
        try (RmServer s = RmServer.start(BackendLink.over(slow, () -> slow, 60_000),
                new RmServer.Config(new ChannelSpec.Tcp("127.0.0.1", port, false), new ChannelSpec.Tcp("127.0.0.1", port + 1, false),
                        ResourceManager.Limits.DEFAULT, 10_000, 60_000), ServerLog.NONE);
             SwtpmSocketTransport client = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            // locality 3 for this process's raw commands (SwtpmSocketTransport sets it over the control channel)
            byte[] getCap = RmServerTest.GET_RANDOM.clone();
            BigEndian.put32(getCap, 6, 0x17A);
            client.execute(getCap, 3);
            assertThat(slow.localities).contains(3);
            CompletableFuture<byte[]> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.execute(RmServerTest.GET_RANDOM, 3);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(slow.started.await(30, TimeUnit.SECONDS)).isTrue();
            try (SwtpmSocketTransport ctrlOnly = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                assertThat(ctrlOnly.ctrl().cancel()).isZero();
            }
            assertThat(RmServerTest.rc(pending.get(30, TimeUnit.SECONDS))).isEqualTo(TpmRc.CANCELED.value());
        }
    }
}
