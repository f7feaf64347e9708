package dev.jtpm.server;

import dev.jtpm.server.device.DeviceIo;
import dev.jtpm.server.device.FuseDispatcher;
import dev.jtpm.server.device.FuseServer;
import dev.jtpm.server.device.VtpmDevice;
import dev.jtpm.server.device.VtpmProxy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jtpm cuse} and {@code jtpm chardev}: swtpm's device front-ends. {@code cuse} makes a
 * character device {@code /dev/NAME} through CUSE (write a command, read the response, swtpm's
 * {@code PTM_*} ioctls); {@code chardev} serves a character device or descriptor on which each read is
 * one command — with {@code --vtpm-proxy}, the Linux vTPM proxy's, so the host kernel gets a
 * {@code /dev/tpmN}. jtpm adds {@code cuse --fuse-mount DIR}: the same device as the file DIR/NAME in
 * a FUSE mount, for kernels without CUSE (containers).
 */
public final class SwtpmDevice {
    private SwtpmDevice() {}

    /** Which front-end. */
    public enum Kind { CUSE, CHARDEV }

    /** The parsed command line. */
    record Options(Kind kind, boolean help, boolean version, String name, Path fuseMount, boolean vtpmProxy,
                   String chardev, Integer fd, ChannelSpec ctrl, boolean ctrlTerminate, SwtpmFlags flags,
                   boolean reject4, boolean allowSetLocality, Path stateDir, int stateMode, Path pidFile,
                   Path logFile, int logLevel, String key, String migrationKey, boolean tpm2, Print print, Path chroot) {}

    /** {@code --print-capabilities} / {@code --print-states}: print JSON and exit instead of serving. */
    enum Print { NONE, CAPABILITIES, STATES }

    private static final Set<String> VALUE_OPTIONS = Set.of("--name", "--maj", "--min", "--tpmstate", "--flags", "--pid",
            "--log", "--locality", "--seccomp", "--chardev", "--fd", "--ctrl", "--fuse-mount", "--key", "--migration-key",
            "--runas", "--chroot", "--profile");
    private static final Set<String> UNSUPPORTED = Set.of("--runas", "--profile", "--daemon");

    private static final Map<String, String> ALIASES = Map.of("-n", "--name", "-M", "--maj", "-m", "--min", "-c", "--chardev",
            "-f", "--fd", "-h", "--help", "-v", "--version", "-r", "--runas", "-R", "--chroot", "-d", "--daemon");

