package dev.jtpm.server;

import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.CtrlResponse;
import dev.jtpm.wire.DataFrame;
import dev.jtpm.wire.DataFrameDecoder;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.SendCommandEnvelope;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Any {@link TpmDevice} on swtpm's socket interface — a data channel (commands framed by their header's size, or in a
 * TPM_SEND_COMMAND envelope) and a control channel — for services that are not jtpm's engine (a virtualizing vTPM, a
 * proxy), so tpm2-tools' {@code -T swtpm:} TCTI can talk to them. The control channel answers the life-cycle requests
 * a client sends (GET_CAPABILITY, INIT, SET_LOCALITY, CANCEL, STOP, SHUTDOWN, GET_TPMESTABLISHED,
 * RESET_TPMESTABLISHED, SET_BUFFERSIZE, GET_CONFIG) without acting on the device: the service owns its TPM's life.
 * State blobs and hashing are TPM_BAD_ORDINAL.
 */
public final class DeviceServer implements AutoCloseable {
    private static final int CAPS = Ptm.CAP_INIT | Ptm.CAP_SHUTDOWN | Ptm.CAP_GET_TPMESTABLISHED | Ptm.CAP_SET_LOCALITY
            | Ptm.CAP_CANCEL_TPM_CMD | Ptm.CAP_RESET_TPMESTABLISHED | Ptm.CAP_STOP | Ptm.CAP_GET_CONFIG
            | Ptm.CAP_SET_BUFFERSIZE | Ptm.CAP_SEND_COMMAND_HEADER;

    private final TpmDevice device;
    private final ServerLog log;
    private final Acceptor data;
    private final Acceptor ctrl;
    private final Set<Conn> clients = ConcurrentHashMap.newKeySet();
    private volatile int locality;

    private DeviceServer(TpmDevice device, ServerLog log, Acceptor data, Acceptor ctrl) {
        this.device = device;
        this.log = log;
        this.data = data;
        this.ctrl = ctrl;
    }

    /**
     * Starts serving {@code device}: the data channel on {@code dataSpec} (TCP or Unix socket), the control channel on
     * {@code ctrlSpec} (null: none).
     */
    public static DeviceServer start(TpmDevice device, ChannelSpec dataSpec, ChannelSpec ctrlSpec, ServerLog log)
            throws IOException {
        Acceptor d = listen(dataSpec);
        Acceptor c;
        try {
            c = ctrlSpec == null ? null : listen(ctrlSpec);
        } catch (IOException e) {
            d.close();
            throw e;
        }
        return serve(device, d, c, log);
    }

    /** Serves {@code device} on listeners already bound (the fuzz target's in-memory connections); {@code c} null: no control channel. */
    static DeviceServer serve(TpmDevice device, Acceptor d, Acceptor c, ServerLog log) {
        DeviceServer s = new DeviceServer(device, log, d, c);
        ConnectionThreads.serveEach("jtpm-dev-data", d, s::serveData,
                e -> log.error("jtpm: data channel accept failed: " + e.getMessage()));
        if (c != null) Thread.ofVirtual().name("jtpm-dev-ctrl").start(s::acceptControl);
        return s;
    }

    private static Acceptor listen(ChannelSpec spec) throws IOException {
        return switch (spec) {
            case ChannelSpec.Tcp t -> Listener.tcp(t.bindAddr(), t.port());
            case ChannelSpec.UnixIo u -> Listener.unix(u.path(), u.mode());
            default -> throw new IOException("unsupported channel for this service: " + spec);
        };
    }

    /** The data channel's TCP port, or -1. */
    public int dataPort() { return data.port(); }

    /** The control channel's TCP port, or -1. */
    public int ctrlPort() { return ctrl == null ? -1 : ctrl.port(); }

