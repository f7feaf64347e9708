package dev.jtpm.interop;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A jtpm server in this JVM on 127.0.0.1, reachable by tpm2-tools as {@link #tcti()}: swtpm
 * protocol (data port P, control port P+1) or mssim (TPM port P, platform port P+1). Its state
 * directory survives {@link #restart()}.
 */
final class JtpmServer implements AutoCloseable {
    enum Protocol { SWTPM, MSSIM }

    final Path stateDir;
    private final Protocol protocol;
    private final SwtpmFlags flags;
    private java.util.Optional<dev.jtpm.wire.StateKey> key = java.util.Optional.empty();
    private TpmInstance instance;
    private int port;

    private JtpmServer(Path stateDir, Protocol protocol, SwtpmFlags flags, dev.jtpm.wire.StateKey key) {
        this.stateDir = stateDir;
        this.protocol = protocol;
        this.flags = flags;
        this.key = java.util.Optional.of(key);
        start();
    }

    private JtpmServer(Path stateDir, Protocol protocol, SwtpmFlags flags) {
        this.stateDir = stateDir;
        this.protocol = protocol;
        this.flags = flags;
        start();
    }

    /** A started TPM (not-need-init, startup-clear) speaking {@code protocol}, with fresh state. */
    static JtpmServer started(Protocol protocol) {
        return new JtpmServer(tempDir(), protocol, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false));
    }

    /**
     * A started TPM, as {@link #started}, whose stop sends no automatic TPM2_Shutdown (swtpm's disable-auto-shutdown):
     * {@link #restart()} is then a stop without a shutdown, as a power loss.
     */
    static JtpmServer startedWithoutAutoShutdown(Protocol protocol) {
        return new JtpmServer(tempDir(), protocol, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, true));
    }

    /** A TPM that is initialized but not started (as tpm2-pytss and `tpm2_startup -c` want it). */
    static JtpmServer initialized(Protocol protocol) {
        return new JtpmServer(tempDir(), protocol, new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false));
    }

    /** A TPM on existing state in {@code stateDir}, with the given start-up flags. */
    static JtpmServer onState(Path stateDir, SwtpmFlags flags) {
        return new JtpmServer(stateDir, Protocol.SWTPM, flags);
    }

    /** A TPM on existing state encrypted with {@code key} (jtpm socket --key). */
    static JtpmServer onState(Path stateDir, SwtpmFlags flags, dev.jtpm.wire.StateKey key) {
        JtpmServer s = new JtpmServer(stateDir, Protocol.SWTPM, flags, key);
        return s;
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("jtpm-interop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() {
        for (int attempt = 0; ; attempt++) {
            port = FreePorts.pair();
            ChannelSpec data = protocol == Protocol.MSSIM ? new ChannelSpec.Mssim("127.0.0.1", port)
                    : new ChannelSpec.Tcp("127.0.0.1", port, false);
            ChannelSpec ctrl = protocol == Protocol.MSSIM ? null : new ChannelSpec.Tcp("127.0.0.1", port + 1, false);
            try {
                instance = TpmInstance.start(DirectoryStateStore.open(stateDir, DirectoryStateStore.DEFAULT_MODE, key, true),
                        new InstanceConfig(data, ctrl, flags, false, false, false, ServerLog.NONE));
                return;
            } catch (BindException e) {
                if (attempt > 20) throw new UncheckedIOException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The TCTI configuration string for tpm2-tools. */
    String tcti() {
        return (protocol == Protocol.MSSIM ? "mssim" : "swtpm") + ":host=127.0.0.1,port=" + port;
    }

    int port() { return port; }

    TpmInstance instance() { return instance; }

    /**
     * Stops the server (as its process would stop: with an automatic TPM2_Shutdown(STATE) unless the last command was
     * one, or started {@link #startedWithoutAutoShutdown without}) and starts a new one on the same state.
     */
    void restart() {
        instance.close();
        start();
    }

    @Override
    public void close() {
        if (instance != null) instance.close();
    }
}
