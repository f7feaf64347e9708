package dev.jtpm.server;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import dev.jtpm.wire.StateKey;

/**
 * {@code jtpm socket}: a drop-in for {@code swtpm socket --tpm2}. Parses the swtpm command line,
 * takes the state directory's lock, binds the channels, writes the pid file once ready, serves until
 * CMD_SHUTDOWN (or a terminate condition), then sends the automatic TPM2_Shutdown and removes the
 * pid file and Unix socket files. Errors are one line on stderr and a non-zero exit code.
 */
public final class SwtpmSocket {
    /** The jtpm version reported by {@code --version} and {@code --print-capabilities}. */
    public static final String VERSION = "0.1.0";

    private SwtpmSocket() {}

    /**
     * Runs the server in this thread until it is asked to exit.
     *
     * @param onReady called once the server serves (for {@code jtpm start}'s hint line), or null
     * @return the process exit code
     */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err,
                          Consumer<TpmInstance> onReady) {
        SocketOptions o;
        try {
            o = SocketOptions.parse(args, env);
        } catch (OptionException e) {
            err.println("jtpm socket: " + e.getMessage());
            return 1;
        }
        switch (o.action()) {
            case HELP -> { out.print(usage()); return 0; }
            case VERSION -> { out.println("jtpm socket " + VERSION + " (swtpm-compatible TPM 2.0 emulator in Java)"); return 0; }
            case PRINT_CAPABILITIES -> { out.println(capabilitiesJson(o.tpm2())); return 0; }
            case PRINT_STATES -> {
                if (o.stateUri() != null && StateStores.scheme(o.stateUri()).equals("file")) {
                    try {
                        Path file = Path.of(o.stateUri().substring("file://".length()));
                        // swtpm's linear backend creates and formats a missing file here, and swtpm_setup relies on it
                        // (it deletes the state file after asking, and fails when there is none)
                        if (!Files.exists(file)) {
                            LinearFileStateStore.open(file, o.stateMode(), Optional.empty(), true, false).close();
                        }
                        out.println(LinearFileStateStore.statesJson(file));
                        return 0;
                    } catch (IOException e) {
                        err.println("jtpm socket: " + e.getMessage());
                        return 1;
                    }
                }
                if (o.stateDir() == null) {
                    err.println("jtpm socket: --print-states reads a state directory, not " + StateStores.scheme(o.stateUri()) + "://");
                    return 1;
                }
                out.println(statesJson(o.stateDir(), o.tpm2()));
                return 0;
            }
            case RUN -> { }
        }
        if (o.daemon()) return Daemon.detach(args, err);
        // build the engine's command table and handlers beside the work below (reading the state, binding the
        // sockets): most of a cold start, on the second core
        if (o.tpm2()) Thread.ofPlatform().daemon().name("jtpm-prepare").start(dev.jtpm.engine.Tpm::prepare);
        if (o.ctrl() instanceof ChannelSpec.UnixIo || o.ctrl() instanceof ChannelSpec.Fd || o.data() instanceof ChannelSpec.Fd) {
            Thread.ofPlatform().daemon().name("jtpm-prepare-native").start(Posix::prepare); // QEMU's and libvirt's way
        }
        if (o.chroot() != null) {
            try {
                Chroot.enter(o.chroot());   // before any path is used, as swtpm: every path from here on is inside it
            } catch (OptionException e) {
                err.println("jtpm socket: " + e.getMessage());
                return 1;
            }
        }
        try {
            if (o.runas() != null && Privileges.uidOf(o.runas()) < 0) {
                throw new OptionException("--runas: user '" + o.runas() + "' does not exist");
            }
            if (o.runas() != null && Privileges.geteuid() != 0) Privileges.runAs(o.runas()); // itself, or one clear error
        } catch (OptionException e) {
            err.println("jtpm socket: " + e.getMessage());
            return 1;
        }
        ServerLog log;
        try {
            log = openLog(o, err);
        } catch (IOException e) {
            err.println("jtpm socket: cannot open the log file: " + e.getMessage());
            return 1;
        }
        Optional<StateKey> key, migrationKey;
        try {
            key = o.key() == null ? Optional.empty()
                    : Optional.of(StateKey.parse("--key", o.key(), FD_READER, dev.jtpm.server.backend.SealedStateKey.UNSEALER));
            migrationKey = o.migrationKey() == null ? Optional.empty()
                    : Optional.of(StateKey.parse("--migration-key", o.migrationKey(), FD_READER));
        } catch (IllegalArgumentException e) {
            err.println("jtpm socket: " + e.getMessage());
            return 1;
        }
        boolean dropLater = o.runas() != null && Privileges.geteuid() == 0;
        DeferredStateStore deferred = dropLater ? new DeferredStateStore(() -> openStore(o, key, log)) : null;
        StateStore store;
        try {
            store = dropLater ? deferred : openStore(o, key, log);
        } catch (IOException e) {
            err.println("jtpm socket: " + e.getMessage());
            return 1;
        }
        InstanceConfig cfg = new InstanceConfig(o.data(), o.ctrl(), o.flags(), o.rejectLocality4(), o.terminate(),
                o.ctrlTerminate(), log, migrationKey, o.incomingMigration(), o.releaseLockOutgoing());
        TpmInstance instance;
        try {
            // without --tpm2 a TPM 1.2, as swtpm
            instance = TpmInstance.start(store, cfg, () -> {
                if (!dropLater) return;
                try {
                    // after binding, before the state is touched: as swtpm's change_process_owner
                    Privileges.runAs(o.runas());
                } catch (OptionException e) {
                    throw new IOException(e.getMessage(), e);
                }
                deferred.open();
            }, o.tpm2() ? dev.jtpm.engine.Tpm::new : dev.jtpm.tpm12.Tpm12::new);
        } catch (IOException e) {
            err.println("jtpm socket: " + e.getMessage());
            return 1;
        }
        Runnable cleanup = () -> {
            instance.close();
            deletePidFile(o.pidFile());
        };
        Thread hook = new Thread(cleanup, "jtpm-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (o.pidFile() != null) writePidFile(o.pidFile());
            if (o.pidFd() >= 0) writePidFd(o.pidFd());
            Daemon.signalReady(env);
        } catch (IOException e) {
            err.println("jtpm socket: cannot write the pid file: " + e.getMessage());
            cleanup.run();
            Runtime.getRuntime().removeShutdownHook(hook);
            return 1;
        }
        if (onReady != null) onReady.accept(instance);
        try {
            instance.awaitExitRequest();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanup.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        return 0;
    }

    /** Opens the state directory (locked and checked unless an incoming migration defers the lock). */
    private static StateStore openStore(SocketOptions o, Optional<StateKey> key, ServerLog log) throws IOException {
        if (o.stateUri() != null && StateStores.scheme(o.stateUri()).equals("file")) {
            return LinearFileStateStore.open(Path.of(o.stateUri().substring("file://".length())), o.stateMode(), key,
                    !o.incomingMigration(), o.flags().initAtStart());
        }
        if (o.stateUri() != null) {
            return StateStores.open(new StateStoreRequest(o.stateUri(), o.stateName(), key, log, !o.incomingMigration()));
        }
        try {
            // swtpm reads the state (libtpms, with the key) when the TPM starts: at start-up with not-need-init, else
            // at CMD_INIT, which then fails and leaves the files as they are (TpmController.init)
            return DirectoryStateStore.open(o.stateDir(), o.stateMode(), key, !o.incomingMigration(), !o.tpm2(),
                    o.flags().initAtStart());
        } catch (StateLockedException | StateKeyException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot use state directory " + o.stateDir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code fd=}/{@code pwdfd=} descriptors as swtpm does: read(2) from the current offset, then close. (Not a
     * reopen of /proc/self/fd/N: that checks the file's permissions again, and libvirt's pipe belongs to root while
     * swtpm and swtpm_setup run as tss.)
     */
    public static final StateKey.FdOpener FD_READER = fd -> {
        if (!Posix.AVAILABLE) return StateKey.FdOpener.PROC_SELF.open(fd);
        return new java.io.InputStream() {
            private boolean closed;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) <= 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                int n = Posix.read(fd, b, off, len);
                return n == 0 ? -1 : n;
            }

            @Override
            public void close() {
                if (!closed) Posix.close(fd);
                closed = true;
            }
        };
    };

    /** {@code --pid fd=}: the pid written to an inherited descriptor (swtpm writes it and closes it). */
    private static void writePidFd(int fd) throws IOException {
        try (java.io.OutputStream out = Files.newOutputStream(Path.of("/proc/self/fd/" + fd),
                java.nio.file.StandardOpenOption.WRITE)) {
            out.write(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII));
        }
        if (Posix.AVAILABLE) Posix.close(fd);
    }

    /**
     * Writes the pid in place, as swtpm does: swtpm_setup creates the file itself and watches its
     * size through its own descriptor, so a write-and-rename (a new inode) would never be seen.
     */
    static void writePidFile(Path pidFile) throws IOException {
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
    }

    /** Removes the pid file at exit (null: none), as swtpm does. */
    static void deletePidFile(Path pidFile) {
        if (pidFile == null) return;
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    private static ServerLog openLog(SocketOptions o, PrintStream err) throws IOException {
        return openLog(o.logLevel(), o.logFile(), err);
    }

    /** The {@code --log} destination: stderr without the option (level 0) or without file=; none for file=-. */
    static ServerLog openLog(int level, Path file, PrintStream err) throws IOException {
        if (level < 0) return new ServerLog(err, 0);
        if (file == null) return new ServerLog(err, level);
        if (file.toString().equals("-")) return ServerLog.NONE;
        return new ServerLog(new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8), level);
    }

    /** The {@code --print-states} JSON: the state files present and their sizes, as swtpm prints it. */
    public static String statesJson(Path dir) {
        return statesJson(dir, true);
    }

    /** {@link #statesJson(Path)} for a TPM 2.0 ({@code tpm2-00.*}) or a TPM 1.2 ({@code tpm-00.*}). */
    public static String statesJson(Path dir, boolean tpm2) {
        java.util.List<String> entries = new java.util.ArrayList<>();
        for (dev.jtpm.engine.platform.StateKind k : dev.jtpm.engine.platform.StateKind.values()) {
            Path f = dir.resolve((tpm2 ? "tpm2-00." : "tpm-00.") + k.fileSuffix());
            try {
                if (Files.isRegularFile(f)) entries.add("{\"name\": \"" + k.fileSuffix() + "\", \"size\": " + Files.size(f) + "}");
            } catch (IOException ignored) {
                // vanished while listing
            }
        }
        return "{ \"type\": \"swtpm\", \"states\": [" + (entries.isEmpty() ? "" : " " + String.join(", ", entries) + " ") + "] }";
    }

    /**
     * The {@code --print-capabilities} JSON of a TPM 2.0 ({@code --tpm2}): {@link #capabilitiesJson(boolean)}.
     */
    public static String capabilitiesJson() {
        return capabilitiesJson(true);
    }

    /**
     * The {@code --print-capabilities} JSON, in swtpm 0.8/0.9's shape and order, listing only what jtpm implements:
     * both TPM versions with or without {@code --tpm2} (swtpm_setup looks for "tpm-1.2" there before it drives a TPM 1.2),
     * the options libvirt and swtpm_setup look for, both NVRAM backends ({@code dir://},
     * {@code file://}) and, for a TPM 2.0 (swtpm asks libtpms, which answers only for the TPM it was told to be), the
     * RSA key sizes up to 3072 bits (libtpms 0.9's set: swtpm 0.8 and 0.9.0's tests accept no other; the engine takes
     * 4096 too). jtpm has no seccomp profile, so no {@code cmdarg-seccomp}.
     */
    public static String capabilitiesJson(boolean tpm2) {
        return capabilitiesJson(tpm2, false);
    }

    /** {@link #capabilitiesJson(boolean)} of {@code jtpm cuse} ({@code cuse}): no TPM_SEND_COMMAND header there. */
    public static String capabilitiesJson(boolean tpm2, boolean cuse) {
        StringBuilder keySizes = new StringBuilder();
        if (tpm2) {
            for (int bits : RSA_KEY_SIZES) {
                if (dev.jtpm.types.Algorithms.hasKeySize(dev.jtpm.types.TpmAlg.RSA, bits)) {
                    keySizes.append(", \"rsa-keysize-").append(bits).append('"');
                }
            }
        }
        return "{ \"type\": \"swtpm\", \"features\": [ \"tpm-1.2\", \"tpm-2.0\"," + (cuse ? "" : " \"tpm-send-command-header\",")
                + " \"flags-opt-startup\", \"flags-opt-disable-auto-shutdown\", \"ctrl-opt-terminate\", \"cmdarg-key-fd\","
                + " \"cmdarg-pwd-fd\", \"cmdarg-print-states\", \"cmdarg-chroot\", \"cmdarg-migration\", \"nvram-backend-dir\","
                + " \"nvram-backend-file\"" + keySizes + " ], \"version\": \"" + VERSION + "\" }";
    }

    /** The RSA key sizes {@code --print-capabilities} may list, as libtpms 0.9 reports them. */
    private static final int[] RSA_KEY_SIZES = {1024, 2048, 3072};

    /** The {@code --help} text. */
    public static String usage() {
        return """
                Usage: jtpm socket [--tpm2] [options]

                A TPM 2.0 (or, without --tpm2, a TPM 1.2) served with swtpm's socket protocols (and the Microsoft simulator protocol).

                  --tpm2                 emulate a TPM 2.0 (without it: a TPM 1.2, state files tpm-00.*)
                  --server [type=tcp][,port=<n>][,bindaddr=<addr>][,disconnect]
                  --server type=unixio,path=<path>[,mode=0<octal>]
                  --server type=mssim[,port=<n>][,bindaddr=<addr>]
                                         data channel; mssim uses <n> and <n>+1 (platform port)
                  --server type=tls,port=<n>[,bindaddr=<addr>],cert=<pem>,key=<pem>,ca=<pem>
                                         TLS 1.3, client certificates from <ca> required
                  --server type=tcp,fd=<fd>
                                         an inherited connected socket as the data channel
                  -p|--port <n>          legacy: --server type=tcp,port=<n>,disconnect
                  -f|--fd <fd>           an inherited connected data socket; implies --terminate
                  --ctrl type=tcp,port=<n>[,bindaddr=<addr>][,terminate]
                  --ctrl type=unixio,path=<path>[,mode=0<octal>][,terminate]
                  --ctrl type=unixio,clientfd=<fd>
                  --ctrl type=tls,port=<n>[,bindaddr=<addr>],cert=<pem>,key=<pem>,ca=<pem>[,terminate]
                                         control channel (swtpm CMD_* protocol); over Unix
                                         sockets it accepts CMD_SET_DATAFD (QEMU)
                  --tpmstate dir=<dir>|backend-uri=dir://<dir>[,mode=0<octal>]
                                         state directory (or env TPM_PATH); files 0640 by default
                  --tpmstate backend-uri=file://<path>[,mode=0<octal>]
                                         state in one file (swtpm's linear format)
                  --tpmstate backend-uri=postgresql://<host>:<port>/<db>[?…],name=<name>
                                         state in PostgreSQL (jtpm-fleet; see docs/fleet.md)
                  --flags [not-need-init][,startup-clear|startup-state|startup-none][,disable-auto-shutdown]
                  --pid file=<path>|fd=<fd>
                                         write the pid once ready (in place); the file is removed at exit
                  --key file=<path>|fd=<fd>[,format=hex|binary][,mode=aes-128-cbc|aes-256-cbc][,remove]
                  --key pwdfile=<path>|pwdfd=<fd>[,kdf=pbkdf2|sha512][,mode=...][,remove]
                                         encrypt the state files (swtpm's format: AES-CBC + HMAC-SHA256)
                  --migration-key <same forms>
                                         encrypt the blobs CMD_GET_STATEBLOB answers
                  --migration [incoming][,release-lock-outgoing]
                                         defer the state lock until blobs arrive; give it up once the
                                         savestate blob was read
                  --runas <user>         become <user> after binding (root only)
                  -R|--chroot <dir>      change the root to <dir> first (root only); later paths are inside it
                  -d|--daemon            detach (runs itself again in a new session) once ready
                  --log [file=<path>|fd=<fd>][,level=<n>]
                                         level >= 20 dumps control and data traffic
                  --locality [reject-locality-4][,allow-set-locality]
                  -t|--terminate         exit when the data client disconnects
                  --print-capabilities   print the supported features as JSON
                  --print-states         print the state files present in --tpmstate as JSON
                  -v|--version           print the version
                  -h|--help              print this help
                """;
    }
}
