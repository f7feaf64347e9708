package dev.jtpm.tss;

import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.MssimCommand;
import dev.jtpm.wire.SendCommandEnvelope;
import java.io.IOException;
import java.nio.channels.ByteChannel;

/**
 * A TPM behind the Microsoft simulator protocol, as tcti-mssim drives it: persistent connections to
 * the TPM port and the platform port (TPM port + 1); commands go in TPM_SEND_COMMAND envelopes.
 */
public final class MssimTransport implements TpmDevice {
    private final ByteChannel tpm;
    private final ByteChannel platform;

    private MssimTransport(ByteChannel tpm, ByteChannel platform) {
        this.tpm = tpm;
        this.platform = platform;
    }

    /** Connects to the TPM port {@code port} and the platform port {@code port + 1}. */
    public static MssimTransport connect(String host, int port) throws IOException {
        ByteChannel t = new Endpoint.Tcp(host, port).connect();
        try {
            return new MssimTransport(t, new Endpoint.Tcp(host, port + 1).connect());
        } catch (IOException e) {
            t.close();
            throw e;
        }
    }

    /** Sends a platform signal and returns its 4-byte acknowledgement (0 = success). */
    public synchronized int platform(MssimCommand signal) throws IOException {
        Wire.writeAll(platform, BigEndian.of32(signal.code()));
        return Wire.readU32(platform);
    }

    /** TPM_SIGNAL_POWER_ON. */
    public void powerOn() throws IOException { expectAck(platform(MssimCommand.SIGNAL_POWER_ON), "POWER_ON"); }

    /** TPM_SIGNAL_NV_ON. */
    public void nvOn() throws IOException { expectAck(platform(MssimCommand.SIGNAL_NV_ON), "NV_ON"); }

    @Override
    public synchronized byte[] execute(byte[] command, int locality) throws IOException {
        Wire.writeAll(tpm, SendCommandEnvelope.wrapCommand(locality, command));
        int size = Wire.readU32(tpm);
        if (size < 0 || size > 1 << 20) throw new IOException("bad response size " + size);
        byte[] rsp = Wire.readFully(tpm, size);
        int ack = Wire.readU32(tpm);
        if (ack != 0) throw new IOException("TPM_SEND_COMMAND ack " + ack);
        return rsp;
    }

    /** Sends SESSION_END on both connections and closes them. */
    @Override
    public synchronized void close() throws IOException {
        try {
            Wire.writeAll(tpm, BigEndian.of32(MssimCommand.SESSION_END.code()));
            Wire.writeAll(platform, BigEndian.of32(MssimCommand.SESSION_END.code()));
        } catch (IOException ignored) {
            // the server may be gone already
        } finally {
            tpm.close();
            platform.close();
        }
    }

    private static void expectAck(int ack, String what) throws IOException {
        if (ack != 0) throw new IOException(what + " answered " + ack);
    }
}
