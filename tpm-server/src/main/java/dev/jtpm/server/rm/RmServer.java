package dev.jtpm.server.rm;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.ServiceChannels;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.CtrlResponse;
import dev.jtpm.wire.DataFrame;
import dev.jtpm.wire.DataFrameDecoder;
import dev.jtpm.wire.MssimCommand;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.SendCommandEnvelope;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code jtpm rm}'s listeners: the swtpm data channel (raw commands or TPM_SEND_COMMAND envelopes, as {@code jtpm
 * socket}), the swtpm control channel, or the Microsoft simulator's two ports — each client connection served on its
 * own platform thread in its own {@link Space} ({@link ClientSpaces}), every command through the one
 * {@link ResourceManager}. A request that stays incomplete longer than the read timeout closes its connection; a slow
 * client holds nothing but its own thread (the backend lock is taken only once a command is complete).
 *
 * <p>The control channel is shared by every client, so it answers as a resource manager must: CMD_GET_CAPABILITY
 * (SET_LOCALITY, CANCEL_TPM_CMD, GET_CONFIG), CMD_SET_LOCALITY (the raw commands of the asking process), CMD_CANCEL_TPM_CMD
 * (passed to the backend only while it runs a command of the asking process), CMD_GET_CONFIG (no state key, no
 * migration key). CMD_INIT, CMD_SHUTDOWN, CMD_STOP, the state blobs, CMD_STORE_VOLATILE, the locality-4 hash
 * sequence, CMD_RESET_TPMESTABLISHED, CMD_SET_DATAFD, CMD_SET_BUFFERSIZE, CMD_LOCK_STORAGE and CMD_GET_INFO would act
 * on the TPM every client shares (reset it, stop it, replace its state): they are answered TPM_BAD_ORDINAL and do
 * nothing. The mssim platform port acknowledges power, NV and physical-presence signals without acting on them, for
 * the same reason; its cancel signal is the control channel's cancel.
 */
public final class RmServer implements AutoCloseable {
    /** The control channel capabilities this server answers. */
    static final int CTRL_CAPS = Ptm.CAP_SET_LOCALITY | Ptm.CAP_CANCEL_TPM_CMD | Ptm.CAP_GET_CONFIG;

    /**
     * What to serve.
     *
     * @param server the client-facing data channel ({@code --server})
     * @param ctrl the control channel, or null
     * @param limits per-space limits
     * @param readTimeoutMillis how long an incomplete request may take
     * @param backendTimeoutMillis how long the backend may take for one exchange
     */
    public record Config(ChannelSpec server, ChannelSpec ctrl, ResourceManager.Limits limits,
                         long readTimeoutMillis, long backendTimeoutMillis) {}

    private final ResourceManager rm;
    private final ClientSpaces spaces;
    private final ServerLog log;
    private final long readTimeoutNanos;
    private final boolean disconnect;
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private final Set<RmStream> clients = ConcurrentHashMap.newKeySet();
    private final List<Path> socketFiles = new ArrayList<>();
    private volatile boolean closed;
    private int dataPort = -1, platformPort = -1, ctrlPort = -1;

    private RmServer(ResourceManager rm, Config config, ServerLog log) {
        this.rm = rm;
        this.spaces = new ClientSpaces(rm, log);
        this.log = log;
        this.readTimeoutNanos = config.readTimeoutMillis() * 1_000_000L;
        this.disconnect = config.server() instanceof ChannelSpec.Tcp t && t.disconnect();
    }

    /** Opens the backend lazily (first command) and binds and serves the channels. */
    public static RmServer start(BackendSpec backend, Config config, ServerLog log) throws IOException {
        return start(BackendLink.of(backend, config.backendTimeoutMillis(), log), config, log);
    }

