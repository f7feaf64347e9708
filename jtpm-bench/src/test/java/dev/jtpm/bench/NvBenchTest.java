package dev.jtpm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.Tpm;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The NV, Quote and ActivateCredential measurements' client side against the in-process engine behind a
 * loopback socket: TPM_PT_NV_BUFFER_MAX is read, every fixture prepares (which proves NV data read back, the
 * counters counting, the quotes' signatures and the activated credential), runs a few commands and cleans up
 * (the counters' final values are checked then). Nothing here measures or asserts a time.
 */
class NvBenchTest {

    @Test
    void everyFixture_worksAgainstTheEngine() throws Exception {
        Tpm tpm = EngineBenchmark.startedTpm();
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> SessionBenchTest.serve(ss, tpm));
            try (RawTpmClient c = RawTpmClient.connect(ss.getLocalPort(), 10_000, () -> true)) {
                int nvBytes = NvBench.nvBufferMax(c, "jtpm");
                assertThat(nvBytes).isEqualTo(NvBench.NV_DATA_SIZE);
                for (NvBench b : NvBench.values()) {
                    SessionBench.Fixture f = b.prepare(c, "jtpm", nvBytes);
                    for (int i = 0; i < 300; i++) assertThat(f.once(i)).as(b.label(nvBytes)).isPositive();
                    f.close();
                }
                // everything was flushed and undefined: the same fixtures can be made again
                for (NvBench b : NvBench.values()) b.prepare(c, "jtpm", nvBytes).close();
            }
            server.join(10_000);
        }
    }
}
