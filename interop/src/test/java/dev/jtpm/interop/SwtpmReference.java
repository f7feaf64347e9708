package dev.jtpm.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The real swtpm 0.7.1 (libtpms) as a differential reference, on 127.0.0.1 with fresh state. */
final class SwtpmReference implements AutoCloseable {
    private final Process process;
    private final int port;

    SwtpmReference() {
        Tools.require("swtpm");
        Path dir = JtpmServer.tempDir();
        port = FreePorts.pair();
        try {
            process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear",
                    "--tpmstate", "dir=" + dir).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("swtpm.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        waitForPort();
    }

    private void waitForPort() {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port + 1)) {
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

    String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

    /** The data port (the control port is the next one). */
    int port() { return port; }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
