package dev.jtpm.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code swtpm socket}, parsed the swtpm way (long options with comma-separated
 * {@code key=value} lists, either {@code --opt value} or {@code --opt=value}). Options jtpm knows but
 * does not implement are refused with a one-line error rather than silently ignored.
 *
 * @param action what to do
 * @param tpm2 {@code --tpm2} was given
 * @param data the data channel, or null
 * @param ctrl the control channel, or null
 * @param flags {@code --flags}
 * @param rejectLocality4 {@code --locality reject-locality-4}
 * @param terminate {@code -t/--terminate}
 * @param ctrlTerminate {@code --ctrl ...,terminate}
 * @param stateDir {@code --tpmstate dir=} (or {@code TPM_PATH}), or null
 * @param stateMode {@code --tpmstate mode=}
 * @param pidFile {@code --pid file=}, or null
 * @param logFile {@code --log file=}, or null for stderr
 * @param logLevel {@code --log level=}; -1 when no {@code --log} was given
 * @param pidFd {@code --pid fd=}, or -1
 * @param key {@code --key} as given (read by {@link dev.jtpm.wire.StateKey#parse} when the server starts), or null
 * @param migrationKey {@code --migration-key} as given, or null
 * @param incomingMigration {@code --migration incoming}
 * @param releaseLockOutgoing {@code --migration release-lock-outgoing}
 * @param runas {@code --runas} user, or null
 * @param daemon {@code -d/--daemon}
 * @param stateUri {@code --tpmstate backend-uri=} of a store other than {@code dir://} (then {@code stateDir} is
 *     null), or null
 * @param stateName {@code --tpmstate name=}: the TPM's name in the {@code stateUri} store, or null
 * @param chroot {@code -R|--chroot}: the new root, entered before any file is opened, or null
 */
public record SocketOptions(Action action, boolean tpm2, ChannelSpec data, ChannelSpec ctrl, SwtpmFlags flags,
                            boolean rejectLocality4, boolean terminate, boolean ctrlTerminate, Path stateDir,
                            int stateMode, Path pidFile, Path logFile, int logLevel, int pidFd, String key,
                            String migrationKey, boolean incomingMigration, boolean releaseLockOutgoing, String runas,
                            boolean daemon, String stateUri, String stateName, Path chroot) {

    /** What the command line asks for. */
    public enum Action { RUN, HELP, VERSION, PRINT_CAPABILITIES, PRINT_STATES }

    /** swtpm's default TCP data port when neither {@code port=} nor {@code TPM_PORT} is given. */
    public static final int DEFAULT_PORT = 6545;
    private static final String LOCALHOST = "127.0.0.1";

    private static final Set<String> VALUE_OPTIONS = Set.of("--server", "--ctrl", "--tpmstate", "--flags", "--pid",
            "--log", "--locality", "--seccomp", "--port", "--key", "--migration-key", "--migration", "--runas",
            "--chroot", "--fd", "--profile", "--print-info", "--pcap");
    private static final Set<String> UNSUPPORTED = Set.of("--profile", "--print-info", "--pcap",
            "--print-profiles", "--vtpm-proxy");

    private static final Map<String, String> ALIASES = Map.of("-p", "--port", "-t", "--terminate", "-v", "--version",
            "-h", "--help", "-d", "--daemon", "-R", "--chroot", "-f", "--fd");

    /** Parses {@code args} (after the word {@code socket}); {@code env} supplies TPM_PATH and TPM_PORT. */
    public static SocketOptions parse(List<String> args, Map<String, String> env) throws OptionException {
        Action action = Action.RUN;
        boolean tpm2 = false, terminate = false, daemon = false;
        String server = null, ctrl = null, tpmstate = null, flags = null, pid = null, log = null, locality = null;
        String key = null, migrationKey = null, migration = null, runas = null;
        Path chroot = null;
        Integer legacyPort = null, dataFd = null;
        OptionCursor options = new OptionCursor(args, ALIASES, VALUE_OPTIONS);
        while (options.hasNext()) {
            OptionCursor.Option option = options.next();
            String a = option.raw(), name = option.name(), value = option.value();
            if (UNSUPPORTED.contains(name)) throw new OptionException("option " + name + " is not supported by jtpm");
            switch (name) {
                case "--tpm2" -> tpm2 = true;
                case "--help" -> action = Action.HELP;
                case "--version" -> { if (action == Action.RUN) action = Action.VERSION; }
                case "--print-capabilities" -> { if (action == Action.RUN) action = Action.PRINT_CAPABILITIES; }
                case "--print-states" -> { if (action == Action.RUN) action = Action.PRINT_STATES; }
                case "--terminate" -> terminate = true;
                case "--daemon" -> daemon = true;
                case "--key" -> key = value;
                case "--migration-key" -> migrationKey = value;
                case "--migration" -> migration = value;
                case "--runas" -> {
                    if (value.isEmpty()) throw new OptionException("--runas needs a user name");
                    runas = value;
                }
                case "--chroot" -> {
                    if (value.isEmpty()) throw new OptionException("--chroot needs a directory");
                    chroot = Path.of(value);
                }
                case "--server" -> server = value;
                case "--ctrl" -> ctrl = value;
                case "--tpmstate" -> tpmstate = value;
                case "--flags" -> flags = value;
                case "--pid" -> pid = value;
                case "--log" -> log = value;
                case "--locality" -> locality = value;
                case "--seccomp" -> KeyValueOption.parse("--seccomp", value, Set.of("action"));
                case "--port" -> legacyPort = KeyValueOption.parsePort("--port", value);
                case "--fd" -> dataFd = parseFd("--fd", value);
                default -> throw new OptionException("unknown option '" + a + "'");
            }
        }
        if (action == Action.PRINT_STATES) {
            StateDir state = parseState(tpmstate, env);
            return new SocketOptions(action, tpm2, null, null, SwtpmFlags.DEFAULT, false, false, false, state.dir(),
                    state.mode(), null, null, -1, -1, null, null, false, false, null, false, state.uri(), state.name(), chroot);
        }
        if (action != Action.RUN) {
            return new SocketOptions(action, tpm2, null, null, SwtpmFlags.DEFAULT, false, false, false, null,
                    DirectoryStateStore.DEFAULT_MODE, null, null, -1, -1, null, null, false, false, null, false, null, null, null);
        }
        if ((server != null ? 1 : 0) + (legacyPort != null ? 1 : 0) + (dataFd != null ? 1 : 0) > 1) {
            throw new OptionException("give only one of --server, --port and --fd");
        }
        ChannelSpec dataSpec = legacyPort != null ? new ChannelSpec.Tcp(LOCALHOST, legacyPort, true)
                : dataFd != null ? new ChannelSpec.Fd(dataFd)
                : server != null ? parseServer(server, env) : null;
        if (dataFd != null) terminate = true; // swtpm: --fd implies --terminate
        ChannelSpec ctrlSpec = null;
        boolean ctrlTerminate = false;
        if (ctrl != null) {
            KeyValueOption kv = KeyValueOption.parse("--ctrl", ctrl,
                    Set.of("type", "path", "port", "bindaddr", "mode", "uid", "gid", "group", "terminate", "clientfd", "cert",
                            "key", "ca"));
            ctrlTerminate = kv.flag("terminate");
            ctrlSpec = switch (kv.require("type")) {
                case "tcp" -> {
                    only(kv, Set.of("type", "port", "bindaddr", "terminate"));
                    yield new ChannelSpec.Tcp(kv.has("bindaddr") ? kv.require("bindaddr") : LOCALHOST,
                            KeyValueOption.parsePort("--ctrl", kv.require("port")), false);
                }
                case "unixio" -> {
                    if (kv.has("clientfd")) {
                        only(kv, Set.of("type", "clientfd", "terminate"));
                        ctrlTerminate = true; // nothing is left to serve once that connection is gone
                        yield new ChannelSpec.Fd(parseFd("--ctrl", kv.require("clientfd")));
                    }
                    only(kv, Set.of("type", "path", "mode", "uid", "gid", "group", "terminate"));
                    yield new ChannelSpec.UnixIo(Path.of(kv.require("path")), kv.mode("mode", -1), owner("--ctrl", kv));
                }
                case "tls" -> {
                    only(kv, Set.of("type", "port", "bindaddr", "terminate", "cert", "key", "ca"));
                    yield tls(kv, KeyValueOption.parsePort("--ctrl", kv.require("port")));
                }
                default -> throw new OptionException("--ctrl: unsupported type '" + kv.get("type") + "' (tcp, unixio or tls)");
            };
        }
        if (!tpm2 && dataSpec instanceof ChannelSpec.Mssim) throw new OptionException("type=mssim needs --tpm2");
        if (dataSpec == null && ctrlSpec == null) {
            throw new OptionException("need a data channel (--server or --port) and usually a control channel (--ctrl)");
        }
        StateDir state = parseState(tpmstate, env);
        Path stateDir = state.dir();
        int stateMode = state.mode();
        Path pidFile = null;
        int pidFd = -1;
        if (pid != null) {
            KeyValueOption kv = KeyValueOption.parse("--pid", pid, Set.of("file", "fd"));
            if (kv.has("file") == kv.has("fd")) throw new OptionException("--pid: give file=<path> or fd=<fd>");
            if (kv.has("file")) pidFile = Path.of(kv.require("file"));
            else pidFd = parseFd("--pid", kv.require("fd"));
        }
        boolean incoming = false, releaseOutgoing = false;
        if (migration != null) {
            KeyValueOption kv = KeyValueOption.parse("--migration", migration, Set.of("incoming", "release-lock-outgoing"));
            incoming = kv.flag("incoming");
            releaseOutgoing = kv.flag("release-lock-outgoing");
        }
        if (daemon) {
            if (dataSpec instanceof ChannelSpec.Fd || ctrlSpec instanceof ChannelSpec.Fd || pidFd >= 0
                    || hasFd(key) || hasFd(migrationKey) || log != null && ("," + log).contains(",fd=")) {
                throw new OptionException("--daemon: jtpm re-executes itself to detach and cannot hand file descriptors"
                        + " (fd=, clientfd=, --pid fd=, --key fd=/pwdfd=, --log fd=) to the new process; drop --daemon or use paths");
            }
        }
        Path logFile = null;
        int logLevel = -1;
        if (log != null) {
            KeyValueOption kv = KeyValueOption.parse("--log", log, Set.of("file", "fd", "level", "prefix", "truncate"));
            if (kv.has("file") && kv.has("fd")) throw new OptionException("--log: give file= or fd=, not both");
            // fd=N: an inherited descriptor (swtpm's --log fd=), appended to through its /proc/self/fd entry
            logFile = kv.has("file") ? Path.of(kv.require("file"))
                    : kv.has("fd") ? Path.of("/proc/self/fd/" + parseFd("--log", kv.require("fd"))) : null;
            logLevel = 1;
            if (kv.has("level")) {
                try {
                    logLevel = Integer.parseInt(kv.get("level"));
                    if (logLevel < 0) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new OptionException("--log: bad level '" + kv.get("level") + "'");
                }
            }
        }
        boolean reject4 = false;
        if (locality != null) {
            reject4 = KeyValueOption.parse("--locality", locality, Set.of("reject-locality-4", "allow-set-locality"))
                    .has("reject-locality-4");
        }
        return new SocketOptions(action, tpm2, dataSpec, ctrlSpec, parseFlags(flags), reject4, terminate, ctrlTerminate,
                stateDir, stateMode, pidFile, logFile, logLevel, pidFd, key, migrationKey, incoming, releaseOutgoing, runas,
                daemon, state.uri(), state.name(), chroot);
    }

    private static boolean hasFd(String keyOption) {
        if (keyOption == null) return false;
        for (String part : keyOption.split(",")) if (part.startsWith("fd=") || part.startsWith("pwdfd=")) return true;
        return false;
    }

    /** The parsed {@code --tpmstate}: a directory, or a store URI ({@code uri}, {@code name}) with {@code dir} null. */
    record StateDir(Path dir, int mode, String uri, String name) {}

    static StateDir parseState(String tpmstate, Map<String, String> env) throws OptionException {
        Path stateDir = null;
        String uri = null, name = null;
        int stateMode = DirectoryStateStore.DEFAULT_MODE;
        if (tpmstate != null) {
            KeyValueOption kv = KeyValueOption.parse("--tpmstate", tpmstate, Set.of("dir", "backend-uri", "mode", "lock", "name"));
            if (kv.has("dir") && kv.has("backend-uri")) throw new OptionException("--tpmstate: give dir= or backend-uri=, not both");
            if (kv.has("dir")) stateDir = Path.of(kv.require("dir"));
            else if (kv.has("backend-uri")) {
                String u = kv.require("backend-uri");
                if (u.startsWith("dir://")) stateDir = Path.of(u.substring("dir://".length()));
                else if (StateStores.scheme(u).equals("file")) {
                    if (u.length() == "file://".length()) throw new OptionException("--tpmstate: backend-uri file:// needs a path");
                    uri = u;   // swtpm's single-file backend, built in (LinearFileStateStore)
                }
                else if (StateStores.scheme(u).isEmpty()) {
                    throw new OptionException("--tpmstate: backend-uri '" + u + "' has no scheme (dir://… or postgresql://…)");
                } else if (StateStores.provider(StateStores.scheme(u)) == null) {
                    throw new OptionException("--tpmstate: " + StateStores.unsupported(u));
                } else {
                    uri = u;
                    name = kv.require("name");
                }
            }
            if (kv.has("name") && (uri == null || StateStores.scheme(uri).equals("file"))) throw new OptionException("--tpmstate: name= goes with a backend-uri other than dir://");
            stateMode = kv.mode("mode", DirectoryStateStore.DEFAULT_MODE);
            if (kv.has("lock") && !kv.flag("lock")) throw new OptionException("--tpmstate: lock=false is not supported");
        }
        if (uri != null) return new StateDir(null, stateMode, uri, name);
        if (stateDir == null && env.get("TPM_PATH") != null && !env.get("TPM_PATH").isEmpty()) stateDir = Path.of(env.get("TPM_PATH"));
        if (stateDir == null) throw new OptionException("missing --tpmstate dir=<dir> (or the TPM_PATH environment variable)");
        return new StateDir(stateDir, stateMode, null, null);
    }

    static ChannelSpec parseServer(String text, Map<String, String> env) throws OptionException {
        KeyValueOption kv = KeyValueOption.parse("--server", text,
                Set.of("type", "port", "bindaddr", "disconnect", "path", "mode", "uid", "gid", "group", "fd", "cert", "key", "ca"));
        String type = kv.has("type") ? kv.require("type") : "tcp";
        if (kv.has("fd") && !type.equals("mssim")) {
            only(kv, Set.of("type", "fd", "disconnect"));
            return new ChannelSpec.Fd(parseFd("--server", kv.require("fd")));
        }
        String bind = kv.has("bindaddr") ? kv.require("bindaddr") : LOCALHOST;
        return switch (type) {
            case "tcp" -> {
                only(kv, Set.of("type", "port", "bindaddr", "disconnect"));
                int dflt = env.get("TPM_PORT") != null ? KeyValueOption.parsePort("TPM_PORT", env.get("TPM_PORT")) : DEFAULT_PORT;
                yield new ChannelSpec.Tcp(bind, kv.port("port", dflt), kv.flag("disconnect"));
            }
            case "unixio" -> {
                only(kv, Set.of("type", "path", "mode", "uid", "gid", "group"));
                yield new ChannelSpec.UnixIo(Path.of(kv.require("path")), kv.mode("mode", -1), owner("--server", kv));
            }
            case "mssim" -> {
                only(kv, Set.of("type", "port", "bindaddr"));
                int dflt = env.get("TPM_PORT") != null ? KeyValueOption.parsePort("TPM_PORT", env.get("TPM_PORT")) : 2321;
                yield new ChannelSpec.Mssim(bind, kv.port("port", dflt));
            }
            case "tls" -> {
                only(kv, Set.of("type", "port", "bindaddr", "cert", "key", "ca"));
                yield tls(kv, KeyValueOption.parsePort("--server", kv.require("port")));
            }
            default -> throw new OptionException("--server: unsupported type '" + type + "' (tcp, unixio, mssim or tls)");
        };
    }

    /** {@code type=tls,port=N[,bindaddr=A],cert=FILE,key=FILE,ca=FILE}: the files are read when the server binds. */
    static ChannelSpec.Tls tls(KeyValueOption kv, int port) throws OptionException {
        return new ChannelSpec.Tls(kv.has("bindaddr") ? kv.require("bindaddr") : LOCALHOST, port,
                new dev.jtpm.tss.tls.TlsFiles(Path.of(kv.require("cert")), Path.of(kv.require("key")), Path.of(kv.require("ca"))));
    }

    private static SocketOwner owner(String option, KeyValueOption kv) throws OptionException {
        return SocketOwner.parse(option, kv.get("uid"), kv.get("gid"), kv.get("group"));
    }

    private static int parseFd(String option, String v) throws OptionException {
        try {
            int fd = Integer.parseInt(v);
            if (fd < 3) throw new NumberFormatException();
            return fd;
        } catch (NumberFormatException e) {
            throw new OptionException(option + ": bad file descriptor '" + v + "'");
        }
    }

    private static void only(KeyValueOption kv, Set<String> allowed) throws OptionException {
        for (String k : kv.values().keySet()) {
            if (!allowed.contains(k)) {
                throw new OptionException(kv.option() + ": parameter '" + k + "' does not apply to type=" + kv.get("type"));
            }
        }
    }

    static SwtpmFlags parseFlags(String text) throws OptionException {
        if (text == null) return SwtpmFlags.DEFAULT;
        KeyValueOption kv = KeyValueOption.parse("--flags", text, Set.of("not-need-init", "startup-clear", "startup-state",
                "startup-none", "startup-deactivated", "disable-auto-shutdown"));
        if (kv.has("startup-deactivated")) throw new OptionException("--flags: startup-deactivated is TPM 1.2 only");
        int startups = (kv.has("startup-clear") ? 1 : 0) + (kv.has("startup-state") ? 1 : 0) + (kv.has("startup-none") ? 1 : 0);
        if (startups > 1) throw new OptionException("--flags: give only one startup-* choice");
        SwtpmFlags.Startup s = kv.has("startup-clear") ? SwtpmFlags.Startup.CLEAR
                : kv.has("startup-state") ? SwtpmFlags.Startup.STATE : SwtpmFlags.Startup.NONE;
        return new SwtpmFlags(kv.has("not-need-init"), s, kv.has("disable-auto-shutdown"));
    }
}
