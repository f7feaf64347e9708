package dev.jtpm.server.backend;

import dev.jtpm.server.TpmInstance;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.TpmDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An open backend TPM ({@link BackendSpec#open()}): commands in, responses out, and the one out-of-band signal a
 * service forwards for its clients — cancel — where the backend has a way to send it.
 */
public interface Backend extends TpmDevice {

    /** Asks the backend to cancel the command in progress (swtpm's CMD_CANCEL_TPM_CMD); false when it cannot. */
    default boolean cancel() { return false; }

    /** What this backend is, for logs (no secrets). */
    String describe();

    /** Wraps a plain transport. */
    static Backend wrap(TpmDevice device, String description) {
        return new Backend() {
            @Override public byte[] execute(byte[] command, int locality) throws IOException { return device.execute(command, locality); }
            @Override public String describe() { return description; }
            @Override public void close() throws IOException { device.close(); }
        };
    }

    /** jtpm's engine in this process. */
    final class InProcessBackend implements Backend {
        private final TpmInstance instance;
        private final String description;

        InProcessBackend(TpmInstance instance, String description) {
            this.instance = instance;
            this.description = description;
        }

        /** The instance behind this backend (tests, the pipe). */
        public TpmInstance instance() { return instance; }

        @Override
        public byte[] execute(byte[] command, int locality) {
            return instance.controller().execute(command, locality);
        }

        @Override
        public boolean cancel() {
            return false; // the engine runs a command to its end; nothing to interrupt
        }

        @Override public String describe() { return description; }

        @Override public void close() { instance.close(); }
    }

    /** A swtpm-protocol server: data channel, locality and cancel through its control channel. */
    final class SwtpmBackend implements Backend {
        private final SwtpmSocketTransport transport;
        private final String description;

        SwtpmBackend(SwtpmSocketTransport transport, String description) {
            this.transport = transport;
            this.description = description;
        }

        @Override
        public byte[] execute(byte[] command, int locality) throws IOException {
            return transport.execute(command, Math.max(locality, 0));
        }

        @Override
        public boolean cancel() {
            try {
                return transport.ctrl().cancel() == 0;
            } catch (IOException e) {
                return false;
            }
        }

        @Override public String describe() { return description; }

        @Override public void close() throws IOException { transport.close(); }
    }

    /** A TPM character device: one write of a command, one read of its response. */
    final class DeviceBackend implements Backend {
        private final Path path;
        private final RandomAccessFile file;

        DeviceBackend(Path path) throws IOException {
            this.path = path;
            this.file = new RandomAccessFile(path.toFile(), "rw");
        }

        @Override
        public synchronized byte[] execute(byte[] command, int locality) throws IOException {
            file.write(command);
            byte[] buf = new byte[4096];
            int n = file.read(buf);
            if (n < 10) throw new IOException("short response from " + path);
            return Arrays.copyOf(buf, n);
        }

        @Override public String describe() { return "device:" + path; }

        @Override public void close() throws IOException { file.close(); }
    }
}
