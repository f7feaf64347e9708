package dev.jtpm.server.backend;

import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.SwtpmSocket;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.MssimTransport;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.tss.tls.TlsClient;
import dev.jtpm.tss.tls.TlsFiles;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TPM a service stands in front of, as the services' {@code --backend} (and {@code --tcti}) options name it:
 * <ul>
 *   <li>{@code in-process} — a throw-away TPM in memory; {@code in-process:DIR} (or {@code in-process:dir=DIR[,key=KEY]})
 *       — jtpm's engine on a state directory, with its lock, started with Startup(CLEAR);</li>
 *   <li>{@code swtpm:host=H,port=P[,ctrl=P2]} (control port default P+1) or {@code swtpm:path=DATA[,ctrl-path=CTRL]}
 *       — a swtpm-protocol server (swtpm, jtpm socket, jtpm rm);</li>
 *   <li>{@code swtpm:host=H,port=P[,ctrl=P2],cert=FILE,key=FILE,ca=FILE[,no-hostname-check]} — the same over TLS 1.3
 *       with a client certificate (jtpm socket or jtpm rm with {@code --server type=tls}); the server's certificate
 *       is checked against {@code ca} and, unless {@code no-hostname-check}, against H;</li>
 *   <li>{@code mssim:host=H,port=P} — a Microsoft-simulator-protocol server (platform port P+1);</li>
 *   <li>{@code device:PATH} — a TPM character device ({@code /dev/tpmrm0}, {@code /dev/tpm0}).</li>
 * </ul>
 * Parsing never opens anything; {@link #open()} does.
 */
public sealed interface BackendSpec {

    /** Opens the backend. The caller closes it. */
    Backend open() throws IOException;

    /** A human-readable description for logs and errors (no secrets). */
    String describe();

    /** jtpm's engine in this process; {@code dir} empty: in memory, gone at exit. */
    record InProcess(Optional<Path> dir, Optional<String> key) implements BackendSpec {
        public Backend open() throws IOException {
            return new Backend.InProcessBackend(start(null, null), describe());
        }

        /**
         * Starts the TPM with these channels ({@code null}: none), for a service that lets other processes reach it
         * (eve-ptpm hands tpm2-tools a swtpm TCTI on them). The caller closes the instance.
         */
        public TpmInstance start(dev.jtpm.server.ChannelSpec data, dev.jtpm.server.ChannelSpec ctrl) throws IOException {
            StateStore store;
            if (dir.isPresent()) {
                Optional<StateKey> fileKey = key.isEmpty() ? Optional.empty()
                        : Optional.of(StateKey.parse("--backend key", key.get(), SwtpmSocket.FD_READER));
                store = DirectoryStateStore.open(dir.get(), DirectoryStateStore.DEFAULT_MODE, fileKey, true);
            } else {
                store = StateStore.inMemory();
            }
            SwtpmFlags flags;
            try {
                flags = SwtpmFlags.parse("not-need-init,startup-clear");
            } catch (OptionException e) {
                throw new IllegalStateException(e);
            }
            return TpmInstance.start(store, new InstanceConfig(data, ctrl, flags, false, false, false, ServerLog.NONE));
        }

        public String describe() { return "in-process" + dir.map(d -> ":" + d).orElse(""); }
    }

    /** A swtpm data channel plus its control channel. */
    record Swtpm(Endpoint data, Endpoint ctrl) implements BackendSpec {
        public Backend open() {
            return new Backend.SwtpmBackend(new SwtpmSocketTransport(data, ctrl), describe());
        }

        public String describe() { return "swtpm:" + show(data); }
    }

    /** A swtpm-protocol server over TLS: both channels with the same certificates; the files are read by {@link #open}. */
    record SwtpmTls(String host, int port, int ctrl, TlsFiles files, boolean hostnameCheck) implements BackendSpec {
        public Backend open() throws IOException {
            TlsClient client = TlsClient.load(files, hostnameCheck);
            return new Backend.SwtpmBackend(new SwtpmSocketTransport(new Endpoint.Tls(host, port, client),
                    new Endpoint.Tls(host, ctrl, client)), describe());
        }

        public String describe() { return "swtpm:host=" + host + ",port=" + port + " (TLS)"; }
    }

    /** A Microsoft simulator's command port (the platform port is the next one). */
    record Mssim(String host, int port) implements BackendSpec {
        public Backend open() throws IOException {
            return Backend.wrap(MssimTransport.connect(host, port), describe());
        }

        public String describe() { return "mssim:host=" + host + ",port=" + port; }
    }

    /** A TPM character device. */
    record Device(Path path) implements BackendSpec {
        public Backend open() throws IOException {
            return new Backend.DeviceBackend(path);
        }

        public String describe() { return "device:" + path; }
    }

    private static String show(Endpoint e) {
        return switch (e) {
            case Endpoint.Tcp t -> "host=" + t.host() + ",port=" + t.port();
            case Endpoint.Unix u -> "path=" + u.path();
            case Endpoint.Tls t -> "host=" + t.host() + ",port=" + t.port() + " (TLS)";
        };
    }

    /** The accepted forms, for usage lines and error messages. */
    String FORMS = "in-process[:DIR], swtpm:host=H,port=P[,ctrl=P2][,cert=F,key=F,ca=F], swtpm:path=SOCK[,ctrl-path=SOCK], mssim:host=H,port=P or device:PATH";

    /** Parses a backend spec; {@code option} names the option in error messages. */
    static BackendSpec parse(String option, String text) throws OptionException {
        if (text == null || text.isBlank()) throw new OptionException(option + ": missing value (" + FORMS + ")");
        int colon = text.indexOf(':');
        String type = colon < 0 ? text : text.substring(0, colon);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        switch (type) {
            case "in-process" -> {
                if (rest.isEmpty()) return new InProcess(Optional.empty(), Optional.empty());
                if (!rest.contains("=")) return new InProcess(Optional.of(Path.of(rest)), Optional.empty());
                Map<String, String> kv = keyValues(option, rest, "dir", "key");
                String dir = kv.get("dir");
                if (dir == null || dir.isEmpty()) throw new OptionException(option + ": in-process: missing dir=");
                return new InProcess(Optional.of(Path.of(dir)), Optional.ofNullable(kv.get("key")));
            }
            case "swtpm" -> {
                Map<String, String> kv = keyValues(option, rest, "host", "port", "ctrl", "path", "ctrl-path", "cert", "key", "ca",
                        "no-hostname-check");
                if (kv.containsKey("path")) {
                    if (kv.containsKey("cert") || kv.containsKey("key") || kv.containsKey("ca")) {
                        throw new OptionException(option + ": swtpm over TLS takes host=/port=, not path=");
                    }
                    if (kv.containsKey("host") || kv.containsKey("port")) {
                        throw new OptionException(option + ": swtpm: give either path= or host=/port=");
                    }
                    String ctrlPath = kv.get("ctrl-path");
                    if (ctrlPath == null) throw new OptionException(option + ": swtpm:path= needs ctrl-path= for the control channel");
                    return new Swtpm(new Endpoint.Unix(Path.of(kv.get("path"))), new Endpoint.Unix(Path.of(ctrlPath)));
                }
                String host = kv.getOrDefault("host", "127.0.0.1");
                int port = port(option, kv.getOrDefault("port", "2321"));
                int ctrl = kv.containsKey("ctrl") ? port(option, kv.get("ctrl")) : port + 1;
                if (ctrl > 65535) throw new OptionException(option + ": port " + port + " leaves no room for the control port");
                if (kv.containsKey("cert") || kv.containsKey("key") || kv.containsKey("ca")) {
                    for (String k : java.util.List.of("cert", "key", "ca")) {
                        if (kv.get(k) == null || kv.get(k).isEmpty()) throw new OptionException(option + ": swtpm over TLS needs " + k + "=");
                    }
                    return new SwtpmTls(host, port, ctrl, new TlsFiles(Path.of(kv.get("cert")), Path.of(kv.get("key")),
                            Path.of(kv.get("ca"))), !kv.containsKey("no-hostname-check"));
                }
                if (kv.containsKey("no-hostname-check")) throw new OptionException(option + ": no-hostname-check applies to TLS only");
                return new Swtpm(new Endpoint.Tcp(host, port), new Endpoint.Tcp(host, ctrl));
            }
            case "mssim" -> {
                Map<String, String> kv = keyValues(option, rest, "host", "port");
                int port = port(option, kv.getOrDefault("port", "2321"));
                if (port == 65535) throw new OptionException(option + ": port 65535 leaves no room for the platform port");
                return new Mssim(kv.getOrDefault("host", "127.0.0.1"), port);
            }
            case "device" -> {
                if (rest.isEmpty()) throw new OptionException(option + ": device: needs a path (device:/dev/tpmrm0)");
                return new Device(Path.of(rest));
            }
            default -> throw new OptionException(option + ": unknown backend '" + type + "' (" + FORMS + ")");
        }
    }

    private static int port(String option, String text) throws OptionException {
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new OptionException(option + ": bad port '" + text + "'");
        }
    }

    private static Map<String, String> keyValues(String option, String text, String... allowed) throws OptionException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq < 0 && part.equals("no-hostname-check") && java.util.List.of(allowed).contains(part)) {
                m.put(part, "");
                continue;
            }
            if (eq <= 0) throw new OptionException(option + ": expected key=value, not '" + part + "'");
            String k = part.substring(0, eq);
            if (!java.util.List.of(allowed).contains(k)) throw new OptionException(option + ": unknown parameter '" + k + "'");
            if (m.put(k, part.substring(eq + 1)) != null) throw new OptionException(option + ": '" + k + "' given twice");
        }
        return m;
    }
}
