package dev.jtpm.server.host;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Many TPMs in one JVM ({@code jtpm host}): each instance has its own directory {@code DIR/NAME} (state in
 * {@code DIR/NAME/tpm2}, its settings in {@code DIR/NAME/instance.properties}) and its own swtpm-compatible
 * data and control endpoints — a Unix socket pair {@code SOCKETS/NAME.sock} and {@code SOCKETS/NAME.ctrl}, or a
 * TCP port pair from a range — so QEMU and tpm2-tools reach it as they reach a {@code jtpm socket}. The set of
 * instances is the set of directories: a host started again (or after a kill) serves the same instances on the
 * same endpoints. A CMD_SHUTDOWN on an instance's control channel ends that TPM as it ends a {@code jtpm socket}
 * process, and the host starts it again at once on the same endpoints, as a supervisor restarts swtpm; only
 * {@link #stop} keeps it down.
 */
public final class InstanceHost implements AutoCloseable {
    /** Instance names: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String SETTINGS = "instance.properties";

    /** Where instances listen. */
    public sealed interface Endpoints {
        /**
         * TCP on {@code bind}: instance i gets data port P and control port P+1, pairs taken from [from, to]; with
         * {@code tls} (or null), both inside TLS 1.3 with client certificates required ({@code type=tls}).
         */
        record Ports(String bind, int from, int to, dev.jtpm.tss.tls.TlsFiles tls) implements Endpoints {
            /** Plain TCP. */
            public Ports(String bind, int from, int to) { this(bind, from, to, null); }
        }

        /** Unix sockets {@code dir/NAME.sock} (data) and {@code dir/NAME.ctrl} (control). */
        record Sockets(Path dir) implements Endpoints {}
    }

    /** An instance as the API shows it. */
    public record Info(String name, boolean running, ChannelSpec server, ChannelSpec ctrl, Path stateDir, String flags,
                       String store) {
        /** Where the state is: the store (its URI without parameters, {@code #NAME}) or the state directory. */
        public String tpmstate() { return store != null ? store : stateDir.toString(); }
    }

    /** A refused request: the HTTP status it maps to and a one-line reason. */
    public static final class HostException extends Exception {
        private final int status;

        HostException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** 400, 404, 409 or 500. */
        public int status() { return status; }
    }

    private final Path dir;
    private final String storeUri;
    private final java.util.Optional<dev.jtpm.wire.StateKey> key;
    private final Endpoints endpoints;
    private final ServerLog log;
    private final HostMetrics metrics;
    private final TreeMap<String, Hosted> instances = new TreeMap<>();
    private boolean closed;

    private static final class Hosted {
        final String name;
        final Path home;
        final ChannelSpec server, ctrl;
        final String flags;
        TpmInstance running;
        boolean stopped;

        Hosted(String name, Path home, ChannelSpec server, ChannelSpec ctrl, String flags, boolean stopped) {
            this.name = name;
            this.home = home;
            this.server = server;
            this.ctrl = ctrl;
            this.flags = flags;
            this.stopped = stopped;
        }

        Path stateDir() { return home.resolve("tpm2"); }
    }

    private InstanceHost(Path dir, Endpoints endpoints, ServerLog log, String storeUri,
                         java.util.Optional<dev.jtpm.wire.StateKey> key) {
        this.dir = dir;
        this.storeUri = storeUri;
        this.key = key;
        this.endpoints = endpoints;
        this.log = log;
        this.metrics = new HostMetrics();
    }

    /**
     * Opens the host directory (created if needed), registers the instances found there and starts those not
     * stopped. An instance that cannot start is logged and left stopped; the others serve.
     */
    public static InstanceHost open(Path dir, Endpoints endpoints, ServerLog log) throws IOException {
        return open(dir, endpoints, log, null);
    }

    /**
     * As {@link #open(Path, Endpoints, ServerLog)}, with the instances' state in the store {@code storeUri} names
     * ({@code postgresql://…}, {@code jtpm host --store}) under each instance's name instead of {@code DIR/NAME/tpm2};
     * null keeps the directories. Removing an instance then forgets it on this host and leaves its state in the store,
     * so another host can take it.
     */
    public static InstanceHost open(Path dir, Endpoints endpoints, ServerLog log, String storeUri) throws IOException {
        return open(dir, endpoints, log, storeUri, java.util.Optional.empty());
    }

    /** As {@link #open(Path, Endpoints, ServerLog, String)}, every instance's state encrypted with {@code key} ({@code --key}). */
    public static InstanceHost open(Path dir, Endpoints endpoints, ServerLog log, String storeUri,
                                    java.util.Optional<dev.jtpm.wire.StateKey> key) throws IOException {
        Files.createDirectories(dir);
        if (endpoints instanceof Endpoints.Sockets s) Files.createDirectories(s.dir());
        dev.jtpm.server.ConnectionThreads.acceptOnVirtualThreads(); // idle instances hold no platform thread
        InstanceHost h = new InstanceHost(dir, endpoints, log, storeUri, key);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            List<Path> homes = new ArrayList<>();
            ds.forEach(homes::add);
            homes.sort(Comparator.naturalOrder());
            for (Path home : homes) {
                Path settings = home.resolve(SETTINGS);
                if (!Files.isRegularFile(settings)) continue;
                try {
                    Hosted x = h.load(home);
                    h.instances.put(x.name, x);
                } catch (IOException | RuntimeException e) {
                    log.error("jtpm host: ignoring " + home + ": " + e.getMessage());
                }
            }
        }
        synchronized (h) {
            for (Hosted x : h.instances.values()) {
                if (x.stopped) continue;
                try {
                    h.startInstance(x);
                } catch (HostException e) {
                    log.error("jtpm host: instance " + x.name + " not started: " + e.getMessage());
                }
            }
        }
        return h;
    }

    /** The metrics of this host. */
    public HostMetrics metrics() { return metrics; }

    /**
     * Creates and starts an instance.
     *
     * @param flags swtpm's {@code --flags} for it, or null for {@code not-need-init,startup-clear}
     * @throws HostException 400 for a bad name or flags, 409 for a name in use or no free endpoint
     */
    public synchronized Info create(String name, String flags) throws HostException {
        checkOpen();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new HostException(400, "bad instance name " + (name == null ? "(none)" : Json.quote(name))
                    + ": 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (instances.containsKey(name)) throw new HostException(409, "instance " + name + " exists");
        String f = flags == null ? "not-need-init,startup-clear" : flags;
        try {
            SwtpmFlags.parse(f);
        } catch (OptionException e) {
            throw new HostException(400, e.getMessage());
        }
        Path home = dir.resolve(name);
        if (Files.exists(home)) throw new HostException(409, "directory " + home + " exists; remove it or pick another name");
        ChannelSpec[] ep = allocate(name);
        Hosted x = new Hosted(name, home, ep[0], ep[1], f, false);
        try {
            Files.createDirectories(storeUri == null ? x.stateDir() : home);
        } catch (IOException e) {
            deleteTree(home);
            throw new HostException(500, "cannot create " + home + ": " + e.getMessage());
        }
        // The settings (and the new directory entries) are made durable while the TPM is built and writes its
        // state: their fsyncs overlap (one journal commit can carry both) instead of following each other.
        java.util.concurrent.CompletableFuture<Void> settings = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                save(x);
                syncDirectory(dir);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().name("jtpm-host-settings").start(r));
        instances.put(name, x);
        try {
            startInstance(x, true);
            awaitSettings(settings, home);
        } catch (HostException e) {
            settings.exceptionally(t -> null).join();
            instances.remove(name);
            stopInstance(x);
            deleteTree(home);
            throw e;
        }
        metrics.created();
        return info(x);
    }

    /** Every instance, by name. */
    public synchronized List<Info> list() {
        return instances.values().stream().map(this::info).toList();
    }

    /** One instance; 404 when unknown. */
    public synchronized Info get(String name) throws HostException {
        return info(find(name));
    }

    /** Starts a stopped instance (nothing when it runs); persistent across host restarts. */
    public synchronized Info start(String name) throws HostException {
        checkOpen();
        Hosted x = find(name);
        if (x.running == null) {
            startInstance(x);
            x.stopped = false;
            persist(x);
        }
        return info(x);
    }

    /** Stops an instance (automatic TPM2_Shutdown, endpoints closed); it stays stopped across host restarts. */
    public synchronized Info stop(String name) throws HostException {
        Hosted x = find(name);
        x.stopped = true;
        persist(x);
        stopInstance(x);
        return info(x);
    }

    /** Stops and removes an instance with its state. */
    public synchronized void delete(String name) throws HostException {
        Hosted x = find(name);
        stopInstance(x);
        instances.remove(name);
        deleteTree(x.home);
        metrics.deleted();
    }

    /** The running TPM of an instance, or null (for tests and metrics). */
    public synchronized TpmInstance running(String name) {
        Hosted x = instances.get(name);
        return x == null ? null : x.running;
    }

    /** Number of instances, and of those running. */
    public synchronized int[] counts() {
        int running = 0;
        for (Hosted x : instances.values()) if (x.running != null) running++;
        return new int[] {instances.size(), running};
    }

    private Hosted find(String name) throws HostException {
        Hosted x = name == null ? null : instances.get(name);
        if (x == null) throw new HostException(404, "no instance " + (name == null ? "" : Json.quote(name)));
        return x;
    }

    private void checkOpen() throws HostException {
        if (closed) throw new HostException(409, "the host is shutting down");
    }

    private Info info(Hosted x) {
        return new Info(x.name, x.running != null, x.server, x.ctrl, x.stateDir(), x.flags,
                storeUri == null ? null : storeUri.replaceFirst("\\?.*", "") + "#" + x.name);
    }

    private static void awaitSettings(java.util.concurrent.CompletableFuture<Void> settings, Path home) throws HostException {
        try {
            settings.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new HostException(500, "cannot create " + home + ": " + e.getCause().getMessage());
        }
    }

    private void startInstance(Hosted x) throws HostException { startInstance(x, false); }

    /**
     * Starts an instance's TPM. {@code creating}: a new instance, whose state writes of the start (manufacture, then
     * the automatic Startup) are written once, at the end ({@link CreationStore}).
     */
    private void startInstance(Hosted x, boolean creating) throws HostException {
        dev.jtpm.server.StateStore store;
        CreationStore creation = null;
        try {
            store = storeUri == null ? DirectoryStateStore.open(x.stateDir(), 0600, key, true)
                    : dev.jtpm.server.StateStores.open(new dev.jtpm.server.StateStoreRequest(storeUri, x.name, key, log));
            if (creating) store = creation = new CreationStore(store);
        } catch (IOException e) {
            throw new HostException(409, "instance " + x.name + ": " + e.getMessage());
        }
        SwtpmFlags flags;
        try {
            flags = SwtpmFlags.parse(x.flags);
        } catch (OptionException e) {
            try {
                store.close();
            } catch (IOException ignored) {
                // nothing was written
            }
            throw new HostException(500, "instance " + x.name + ": " + e.getMessage());
        }
        TpmInstance t;
        try {
            t = TpmInstance.start(store, new InstanceConfig(x.server, x.ctrl, flags, false, false, false, log));
        } catch (IOException e) {
            throw new HostException(409, "instance " + x.name + ": cannot listen: " + e.getMessage());
        }
        x.running = t;
        if (creation != null) {
            try {
                creation.commit();
            } catch (IOException e) {
                throw new HostException(500, "instance " + x.name + ": cannot write its state: " + e.getMessage());
            }
        }
        t.controller().observe(metrics::command);
        Thread.ofVirtual().name("jtpm-host-" + x.name).start(() -> {
            try {
                t.awaitExitRequest();
            } catch (InterruptedException e) {
                return;
            }
            restartAfterShutdown(x, t);
        });
    }

    /** CMD_SHUTDOWN ended the TPM: close it and, unless it was stopped or removed meanwhile, serve it again. */
    private synchronized void restartAfterShutdown(Hosted x, TpmInstance ended) {
        if (x.running != ended) return; // stopped or deleted through the API
        ended.close();
        x.running = null;
        if (closed || instances.get(x.name) != x) return;
        try {
            startInstance(x);
            metrics.restarted();
        } catch (HostException e) {
            log.error("jtpm host: instance " + x.name + " not restarted: " + e.getMessage());
        }
    }

    private void stopInstance(Hosted x) {
        TpmInstance t = x.running;
        x.running = null;
        if (t != null) t.close();
    }

    private ChannelSpec[] allocate(String name) throws HostException {
        return switch (endpoints) {
            case Endpoints.Sockets s -> new ChannelSpec[] {new ChannelSpec.UnixIo(s.dir().resolve(name + ".sock"), 0660),
                    new ChannelSpec.UnixIo(s.dir().resolve(name + ".ctrl"), 0660)};
            case Endpoints.Ports p -> {
                java.util.Set<Integer> used = new java.util.HashSet<>();
                for (Hosted h : instances.values()) {
                    if (h.server instanceof ChannelSpec.Tcp t) used.add(t.port());
                    if (h.server instanceof ChannelSpec.Tls t) used.add(t.port());
                }
                for (int port = p.from(); port + 1 <= p.to(); port += 2) {
                    if (used.contains(port) || !free(p.bind(), port) || !free(p.bind(), port + 1)) continue;
                    if (p.tls() != null) {
                        yield new ChannelSpec[] {new ChannelSpec.Tls(p.bind(), port, p.tls()), new ChannelSpec.Tls(p.bind(), port + 1, p.tls())};
                    }
                    yield new ChannelSpec[] {new ChannelSpec.Tcp(p.bind(), port, false), new ChannelSpec.Tcp(p.bind(), port + 1, false)};
                }
                throw new HostException(409, "no free port pair left in " + p.from() + "-" + p.to());
            }
        };
    }

    private static boolean free(String bind, int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress(bind, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // settings: one properties file per instance, written atomically (temp file, fsync, rename)

    private void save(Hosted x) throws IOException {
        Properties p = new Properties();
        p.setProperty("name", x.name);
        p.setProperty("flags", x.flags);
        p.setProperty("stopped", Boolean.toString(x.stopped));
        put(p, "server", x.server);
        put(p, "ctrl", x.ctrl);
        StringWriter w = new StringWriter();
        p.store(w, "jtpm host instance");
        Path tmp = x.home.resolve(SETTINGS + ".tmp");
        try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(w.toString().getBytes(StandardCharsets.ISO_8859_1)));
            ch.force(true);
        }
        Files.move(tmp, x.home.resolve(SETTINGS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(x.home);
    }

    private static void syncDirectory(Path d) {
        try (var ch = java.nio.channels.FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // directories cannot be synced on every file system
        }
    }

    private void persist(Hosted x) throws HostException {
        try {
            save(x);
        } catch (IOException e) {
            throw new HostException(500, "cannot record the state of " + x.name + ": " + e.getMessage());
        }
    }

    private static void put(Properties p, String key, ChannelSpec c) {
        switch (c) {
            case ChannelSpec.Tcp t -> {
                p.setProperty(key + ".type", "tcp");
                p.setProperty(key + ".bindaddr", t.bindAddr());
                p.setProperty(key + ".port", Integer.toString(t.port()));
            }
            case ChannelSpec.UnixIo u -> {
                p.setProperty(key + ".type", "unixio");
                p.setProperty(key + ".path", u.path().toString());
            }
            case ChannelSpec.Tls t -> {
                p.setProperty(key + ".type", "tls");
                p.setProperty(key + ".bindaddr", t.bindAddr());
                p.setProperty(key + ".port", Integer.toString(t.port()));
                p.setProperty(key + ".cert", t.files().cert().toString());
                p.setProperty(key + ".key", t.files().key().toString());
                p.setProperty(key + ".ca", t.files().ca().toString());
            }
            default -> throw new IllegalArgumentException("endpoint " + c);
        }
    }

    private Hosted load(Path home) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(home.resolve(SETTINGS), StandardCharsets.ISO_8859_1)));
        String name = p.getProperty("name");
        if (name == null || !NAME.matcher(name).matches() || !home.getFileName().toString().equals(name)) {
            throw new IOException("bad or missing name in " + SETTINGS);
        }
        return new Hosted(name, home, channel(p, "server"), channel(p, "ctrl"),
                p.getProperty("flags", "not-need-init,startup-clear"), Boolean.parseBoolean(p.getProperty("stopped")));
    }

    private static ChannelSpec channel(Properties p, String key) throws IOException {
        String type = p.getProperty(key + ".type");
        try {
            return switch (type == null ? "" : type) {
                case "tcp" -> new ChannelSpec.Tcp(p.getProperty(key + ".bindaddr", "127.0.0.1"),
                        Integer.parseInt(p.getProperty(key + ".port")), false);
                case "unixio" -> new ChannelSpec.UnixIo(Path.of(p.getProperty(key + ".path")), 0660);
                case "tls" -> new ChannelSpec.Tls(p.getProperty(key + ".bindaddr", "127.0.0.1"),
                        Integer.parseInt(p.getProperty(key + ".port")), new dev.jtpm.tss.tls.TlsFiles(
                        Path.of(p.getProperty(key + ".cert")), Path.of(p.getProperty(key + ".key")), Path.of(p.getProperty(key + ".ca"))));
                default -> throw new IOException("bad " + key + ".type");
            };
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException("bad " + key + " endpoint");
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // left behind; the name stays unusable until removed by hand
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }

    /** Stops every instance (each gets its automatic TPM2_Shutdown). */
    @Override
    public synchronized void close() {
        closed = true;
        for (Hosted x : instances.values()) stopInstance(x);
    }
}