    static RmServer start(BackendLink link, Config config, ServerLog log) throws IOException {
        RmServer s = new RmServer(new ResourceManager(link, config.limits(), log), config, log);
        try {
            s.bind(config);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        Thread.ofVirtual().name("jtpm-rm-timeouts").start(s::watchTimeouts);
        return s;
    }

    /** The resource manager. */
    public ResourceManager rm() { return rm; }

    ClientSpaces clientSpaces() { return spaces; }

    /** The data (or mssim TPM) port, -1 for a Unix socket. */
    public int dataPort() { return dataPort; }

    /** The mssim platform port, or -1. */
    public int platformPort() { return platformPort; }

    /** The control port, or -1. */
    public int ctrlPort() { return ctrlPort; }

    private void bind(Config c) throws IOException {
        switch (c.server()) {
            case ChannelSpec.Tcp t -> {
                ServerSocketChannel s = ServiceChannels.bindTcp(t.bindAddr(), t.port());
                dataPort = port(s);
                serve("jtpm-rm-data", s, this::serveData);
            }
            case ChannelSpec.UnixIo u -> {
                ServerSocketChannel s = ServiceChannels.bindUnix(u);
                socketFiles.add(u.path());
                serve("jtpm-rm-data", s, this::serveData);
            }
            case ChannelSpec.Mssim m -> {
                ServerSocketChannel tpm = ServiceChannels.bindTcp(m.bindAddr(), m.port());
                dataPort = port(tpm);
                serve("jtpm-rm-mssim", tpm, this::serveMssimTpm);
                ServerSocketChannel platform = ServiceChannels.bindTcp(m.bindAddr(), dataPort + 1);
                platformPort = port(platform);
                serve("jtpm-rm-platform", platform, this::serveMssimPlatform);
            }
            default -> dataPort = serveOther("jtpm-rm-data", c.server(), this::serveData);
        }
        if (c.ctrl() != null) {
            switch (c.ctrl()) {
                case ChannelSpec.Tcp t -> {
                    ServerSocketChannel s = ServiceChannels.bindTcp(t.bindAddr(), t.port());
                    ctrlPort = port(s);
                    serve("jtpm-rm-ctrl", s, this::serveCtrl);
                }
                case ChannelSpec.UnixIo u -> {
                    ServerSocketChannel s = ServiceChannels.bindUnix(u);
                    socketFiles.add(u.path());
                    serve("jtpm-rm-ctrl", s, this::serveCtrl);
                }
                case ChannelSpec.Tls t -> ctrlPort = serveOther("jtpm-rm-ctrl", t, this::serveCtrl);
                default -> throw new IOException("--ctrl: type=tcp, type=unixio or type=tls");
            }
        }
    }

    /** Binds a listener of another type ({@code type=tls}) through {@link ServiceChannels#listen}; its port. */
    private int serveOther(String name, ChannelSpec spec, java.util.function.Consumer<RmStream> serve) throws IOException {
        ServiceChannels.Accepting a = ServiceChannels.listen(spec);
        listeners.add(a);
        Thread.ofPlatform().daemon().name(name + "-accept").start(() -> {
            while (!closed && a.isOpen()) {
                try {
                    RmStream st = RmStream.of(a.accept());
                    Thread.ofPlatform().daemon().name(name).start(() -> serve.accept(st));
                } catch (IOException e) {
                    if (!closed) log.error("jtpm rm: accept failed: " + e.getMessage());
                    return;
                }
            }
        });
        return a.port();
    }

    private static int port(ServerSocketChannel s) throws IOException {
        return s.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
    }

    private void serve(String name, ServerSocketChannel listener, java.util.function.Consumer<RmStream> serve) {
        listeners.add(listener);
        Thread.ofPlatform().daemon().name(name + "-accept").start(() -> {
            while (!closed && listener.isOpen()) {
                SocketChannel ch;
                try {
                    ch = listener.accept();
                    if (ch.getRemoteAddress() instanceof InetSocketAddress) {
                        ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    }
                } catch (IOException e) {
                    if (!closed) log.error("jtpm rm: accept failed: " + e.getMessage());
                    return;
                }
                RmStream st = RmStream.of(ch);
                // platform threads: a blocked read is woken by the kernel directly (see ConnectionThreads)
                Thread.ofPlatform().daemon().name(name).start(() -> serve.accept(st));
            }
        });
    }

    private void serveData(RmStream s) {
        clients.add(s);
        ClientSpaces.Client client = spaces.connect(s.peer(), s.local());
        try (s) {
            DataFrameDecoder decoder = new DataFrameDecoder(TpmHeader.MAX_COMMAND_SIZE);
            byte[] buf = new byte[TpmHeader.MAX_COMMAND_SIZE + SendCommandEnvelope.PREFIX_SIZE];
            while (true) {
                int n = s.read(buf, 0, buf.length);
                if (n < 0) return;
                decoder.feed(buf, 0, n);
                DataFrame f;
                while ((f = decoder.next()) != null) {
                    s.endPartial();
                    switch (f) {
                        case DataFrame.Command c -> {
                            byte[] rsp = client.execute(c.command(), c.locality());
                            s.write(c.enveloped() ? SendCommandEnvelope.wrapResponse(rsp) : rsp);
                            if (disconnect) return;
                        }
                        case DataFrame.Malformed m -> {
                            log.info("jtpm rm: data command with impossible size " + m.claimedSize() + "; connection dropped");
                            byte[] rsp = TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE);
                            s.write(m.enveloped() ? SendCommandEnvelope.wrapResponse(rsp) : rsp);
                            return;
                        }
                    }
                }
                if (decoder.buffered() > 0) s.startPartial();
            }
        } catch (IOException e) {
            log.info("jtpm rm: data connection ended: " + e.getMessage());
        } finally {
            clients.remove(s);
            client.close();
        }
    }