    /** Parses the arguments after {@code cuse} or {@code chardev}. */
    static Options parse(Kind kind, List<String> args, Map<String, String> env) throws OptionException {
        boolean help = false, version = false, tpm2 = false, vtpmProxy = false;
        Print print = Print.NONE;
        String name = null, tpmstate = null, flags = null, pid = null, log = null, locality = null, chardev = null;
        String ctrl = null, key = null, migrationKey = null;
        Path fuseMount = null, chroot = null;
        Integer fd = null;
        OptionCursor options = new OptionCursor(args, ALIASES, VALUE_OPTIONS);
        while (options.hasNext()) {
            OptionCursor.Option option = options.next();
            String a = option.raw(), opt = option.name(), value = option.value();
            if (UNSUPPORTED.contains(opt)) throw new OptionException("option " + opt + " is not supported by jtpm " + word(kind) + " yet");
            boolean cuseOnly = Set.of("--name", "--maj", "--min", "--fuse-mount").contains(opt);
            boolean chardevOnly = Set.of("--chardev", "--fd", "--vtpm-proxy", "--ctrl").contains(opt);
            if (cuseOnly && kind != Kind.CUSE || chardevOnly && kind != Kind.CHARDEV) {
                throw new OptionException("option " + opt + " does not apply to jtpm " + word(kind));
            }
            switch (opt) {
                case "--help" -> help = true;
                case "--version" -> version = true;
                case "--tpm2" -> tpm2 = true;
                case "--print-capabilities" -> { if (print == Print.NONE) print = Print.CAPABILITIES; }
                case "--print-states" -> { if (print == Print.NONE) print = Print.STATES; }
                case "--name" -> name = value;
                case "--maj", "--min" -> number(opt, value);
                case "--fuse-mount" -> fuseMount = Path.of(value);
                case "--chroot" -> chroot = Path.of(value);
                case "--vtpm-proxy" -> vtpmProxy = true;
                case "--chardev" -> chardev = value;
                case "--fd" -> fd = number(opt, value);
                case "--ctrl" -> ctrl = value;
                case "--tpmstate" -> tpmstate = value;
                case "--flags" -> flags = value;
                case "--pid" -> pid = value;
                case "--log" -> log = value;
                case "--locality" -> locality = value;
                case "--seccomp" -> KeyValueOption.parse("--seccomp", value, Set.of("action"));
                case "--key" -> key = value;
                case "--migration-key" -> migrationKey = value;
                default -> throw new OptionException("unknown option '" + a + "'");
            }
        }
        if (help || version) {
            return new Options(kind, help, version, null, null, false, null, null, null, false, SwtpmFlags.DEFAULT, false,
                    false, null, 0, null, null, -1, null, null, tpm2, Print.NONE, chroot);
        }
        if (print == Print.CAPABILITIES) {
            return new Options(kind, false, false, null, null, false, null, null, null, false, SwtpmFlags.DEFAULT, false,
                    false, null, 0, null, null, -1, null, null, tpm2, print, null);
        }
        if (print == Print.STATES) {
            SocketOptions.StateDir state = SocketOptions.parseState(tpmstate, env);
            if (state.uri() != null) throw new OptionException("--print-states reads a state directory");
            return new Options(kind, false, false, null, null, false, null, null, null, false, SwtpmFlags.DEFAULT, false,
                    false, state.dir(), state.mode(), null, null, -1, null, null, tpm2, print, null);
        }
        if (kind == Kind.CUSE && (name == null || name.isEmpty() || name.contains("/"))) {
            throw new OptionException("missing or bad device name: give -n|--name <name> (e.g. vtpm0)");
        }
        if (kind == Kind.CHARDEV && (vtpmProxy ? 1 : 0) + (chardev != null ? 1 : 0) + (fd != null ? 1 : 0) != 1) {
            throw new OptionException("give exactly one of --vtpm-proxy, --chardev <device> and --fd <fd>");
        }
        ChannelSpec ctrlSpec = null;
        boolean ctrlTerminate = false;
        if (ctrl != null) {
            KeyValueOption kv = KeyValueOption.parse("--ctrl", ctrl, Set.of("type", "path", "port", "bindaddr", "mode", "uid", "gid", "group", "terminate"));
            ctrlTerminate = kv.flag("terminate");
            ctrlSpec = switch (kv.require("type")) {
                case "tcp" -> new ChannelSpec.Tcp(kv.has("bindaddr") ? kv.require("bindaddr") : "127.0.0.1",
                        KeyValueOption.parsePort("--ctrl", kv.require("port")), false);
                case "unixio" -> new ChannelSpec.UnixIo(Path.of(kv.require("path")), kv.mode("mode", -1),
                        SocketOwner.parse("--ctrl", kv.get("uid"), kv.get("gid"), kv.get("group")));
                default -> throw new OptionException("--ctrl: unsupported type '" + kv.get("type") + "' (tcp or unixio)");
            };
        }
        SocketOptions.StateDir state = SocketOptions.parseState(tpmstate, env);
        if (state.uri() != null) {
            throw new OptionException("--tpmstate: backend-uri " + StateStores.scheme(state.uri())
                    + ":// is served by jtpm socket and jtpm host only");
        }
        SwtpmFlags f = SocketOptions.parseFlags(flags);
        if (vtpmProxy && f.startup() == SwtpmFlags.Startup.NONE && (flags == null || !flags.contains("startup-none"))) {
            f = new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, f.disableAutoShutdown()); // swtpm: the proxy implies startup-clear
        } else if (vtpmProxy) {
            f = new SwtpmFlags(true, f.startup(), f.disableAutoShutdown());
        }
        Path pidFile = pid == null ? null : Path.of(KeyValueOption.parse("--pid", pid, Set.of("file")).require("file"));
        Path logFile = null;
        int logLevel = -1;
        if (log != null) {
            KeyValueOption kv = KeyValueOption.parse("--log", log, Set.of("file", "fd", "level", "prefix", "truncate"));
            if (kv.has("file") && kv.has("fd")) throw new OptionException("--log: give file= or fd=, not both");
            // fd=N: an inherited descriptor (swtpm's --log fd=), appended to through its /proc/self/fd entry
            logFile = kv.has("file") ? Path.of(kv.require("file"))
                    : kv.has("fd") ? Path.of("/proc/self/fd/" + number("--log fd", kv.require("fd"))) : null;
            logLevel = kv.has("level") ? number("--log level", kv.get("level")) : 1;
        }
        boolean reject4 = false, allowSet = vtpmProxy;
        if (locality != null) {
            KeyValueOption kv = KeyValueOption.parse("--locality", locality, Set.of("reject-locality-4", "allow-set-locality"));
            reject4 = kv.has("reject-locality-4");
            allowSet |= kv.has("allow-set-locality");
        }
        return new Options(kind, false, false, name, fuseMount, vtpmProxy, chardev, fd, ctrlSpec, ctrlTerminate, f, reject4,
                allowSet, state.dir(), state.mode(), pidFile, logFile, logLevel, key, migrationKey, tpm2, Print.NONE, chroot);
    }

    private static int number(String opt, String v) throws OptionException {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new OptionException(opt + ": bad number '" + v + "'");
        }
    }

    private static String word(Kind k) { return k == Kind.CUSE ? "cuse" : "chardev"; }

    /**
     * Runs the front-end in this thread until the device goes away or PTM_SHUTDOWN.
     *
     * @return the process exit code
     */
    public static int run(Kind kind, List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        String me = "jtpm " + word(kind);
        Options o;
        try {
            o = parse(kind, args, env);
        } catch (OptionException e) {
            err.println(me + ": " + e.getMessage());
            return 1;
        }
        if (o.help()) {
            out.print(usage(kind));
            return 0;
        }
        if (o.version()) {
            out.println(me + " " + SwtpmSocket.VERSION + " (swtpm-compatible TPM 2.0 emulator in Java)");
            return 0;
        }
        switch (o.print()) {
            case CAPABILITIES -> { out.println(SwtpmSocket.capabilitiesJson(o.tpm2(), kind == Kind.CUSE)); return 0; }
            case STATES -> { out.println(SwtpmSocket.statesJson(o.stateDir(), o.tpm2())); return 0; }
            case NONE -> { }
        }
        if (o.chroot() != null) {
            try {
                Chroot.enter(o.chroot());   // first, as swtpm: every path from here on is inside it
            } catch (OptionException e) {
                err.println(me + ": " + e.getMessage());
                return 1;
            }
        }
        if (!DeviceIo.AVAILABLE) {
            err.println(me + ": needs Linux and native access (--enable-native-access)");
            return 1;
        }
        ServerLog log;
        try {
            log = SwtpmSocket.openLog(o.logLevel(), o.logFile(), err);
        } catch (IOException e) {
            err.println(me + ": cannot open the log file: " + e.getMessage());
            return 1;
        }
        // open the device before touching the state, so a missing /dev/cuse or /dev/vtpmx changes nothing
        int devFd;
        VtpmProxy.NewDevice proxy = null;
        String mounted = null;
        try {
            if (kind == Kind.CUSE) {
                if (o.fuseMount() != null) {
                    devFd = DeviceIo.open("/dev/fuse", DeviceIo.O_RDWR);
                } else {
                    devFd = DeviceIo.open("/dev/cuse", DeviceIo.O_RDWR);
                }
            } else if (o.vtpmProxy()) {
                proxy = VtpmProxy.create("/dev/vtpmx");
                devFd = proxy.fd();
            } else if (o.chardev() != null) {
                devFd = DeviceIo.open(o.chardev(), DeviceIo.O_RDWR);
            } else {
                devFd = o.fd();
            }
        } catch (IOException e) {
            err.println(me + ": " + e.getMessage());
            return 1;
        }
        java.util.Optional<dev.jtpm.wire.StateKey> fileKey, migrationKey;
        try {
            fileKey = o.key() == null ? java.util.Optional.empty()
                    : java.util.Optional.of(dev.jtpm.wire.StateKey.parse("--key", o.key(), SwtpmSocket.FD_READER));
            migrationKey = o.migrationKey() == null ? java.util.Optional.empty()
                    : java.util.Optional.of(dev.jtpm.wire.StateKey.parse("--migration-key", o.migrationKey(), SwtpmSocket.FD_READER));
        } catch (IllegalArgumentException e) {
            DeviceIo.close(devFd);
            err.println(me + ": " + e.getMessage());
            return 1;
        }
        StateStore store;
        try {
            store = DirectoryStateStore.open(o.stateDir(), o.stateMode(), fileKey, true, !o.tpm2(), o.flags().initAtStart());
        } catch (IOException e) {
            DeviceIo.close(devFd);
            err.println(me + ": " + (e instanceof StateLockedException ? e.getMessage()
                    : "cannot use state directory " + o.stateDir() + ": " + e.getMessage()));
            return 1;
        }
        TpmInstance instance;
        try {
            instance = TpmInstance.start(store, new InstanceConfig(null, o.ctrl(), o.flags(), o.reject4(), false,
                    o.ctrlTerminate(), log, migrationKey, false, false), () -> { },
                    o.tpm2() ? dev.jtpm.engine.Tpm::new : dev.jtpm.tpm12.Tpm12::new); // without --tpm2 a TPM 1.2, as swtpm
        } catch (IOException e) {
            DeviceIo.close(devFd);
            err.println(me + ": " + e.getMessage());
            return 1;
        }
        VtpmDevice device = new VtpmDevice(instance.controller(), o.allowSetLocality(), log);
        Runnable loop;
        FuseServer fuse = null;
        if (kind == Kind.CUSE) {
            if (o.fuseMount() != null) {
                String target = o.fuseMount().toAbsolutePath().toString();
                try {
                    DeviceIo.mount("jtpm", target, "fuse.jtpm", 0x2L | 0x4L, // MS_NOSUID | MS_NODEV
                            "fd=" + devFd + ",rootmode=40000,user_id=" + DeviceIo.uid() + ",group_id=" + DeviceIo.gid());
                } catch (IOException e) {
                    instance.close();
                    DeviceIo.close(devFd);
                    err.println(me + ": " + e.getMessage());
                    return 1;
                }
                mounted = target;
                fuse = new FuseServer(devFd, FuseDispatcher.file(device, o.name(), DeviceIo.uid(), DeviceIo.gid()), log);
            } else {
                fuse = new FuseServer(devFd, FuseDispatcher.cuse(device, o.name()), log);
            }
            loop = fuse;
        } else {
            if (proxy != null) out.println(proxy.announcement());
            loop = () -> VtpmProxy.serve(devFd, device, log);
        }
        String mountPoint = mounted;
        Runnable cleanup = () -> {
            if (mountPoint != null) DeviceIo.unmountLazily(mountPoint);
            instance.close();
            SwtpmSocket.deletePidFile(o.pidFile());
        };
        Thread hook = new Thread(cleanup, "jtpm-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        if (o.pidFile() != null) {
            try {
                SwtpmSocket.writePidFile(o.pidFile());
            } catch (IOException e) {
                err.println(me + ": cannot write the pid file: " + e.getMessage());
                cleanup.run();
                Runtime.getRuntime().removeShutdownHook(hook);
                return 1;
            }
        }
        // the device loop runs until the kernel side ends or PTM_SHUTDOWN; a control-channel CMD_SHUTDOWN ends it too
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().name("jtpm-device").daemon(true).start(() -> {
            try {
                loop.run();
            } finally {
                done.countDown();
            }
        });
        Thread.ofVirtual().start(() -> {
            try {
                instance.awaitExitRequest();
                done.countDown();
            } catch (InterruptedException ignored) {
                // the process ends
            }
        });
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fuse != null) fuse.close();
        cleanup.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        return 0;
    }

    /** The {@code --help} text. */
    static String usage(Kind kind) {
        String common = """
                  --tpm2                 emulate a TPM 2.0 (without it: a TPM 1.2, state files tpm-00.*)
                  --tpmstate dir=<dir>[,mode=0<octal>]
                                         state directory (or env TPM_PATH)
                  --key file=<f>|fd=<n>|pwdfile=<f>|pwdfd=<n>[,mode=aes-256-cbc|...][,format=][,kdf=][,remove]
                                         encrypt the state files (as jtpm socket --key)
                  --migration-key ...    encrypt the state blobs (same syntax)
                  --flags [not-need-init][,startup-clear|startup-state|startup-none][,disable-auto-shutdown]
                  --locality [reject-locality-4][,allow-set-locality]
                  --pid file=<path>      write the pid once ready; removed at exit
                  --log [file=<path>|fd=<fd>][,level=<n>]
                  -R|--chroot <dir>      change the root to <dir> first (root only); later paths are inside it
                  --print-capabilities   print the supported features as JSON
                  --print-states         print the state files present in --tpmstate as JSON
                  -v|--version           print the version
                  -h|--help              print this help
                """;
        return kind == Kind.CUSE ? """
                Usage: jtpm cuse --tpm2 -n <name> [options]

                A TPM 2.0 as the CUSE character device /dev/<name> (write a command, read its
                response; swtpm's PTM_* ioctls, e.g. swtpm_ioctl /dev/<name> -i). Needs /dev/cuse.

                  -n|--name <name>       the device name (/dev/<name>)
                  -M|--maj, -m|--min <n> accepted; the kernel picks the numbers
                  --fuse-mount <dir>     instead of CUSE: the device as the file <dir>/<name> in a
                                         FUSE mount (for kernels without CUSE; needs /dev/fuse, root)
                """ + common : """
                Usage: jtpm chardev --tpm2 (--vtpm-proxy | --chardev <device> | --fd <fd>) [options]

                A TPM 2.0 on a character device: each read is one command, each write one response.

                  --vtpm-proxy           create /dev/tpmN with the Linux vTPM proxy (/dev/vtpmx) and
                                         serve it; implies startup-clear and allow-set-locality
                  -c|--chardev <device>  serve this character device
                  -f|--fd <fd>           serve this inherited descriptor
                  --ctrl type=tcp,port=<n>|type=unixio,path=<path>[,terminate]
                                         swtpm's control channel beside the device
                """ + common;
    }
}
