package dev.jtpm.tss;

import dev.jtpm.types.TpmDevice;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;

/**
 * A TPM behind swtpm's socket protocol (or jtpm socket): raw commands over one persistent data
 * connection, with the control channel at port + 1 (or {@code path + ".ctrl"}) as tcti-swtpm
 * expects it. A locality change is sent as CMD_SET_LOCALITY before the command.
 */
public final class SwtpmSocketTransport implements TpmDevice {
    private final Endpoint data;
    private final SwtpmControl ctrl;
    private ByteChannel channel;
    private int locality = -1;

    /** A transport with explicit data and control endpoints. */
    public SwtpmSocketTransport(Endpoint data, Endpoint ctrl) {
        this.data = data;
        this.ctrl = new SwtpmControl(ctrl);
    }

    /** TCP data port {@code port}, control port {@code port + 1}. */
    public static SwtpmSocketTransport tcp(String host, int port) {
        return new SwtpmSocketTransport(new Endpoint.Tcp(host, port), new Endpoint.Tcp(host, port + 1));
    }

    /** Unix data socket {@code path}, control socket {@code path + ".ctrl"}. */
    public static SwtpmSocketTransport unix(Path path) {
        return new SwtpmSocketTransport(new Endpoint.Unix(path), new Endpoint.Unix(Path.of(path + ".ctrl")));
    }

    /** The control channel client. */
    public SwtpmControl ctrl() { return ctrl; }

    @Override
    public synchronized byte[] execute(byte[] command, int locality) throws IOException {
        if (locality != this.locality) {
            int r = ctrl.setLocality(locality);
            if (r != 0) throw new IOException(String.format("CMD_SET_LOCALITY(%d) failed: 0x%x", locality, r));
            this.locality = locality;
        }
        if (channel == null || !channel.isOpen()) channel = data.connect();
        try {
            Wire.writeAll(channel, command);
            return Wire.readResponse(channel);
        } catch (IOException e) {
            channel.close();
            channel = null;
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) channel.close();
        channel = null;
    }
}
