package dev.jtpm.server;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.TpmEngine;
import dev.jtpm.engine.platform.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One served TPM: a {@link Tpm}, its {@link StateStore}, its {@link TpmController} and its
 * listeners. {@link #start} binds everything (port 0 binds a free port; ask {@link #dataPort()} and
 * friends), applies {@code --flags}, and serves until {@link #close()} (accept loops on virtual
 * threads, data connections on platform threads: see {@link ConnectionThreads}). An exit
 * requested by the protocol (CMD_SHUTDOWN, mssim STOP, {@code --terminate}) is visible through
 * {@link #awaitExitRequest}; the host then calls {@link #close()}.
 */
public final class TpmInstance implements AutoCloseable {
    private final StateStore store;
    private final TpmController controller;
    private final InstanceConfig config;
    private final List<AutoCloseable> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch exitRequested = new CountDownLatch(1);
    private final DataFdServer dataFds = new DataFdServer();
    private DataChannel data;
    private ControlChannel ctrl;
    private MssimServer mssim;
    private boolean closed;
    private final Bound bound;

    /** The listening sockets, bound before the TPM is built so that clients (libvirt waits 1 s) see them early. */
    private record Bound(Acceptor ctrl, Acceptor data, Listener[] mssim) {
        void closeAll() {
            if (ctrl != null) ctrl.close();
            if (data != null) data.close();
            if (mssim != null) for (Listener l : mssim) l.close();
        }
    }

    private TpmInstance(StateStore store, InstanceConfig config, Bound bound, Function<Platform, TpmEngine> engine) {
        this.store = store;
        this.config = config;
        this.bound = bound;
        this.controller = new TpmController(engine.apply(Platform.of(store)), store, config.flags(), config.rejectLocality4(),
                config.log());
        this.controller.configureMigration(config.migrationKey(), config.incomingMigration(), config.releaseLockOutgoing(),
                this::requestExit);
    }

    /**
     * Starts a TPM on {@code store} (which the instance owns from now on and closes) and binds its
     * channels.
     *
     * @throws IOException when a channel cannot be bound; the store is closed then
     */
    public static TpmInstance start(StateStore store, InstanceConfig config) throws IOException {
        return start(store, config, () -> { });
    }

    /** Work done between binding the channels and starting the TPM ({@code --runas}). */
    @FunctionalInterface
    public interface AfterBind {
        /** Runs once the channels are bound; an exception closes the instance. */
        void run() throws IOException;
    }

    /**
     * {@link #start(StateStore, InstanceConfig)} with {@code afterBind} run once the channels are
     * bound and before the TPM is initialized (swtpm drops privileges there).
     */
    public static TpmInstance start(StateStore store, InstanceConfig config, AfterBind afterBind) throws IOException {
        return start(store, config, afterBind, Tpm::new);
    }

    /**
     * {@link #start(StateStore, InstanceConfig, AfterBind)} with the engine made by {@code engine} on the store's
     * platform: a TPM 2.0 ({@code Tpm::new}) or a TPM 1.2 ({@code Tpm12::new}).
     */
    public static TpmInstance start(StateStore store, InstanceConfig config, AfterBind afterBind,
                                    Function<Platform, TpmEngine> engine) throws IOException {
        Bound b;
        try {
            b = listen(config);
        } catch (IOException | RuntimeException e) {
            try {
                store.close();
            } catch (IOException ignored) {
                // the bind error is the one to report
            }
            throw e;
        }
        TpmInstance i;
        try {
            i = new TpmInstance(store, config, b, engine);
        } catch (RuntimeException e) {
            b.closeAll();
            try {
                store.close();
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            throw e;
        }
        i.controller.holdCommands();   // a client that connects at once meets the TPM the flags ask for
        try {
            i.serve();
            afterBind.run();
        } catch (IOException | RuntimeException e) {
            i.controller.releaseCommands();
            i.close();
            throw e;
        }
        int rc;
        try {
            rc = i.controller.applyStartupFlags();
        } finally {
            i.controller.releaseCommands();
        }
        if (rc != 0) config.log().error("jtpm: automatic startup: " + (rc < 0 ? "the TPM could not be initialized"
                : "TPM2_Startup returned 0x" + Integer.toHexString(rc)));
        return i;
    }

    private static Bound listen(InstanceConfig config) throws IOException {
        Acceptor ctrl = null, data = null;
        Listener[] mssim = null;
        try {
            // if/instanceof rather than pattern switches on this path: each pattern switch spins a class at its
            // first use (SwitchBootstraps.typeSwitch), which the AOT cache cannot hold (docs/benchmarks.md, Start-up)
            ChannelSpec c = config.ctrl();
            if (c instanceof ChannelSpec.UnixIo u && Posix.AVAILABLE) {
                ctrl = NativeUnixListener.bind(u.path(), u.mode(), u.owner());
            } else if (c instanceof ChannelSpec.Fd f) {
                ctrl = new SingleConnAcceptor(new NativeConn(requireNative(f.fd())));
            } else if (c != null) {
                ctrl = listen(c, config.log());
            }
            ChannelSpec d = config.data();
            if (d instanceof ChannelSpec.Mssim m) {
                mssim = bindMssim(m);
            } else if (d instanceof ChannelSpec.Fd f) {
                requireNative(f.fd());
            } else if (d != null) {
                data = listen(d, config.log());   // Tcp, UnixIo, Tls
            }
            return new Bound(ctrl, data, mssim);
        } catch (IOException | RuntimeException e) {
            new Bound(ctrl, data, mssim).closeAll();
            throw e;
        }
    }

    private void serve() {
        ServerLog log = config.log();
        if (bound.ctrl() != null) {
            Acceptor a = bound.ctrl();
            ctrl = new ControlChannel(a, new ControlHandler(controller, a.passesFds(), dataFds), log,
                    config.ctrlTerminate(), this::requestExit);
            channels.add(ctrl);
        }
        ChannelSpec d = config.data();   // if/instanceof: see listen
        if (d instanceof ChannelSpec.Mssim m) {
            mssim = new MssimServer(bound.mssim()[0], bound.mssim()[1], controller, log, this::requestExit);
            channels.add(mssim);
        } else if (d instanceof ChannelSpec.Fd f) {
            dataFds.take(f.fd());
        } else if (d != null) {
            // Tcp (disconnect after each response when asked), UnixIo, Tls
            data = new DataChannel(bound.data(), controller, log, d instanceof ChannelSpec.Tcp t && t.disconnect(),
                    config.terminate() ? this::requestExit : null);
        }
        if (data != null) channels.add(data);
    }

    private static int requireNative(int fd) throws IOException {
        if (!Posix.AVAILABLE) throw new IOException("file descriptor " + fd + " needs native access (Linux, --enable-native-access)");
        return fd;
    }

    /** Binds a TCP, Unix socket or TLS listener (for services outside this class: {@link Acceptors}). */
    static Acceptor listen(ChannelSpec spec) throws IOException {
        return listen(spec, ServerLog.NONE);
    }

    private static Acceptor listen(ChannelSpec spec, ServerLog log) throws IOException {
        if (spec instanceof ChannelSpec.Fd) throw new IllegalArgumentException("fd");
        if (spec instanceof ChannelSpec.Mssim) throw new IllegalArgumentException("mssim");
        return Acceptors.bind(spec, log);
    }

    private static Listener[] bindMssim(ChannelSpec.Mssim m) throws IOException {
        if (m.port() != 0) {
            Listener tpm = Listener.tcp(m.bindAddr(), m.port());
            try {
                return new Listener[] {tpm, Listener.tcp(m.bindAddr(), m.port() + 1)};
            } catch (IOException e) {
                tpm.close();
                throw e;
            }
        }
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            Listener tpm = Listener.tcp(m.bindAddr(), 0);
            try {
                return new Listener[] {tpm, Listener.tcp(m.bindAddr(), tpm.port() + 1)};
            } catch (IOException e) {
                tpm.close();
                last = e;
            }
        }
        throw last;
    }

    /** Serves the data channel on a descriptor received with CMD_SET_DATAFD (QEMU's way). */
    private final class DataFdServer implements ControlHandler.DataFdSink {
        private final java.util.concurrent.atomic.AtomicReference<Conn> current = new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public boolean hasDataFd() { return current.get() != null; }

        @Override
        public void take(int fd) {
            NativeConn c = new NativeConn(fd);
            current.set(c);
            channels.add(c::abort);
            ConnectionThreads.start("jtpm-datafd", () -> {
                try {
                    DataChannel.serve(c, controller, config.log(), false);
                } catch (java.io.IOException e) {
                    config.log().info("jtpm: data fd ended: " + e.getMessage());
                } finally {
                    c.close();
                    current.compareAndSet(c, null);
                    if (config.terminate()) requestExit();
                }
            });
        }
    }

    /** The controller: running state, locality, INIT/STOP semantics. */
    public TpmController controller() { return controller; }

    /** The TPM 2.0 (IllegalStateException when this instance serves a TPM 1.2: see {@link #engine()}). */
    public Tpm tpm() {
        if (controller.tpm() instanceof Tpm t) return t;
        throw new IllegalStateException("not a TPM 2.0");
    }

    /** The engine served, a TPM 2.0 or a TPM 1.2. */
    public TpmEngine engine() { return controller.tpm(); }

    /** The state store. */
    public StateStore store() { return store; }

    /** The bound TCP data port (the mssim TPM port in mssim mode), or -1. */
    public int dataPort() {
        if (mssim != null) return mssim.tpmPort();
        return data == null ? -1 : data.port();
    }

    /** The bound mssim platform port, or -1. */
    public int platformPort() { return mssim == null ? -1 : mssim.platformPort(); }

    /** The bound TCP control port, or -1. */
    public int ctrlPort() { return ctrl == null ? -1 : ctrl.port(); }

    /** Signals that the protocol asked the process to exit. */
    void requestExit() { exitRequested.countDown(); }

    /** Waits until the protocol asks for an exit (CMD_SHUTDOWN, mssim STOP, --terminate). */
    public void awaitExitRequest() throws InterruptedException { exitRequested.await(); }

    /** Like {@link #awaitExitRequest()} with a limit; true when the exit was requested. */
    public boolean awaitExitRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return exitRequested.await(timeout, unit);
    }

    /** True once an exit was requested. */
    public boolean exitRequested() { return exitRequested.getCount() == 0; }

    /** The Unix socket files this instance created (removed by {@link #close()}). */
    public List<Path> socketFiles() {
        List<Path> out = new ArrayList<>();
        if (config.data() instanceof ChannelSpec.UnixIo u) out.add(u.path());
        if (config.ctrl() instanceof ChannelSpec.UnixIo u) out.add(u.path());
        return out;
    }

    /**
     * Stops serving: closes every listener and connection (removing Unix socket files), sends the
     * automatic TPM2_Shutdown unless disabled, terminates the TPM and releases the store. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (AutoCloseable c : channels) Io.closeQuietly(c);
        // listeners no channel took over (serve() failed half-way)
        if (ctrl == null && bound.ctrl() != null) bound.ctrl().close();
        if (data == null && bound.data() != null) bound.data().close();
        if (mssim == null && bound.mssim() != null) for (Listener l : bound.mssim()) l.close();
        controller.terminate();
        try {
            store.close();
        } catch (IOException e) {
            config.log().error("jtpm: closing the state store: " + e.getMessage());
        }
        requestExit();
    }
}
