package dev.jtpm.cros;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.DeviceServer;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jtpm cros-vtpmd}: the backend TPM opened through {@link BackendSpec}, the gLinux {@link Virtualizer} on it
 * (its keys made, or read from the state directory, at start-up, so a missing or broken backend stops the daemon
 * with one line as vtpmd's CHECKs do), then the D-Bus service and/or the swtpm-compatible socket front-end.
 */
public final class CrosVtpmd implements AutoCloseable {
    /** The reference's state directory. */
    public static final Path DEFAULT_STATE = Path.of("/var/lib/vtpm");

    /**
     * What to run.
     *
     * @param backend the host TPM
     * @param state the directory of vsrk.blob, vek.blob, vek_cert.blob
     * @param certSource where the vEK certificate comes from
     * @param bus {@code system}, {@code session} or a D-Bus address; empty: no D-Bus service
     * @param server the socket front-end (data, control); empty: none
     * @param endorsementPassword the host's endorsement password, substituted into PolicySecret(endorsement)
     */
    public record Config(BackendSpec backend, Path state, Virtualizer.CertSource certSource, Optional<String> bus,
                         Optional<ServerSpec> server, byte[] endorsementPassword) {}

    /** The socket front-end: the data channel and the control channel. */
    public record ServerSpec(ChannelSpec data, ChannelSpec ctrl) {}

    private final Backend backend;
    private final Virtualizer vtpm;
    private final VtpmService dbus;
    private final DeviceServer server;

    private CrosVtpmd(Backend backend, Virtualizer vtpm, VtpmService dbus, DeviceServer server) {
        this.backend = backend;
        this.vtpm = vtpm;
        this.dbus = dbus;
        this.server = server;
    }

    /** Starts everything the config names; on failure nothing is left open. */
    public static CrosVtpmd start(Config c, ServerLog log) throws IOException {
        if (c.bus().isEmpty() && c.server().isEmpty()) throw new IOException("nothing to serve: give --bus and/or --server");
        Files.createDirectories(c.state());
        Backend backend = c.backend().open();
        Virtualizer vtpm = null;
        VtpmService dbus = null;
        DeviceServer server = null;
        try {
            vtpm = Virtualizer.gLinux(backend, c.state(), c.certSource(), c.endorsementPassword());
            vtpm.prepare();
            if (c.server().isPresent()) server = DeviceServer.start(vtpm, c.server().get().data(), c.server().get().ctrl(), log);
            if (c.bus().isPresent()) dbus = VtpmService.start(vtpm, c.bus().get());
            log.info("jtpm cros-vtpmd: gLinux profile on " + backend.describe()
                    + c.bus().map(b -> ", D-Bus " + VtpmInterface.SERVICE_NAME + " on the " + b + " bus").orElse("")
                    + (server != null ? ", socket data port " + server.dataPort() + " control port " + server.ctrlPort() : ""));
            return new CrosVtpmd(backend, vtpm, dbus, server);
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
            if (dbus != null) dbus.close();
            backend.close();
            throw e;
        }
    }

    /** The virtual TPM. */
    public Virtualizer vtpm() { return vtpm; }

    /** The socket front-end's data port, or -1. */
    public int dataPort() { return server == null ? -1 : server.dataPort(); }

    @Override
    public void close() throws IOException {
        if (server != null) server.close();
        if (dbus != null) dbus.close();
        backend.close();
    }

    /**
     * Parses {@code --server}: {@code type=tcp[,port=N][,bindaddr=A]} (control channel at N+1, default port 2321) or
     * {@code type=unixio,path=P[,ctrl-path=C]} (control channel at C, default P.ctrl).
     */
    public static ServerSpec parseServer(String text) throws OptionException {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) throw new OptionException("--server: expected key=value, not '" + part + "'");
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        String type = kv.getOrDefault("type", "tcp");
        switch (type) {
            case "tcp" -> {
                for (String k : kv.keySet()) {
                    if (!java.util.Set.of("type", "port", "bindaddr").contains(k)) throw new OptionException("--server: unknown parameter '" + k + "'");
                }
                int port;
                try {
                    port = Integer.parseInt(kv.getOrDefault("port", "2321"));
                } catch (NumberFormatException e) {
                    throw new OptionException("--server: bad port '" + kv.get("port") + "'");
                }
                if (port < 0 || port > 65534) throw new OptionException("--server: bad port '" + port + "'");
                String bind = kv.getOrDefault("bindaddr", "127.0.0.1");
                return new ServerSpec(new ChannelSpec.Tcp(bind, port, false), new ChannelSpec.Tcp(bind, port == 0 ? 0 : port + 1, false));
            }
            case "unixio" -> {
                for (String k : kv.keySet()) {
                    if (!java.util.Set.of("type", "path", "ctrl-path").contains(k)) throw new OptionException("--server: unknown parameter '" + k + "'");
                }
                String path = kv.get("path");
                if (path == null || path.isEmpty()) throw new OptionException("--server: type=unixio needs path=");
                return new ServerSpec(new ChannelSpec.UnixIo(Path.of(path), -1),
                        new ChannelSpec.UnixIo(Path.of(kv.getOrDefault("ctrl-path", path + ".ctrl")), -1));
            }
            default -> throw new OptionException("--server: unknown type '" + type + "' (tcp or unixio)");
        }
    }
}