    private void serveData(Conn client) {
        clients.add(client);
        try (client) {
            DataFrameDecoder decoder = new DataFrameDecoder(TpmHeader.MAX_COMMAND_SIZE);
            byte[] buf = new byte[TpmHeader.MAX_COMMAND_SIZE + SendCommandEnvelope.PREFIX_SIZE];
            while (true) {
                int n = client.read(buf, 0, buf.length);
                if (n < 0) return;
                decoder.feed(buf, 0, n);
                DataFrame f;
                while ((f = decoder.next()) != null) {
                    switch (f) {
                        case DataFrame.Command c -> {
                            byte[] rsp = execute(c.command(), c.enveloped() ? c.locality() : locality);
                            client.write(c.enveloped() ? SendCommandEnvelope.wrapResponse(rsp) : rsp);
                        }
                        case DataFrame.Malformed m -> {
                            byte[] rsp = TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE);
                            client.write(m.enveloped() ? SendCommandEnvelope.wrapResponse(rsp) : rsp);
                            return;
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.info("jtpm: data connection ended: " + e.getMessage());
        } finally {
            clients.remove(client);
        }
    }

    private byte[] execute(byte[] command, int loc) {
        try {
            return device.execute(command, loc);
        } catch (IOException | RuntimeException e) {
            log.error("jtpm: command failed: " + e.getMessage());
            return TpmHeader.errorResponse(TpmHeader.RC_FAILURE);
        }
    }

    private void acceptControl() {
        while (ctrl.isOpen()) {
            Conn c;
            try {
                c = ctrl.accept();
            } catch (IOException e) {
                if (ctrl.isOpen()) log.error("jtpm: control channel accept failed: " + e.getMessage());
                return;
            }
            clients.add(c);
            try (c) {
                serveControl(c);
            } catch (IOException e) {
                log.info("jtpm: control connection ended: " + e.getMessage());
            } finally {
                clients.remove(c);
            }
        }
    }

    private void serveControl(Conn ch) throws IOException {
        byte[] buf = new byte[4 + 4 + 4096];
        while (true) {
            int len = ch.read(buf, 0, buf.length);
            if (len <= 0) return;
            long need;
            while (len < (need = CtrlRequest.needed(buf, len))) {
                if (need > 1 << 20) {
                    ch.write(CtrlResponse.result(Ptm.TPM_FAIL));
                    return;
                }
                if (buf.length < need) buf = Arrays.copyOf(buf, (int) need);
                int n = ch.read(buf, len, buf.length - len);
                if (n < 0) return;
                len += n;
            }
            ch.write(answer(CtrlRequest.decode(Arrays.copyOf(buf, len))));
        }
    }

    private byte[] answer(CtrlRequest req) {
        return switch (req) {
            case CtrlRequest.GetCapability g -> CtrlResponse.capability(CAPS);
            case CtrlRequest.Init i -> CtrlResponse.result(Ptm.TPM_SUCCESS);
            case CtrlRequest.Shutdown s -> CtrlResponse.result(Ptm.TPM_SUCCESS);
            case CtrlRequest.Stop s -> CtrlResponse.result(Ptm.TPM_SUCCESS);
            case CtrlRequest.CancelTpmCmd c -> CtrlResponse.result(Ptm.TPM_SUCCESS);
            case CtrlRequest.GetTpmEstablished g -> CtrlResponse.established(false);
            case CtrlRequest.ResetTpmEstablished r -> CtrlResponse.result(Ptm.TPM_SUCCESS);
            case CtrlRequest.GetConfig g -> CtrlResponse.config(0);
            case CtrlRequest.SetBufferSize b -> CtrlResponse.bufferSize(TpmHeader.MAX_COMMAND_SIZE,
                    TpmHeader.MAX_COMMAND_SIZE, TpmHeader.MAX_COMMAND_SIZE);
            case CtrlRequest.SetLocality l -> {
                if (l.locality() < 0 || l.locality() > 4) yield CtrlResponse.result(Ptm.TPM_BAD_LOCALITY);
                locality = l.locality();
                yield CtrlResponse.result(Ptm.TPM_SUCCESS);
            }
            case CtrlRequest.Malformed m -> CtrlResponse.result(Ptm.TPM_BAD_PARAMETER);
            default -> CtrlResponse.result(Ptm.TPM_BAD_ORDINAL);
        };
    }

    /** Stops listening and ends open connections. */
    @Override
    public void close() {
        data.close();
        if (ctrl != null) ctrl.close();
        for (Conn c : clients) c.abort();
    }
}