    private void serveCtrl(RmStream s) {
        clients.add(s);
        try (s) {
            byte[] buf = new byte[4 + 4 + 4096];
            while (true) {
                int len = s.read(buf, 0, buf.length);
                if (len <= 0) return;
                s.startPartial();
                long need;
                while (len < (need = CtrlRequest.needed(buf, len))) {
                    if (need > buf.length) { // only the state blob and hash data are this long: refused anyway
                        s.write(CtrlResponse.result(Ptm.TPM_BAD_ORDINAL));
                        return;
                    }
                    int n = s.read(buf, len, buf.length - len);
                    if (n < 0) return;
                    len += n;
                }
                s.endPartial();
                s.write(control(CtrlRequest.decode(Arrays.copyOf(buf, len)), s));
            }
        } catch (IOException e) {
            log.info("jtpm rm: control connection ended: " + e.getMessage());
        } finally {
            clients.remove(s);
        }
    }

    /** One control request's answer (see the class comment). */
    private byte[] control(CtrlRequest req, RmStream s) {
        return switch (req) {
            case CtrlRequest.GetCapability g -> CtrlResponse.capability(CTRL_CAPS);
            case CtrlRequest.SetLocality l -> {
                if (l.locality() < 0 || l.locality() > 4) yield CtrlResponse.result(Ptm.TPM_BAD_LOCALITY);
                spaces.setLocality(s.peer(), s.local(), l.locality());
                yield CtrlResponse.result(Ptm.TPM_SUCCESS);
            }
            case CtrlRequest.CancelTpmCmd c -> {
                spaces.cancel(s.peer(), s.local());
                yield CtrlResponse.result(Ptm.TPM_SUCCESS);
            }
            case CtrlRequest.GetConfig g -> CtrlResponse.config(0);
            case CtrlRequest.Malformed m -> CtrlResponse.result(Ptm.TPM_BAD_PARAMETER);
            default -> CtrlResponse.result(Ptm.TPM_BAD_ORDINAL);
        };
    }

