package dev.jtpm.interop;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.tpm12.Tpm12;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A TPM 1.2 served by jtpm (in process, as {@code jtpm socket} without {@code --tpm2} serves it) and the real swtpm
 * 0.7.1 TPM 1.2 ({@code swtpm socket} without {@code --tpm2}), both initialized but not started, on 127.0.0.1.
 */
final class Tpm12Pair implements AutoCloseable {
    final Path jtpmDir = JtpmServer.tempDir();
    final Path swtpmDir = JtpmServer.tempDir();
    final TpmInstance jtpm;
    final Process swtpm;
    final SwtpmSocketTransport jtpmDevice, swtpmDevice;

    Tpm12Pair() {
        Tools.require("swtpm");
        jtpm = startJtpm(jtpmDir);
        int jport = jtpm.dataPort();
        int sport = FreePorts.pair();
        try {
            swtpm = new ProcessBuilder("swtpm", "socket", "--server", "type=tcp,port=" + sport + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (sport + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init",
                    "--tpmstate", "dir=" + swtpmDir).redirectErrorStream(true)
                    .redirectOutput(swtpmDir.resolve("swtpm.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        waitForPort(sport + 1);
        jtpmDevice = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", jport), new Endpoint.Tcp("127.0.0.1", jtpm.ctrlPort()));
        swtpmDevice = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", sport), new Endpoint.Tcp("127.0.0.1", sport + 1));
    }

    static TpmInstance startJtpm(Path dir) {
        for (int attempt = 0; ; attempt++) {
            int port = FreePorts.pair();
            InstanceConfig cfg = new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", port, false),
                    new ChannelSpec.Tcp("127.0.0.1", port + 1, false), new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false),
                    false, false, false, ServerLog.NONE);
            try {
                return TpmInstance.start(DirectoryStateStore.open(dir, DirectoryStateStore.DEFAULT_MODE,
                        java.util.Optional.empty(), true, true), cfg, () -> { }, Tpm12::new);
            } catch (BindException e) {
                if (attempt > 20) throw new UncheckedIOException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void waitForPort(int port) {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("swtpm did not start");
    }

    @Override
    public void close() throws IOException {
        jtpmDevice.close();
        swtpmDevice.close();
        jtpm.close();
        swtpm.destroy();
        try {
            if (!swtpm.waitFor(5, TimeUnit.SECONDS)) swtpm.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