    private void serveMssimTpm(RmStream s) {
        clients.add(s);
        ClientSpaces.Client client = spaces.connect(s.peer(), s.local());
        try (s) {
            while (true) {
                byte[] code = new byte[4];
                int n = s.read(code, 0, 4);
                if (n < 0) return;
                s.startPartial();
                while (n < 4) { // rare: the code split
                    int m = s.read(code, n, 4 - n);
                    if (m < 0) return;
                    n += m;
                }
                MssimCommand c = MssimCommand.of(BigEndian.u32(code, 0));
                if (c == null || !c.onTpmPort()) return;
                switch (c) {
                    case SEND_COMMAND -> {
                        byte[] loc = new byte[1];
                        s.readFully(loc);
                        long size = s.readU32() & 0xffffffffL;
                        if (size > TpmHeader.MAX_COMMAND_SIZE) return;
                        byte[] cmd = new byte[(int) size];
                        s.readFully(cmd);
                        s.endPartial();
                        byte[] rsp = size < TpmHeader.SIZE || BigEndian.u32(cmd, 2) != size
                                ? TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE) : client.execute(cmd, loc[0] & 0xff);
                        s.write(SendCommandEnvelope.wrapResponse(rsp));
                    }
                    case REMOTE_HANDSHAKE -> {
                        if (s.readU32() == 0) return;
                        s.endPartial();
                        byte[] r = new byte[12];
                        BigEndian.put32(r, 0, MssimCommand.SERVER_VERSION);
                        BigEndian.put32(r, 4, MssimCommand.FLAG_PLATFORM_AVAILABLE | MssimCommand.FLAG_IN_RAW_MODE);
                        s.write(r);
                    }
                    case SET_ALTERNATIVE_RESULT -> {
                        s.readU32();
                        s.endPartial();
                        s.write(BigEndian.of32(0));
                    }
                    default -> { return; } // SESSION_END, STOP (ends this client only), the shared hash sequence
                }
            }
        } catch (IOException e) {
            log.info("jtpm rm: mssim connection ended: " + e.getMessage());
        } finally {
            clients.remove(s);
            client.close();
        }
    }

    private void serveMssimPlatform(RmStream s) {
        clients.add(s);
        try (s) {
            while (true) {
                int code = s.readU32();
                MssimCommand c = MssimCommand.of(code);
                if (c == null || !c.onPlatformPort()) {
                    s.write(BigEndian.of32(MssimCommand.PLATFORM_NAK));
                    return;
                }
                switch (c) {
                    case SESSION_END, STOP -> { return; }
                    case SIGNAL_CANCEL_ON -> spaces.cancel(s.peer(), s.local());
                    case ACT_GET_SIGNALED -> {
                        s.readU32();
                        s.write(BigEndian.of32(0));
                    }
                    case GET_COMMAND_RESPONSE_SIZES -> {
                        byte[] r = new byte[20];
                        BigEndian.put32(r, 0, 16);
                        s.write(r);
                    }
                    default -> { } // power, NV, physical presence, key cache: the shared TPM is not the client's to switch
                }
                s.write(BigEndian.of32(0));
            }
        } catch (IOException e) {
            log.info("jtpm rm: mssim platform connection ended: " + e.getMessage());
        } finally {
            clients.remove(s);
        }
    }

    private void watchTimeouts() {
        while (!closed) {
            try {
                Thread.sleep(Math.max(50, Math.min(500, readTimeoutNanos / 4_000_000L)));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (RmStream s : clients) {
                long since = s.partialSince;
                if (since != 0 && now - since > readTimeoutNanos) {
                    log.info("jtpm rm: request not complete within " + readTimeoutNanos / 1_000_000 + " ms; connection closed");
                    s.abort();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (AutoCloseable l : listeners) {
            try {
                l.close();
            } catch (Exception ignored) {
                // closing
            }
        }
        for (RmStream s : clients) s.abort();
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // gone
            }
        }
        rm.close();
    }
}
