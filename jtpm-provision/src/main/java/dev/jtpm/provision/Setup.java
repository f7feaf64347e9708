package dev.jtpm.provision;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.StateKeyException;
import dev.jtpm.server.SwtpmSocket;
import dev.jtpm.server.TpmIdentity;
import dev.jtpm.tss.InProcessTransport;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jtpm setup}: swtpm_setup 0.7.1's command line over an in-process TPM (a TPM 2 with {@code --tpm2}, else a
 * TPM 1.2: {@link Setup12}). The TPM is
 * manufactured in memory and its state written to the directory only when every step succeeded, under
 * the state directory's {@code .lock} (the lock a running server holds: such a directory is refused and
 * left as it was), through {@link DirectoryStateStore} (swtpm's file names and container, encrypted with
 * {@code --keyfile/--pwdfile[-fd] --cipher} as {@code jtpm socket --key} reads it).
 */
public final class Setup {
    private Setup() {}

    /** Option names and whether they take an argument (getopt_long's table; '?' = optional). */
    private static final Map<String, Character> OPTIONS = new LinkedHashMap<>();

    static {
        for (String o : List.of("tpm-state", "tpmstate", "tpm", "swtpm_ioctl", "ownerpass", "srkpass", "config", "vmid",
                "keyfile", "keyfile-fd", "pwdfile", "pwdfile-fd", "cipher", "runas", "logfile", "pcr-banks", "rsa-keysize",
                "write-ek-cert-files", "tcsd-system-ps-file", "localca-dir", "profile")) OPTIONS.put(o, 'r');
        for (String o : List.of("tpm2", "ecc", "createek", "create-spk", "take-ownership", "owner-well-known",
                "srk-well-known", "create-ek-cert", "create-platform-cert", "lock-nvram", "display", "overwrite",
                "not-overwrite", "allow-signing", "decryption", "version", "print-capabilities", "reconfigure", "help",
                "ecc-p256")) OPTIONS.put(o, 'n');
        OPTIONS.put("create-config-files", '?');
    }

    /** A bad command line: one line, exit 1. */
    static final class UsageException extends Exception {
        UsageException(String m) { super(m); }
    }

    /** The parsed options (the last value of each option; pcr-banks accumulate as swtpm_setup's). */
    record Args(Map<String, String> values, List<String> pcrBanks) {
        boolean has(String o) { return values.containsKey(o); }

        String get(String o) { return values.get(o); }
    }

    static Args parse(List<String> argv) throws UsageException {
        Map<String, String> v = new LinkedHashMap<>();
        List<String> banks = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("--") || a.equals("--")) {
                if (a.equals("-h") || a.equals("-?")) { v.put("help", ""); continue; }
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String full = resolve(name, a);
            char kind = OPTIONS.get(full);
            if (kind == 'n' && value != null) throw new UsageException("option '--" + full + "' doesn't allow an argument");
            if (kind == 'r' && value == null) {
                if (i + 1 >= argv.size()) throw new UsageException("option '--" + full + "' requires an argument");
                value = argv.get(++i);
            }
            if (kind == '?' && value == null && i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) value = argv.get(++i);
            if (full.equals("tpmstate")) full = "tpm-state";
            if (full.equals("pcr-banks")) banks.add(value.strip());
            v.put(full, value == null ? "" : value);
        }
        return new Args(v, banks);
    }

    /** getopt_long: an exact name, or an unambiguous prefix. */
    private static String resolve(String name, String arg) throws UsageException {
        if (OPTIONS.containsKey(name)) return name;
        List<String> m = OPTIONS.keySet().stream().filter(o -> o.startsWith(name)).toList();
        if (m.size() == 1 && !name.isEmpty()) return m.getFirst();
        if (m.size() > 1) throw new UsageException("option '" + arg + "' is ambiguous");
        throw new UsageException("unrecognized option '" + arg + "'");
    }

    /** swtpm_setup 0.7.1's {@code --print-capabilities} (same order), listing only what jtpm setup does. */
    public static String capabilitiesJson() {
        return "{ \"type\": \"swtpm_setup\", \"features\": [ \"tpm-1.2\", \"tpm-2.0\", \"cmdarg-keyfile-fd\", \"cmdarg-pwdfile-fd\","
                + " \"tpm12-not-need-root\", \"cmdarg-write-ek-cert-files\", \"cmdarg-create-config-files\", \"cmdarg-reconfigure-pcr-banks\","
                + " \"tpm2-rsa-keysize-2048\", \"tpm2-rsa-keysize-3072\" ], \"version\": \"" + SwtpmSocket.VERSION + "\" }";
    }

    /**
     * Runs {@code jtpm setup} with {@code argv}; returns the exit code (0 done or nothing to do, 1 error).
     */
    public static int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
        Args a;
        try {
            a = parse(argv);
        } catch (UsageException e) {
            err.println("jtpm setup: " + e.getMessage() + " (try --help)");
            return 1;
        }
        if (a.has("help")) { out.print(USAGE); return 0; }
        if (a.has("version")) { out.println("TPM emulator setup tool version " + SwtpmSocket.VERSION + " (jtpm)"); return 0; }
        if (a.has("print-capabilities")) { out.println(capabilitiesJson()); return 0; }
        if (a.has("create-config-files")) {
            try {
                SetupConfig.createConfigFiles(a.get("create-config-files"), env, "root".equals(System.getProperty("user.name")))
                        .forEach(out::println);
                return 0;
            } catch (IOException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
        Log log;
        try {
            log = new Log(a.get("logfile"), out, err);
        } catch (IOException e) {
            err.println(e.getMessage());
            return 1;
        }
        try {
            return setup(a, env, log);
        } catch (SetupException e) {
            log.error(e.getMessage());
            return 1;
        } catch (java.nio.file.AccessDeniedException e) {
            log.error("jtpm setup: need read/write rights on " + e.getFile() + " for user " + System.getProperty("user.name"));
            log.error("An error occurred. Authoring the TPM state failed.");
            return 1;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.error("jtpm setup: " + e.getMessage());
            log.error("An error occurred. Authoring the TPM state failed.");
            return 1;
        }
    }

    /** An error that is a complete line on its own. */
    static final class SetupException extends Exception {
        SetupException(String m) { super(m); }
    }

    private static int setup(Args a, Map<String, String> env, Log log) throws SetupException, IOException, GeneralSecurityException {
        boolean tpm2 = a.has("tpm2");
        if (tpm2 && a.has("take-ownership")) throw new SetupException("Taking ownership is not supported for TPM 2.");
        if (!tpm2) {
            for (String o : List.of("ecc", "create-spk", "reconfigure", "ecc-p256", "profile"))
                if (a.has(o)) throw new SetupException("--" + o + " requires --tpm2.");
        }
        if (a.has("runas") && !a.get("runas").equals(System.getProperty("user.name")))
            throw new SetupException("jtpm setup: --runas is not supported (run jtpm setup as " + a.get("runas") + ")");
        if (a.has("tpm")) log.info("Note: --tpm is ignored: jtpm setup manufactures the TPM in-process.");
        if (a.has("swtpm_ioctl")) log.info("Warning: --swtpm_ioctl is deprecated and has no effect.");
        if (a.has("tcsd-system-ps-file")) log.info("Warning: --tcsd-system-ps-file is deprecated and has no effect.");
        String state = a.get("tpm-state");
        if (state == null) throw new SetupException("--tpm-state must be provided");
        if (state.startsWith("file://")) throw new SetupException("jtpm setup: the file:// backend is not supported; use a directory");
        Path dir = Path.of(state.startsWith("dir://") ? state.substring(6) : state);
        boolean overwrite = a.has("overwrite"), notOverwrite = a.has("not-overwrite"), reconfigure = a.has("reconfigure");
        boolean eve = a.has("profile");
        if (eve && !a.get("profile").equals("eve")) throw new SetupException("jtpm setup: unknown --profile '" + a.get("profile") + "' (eve)");
        if (eve && a.has("create-spk")) throw new SetupException("jtpm setup: --create-spk and --profile eve both want handle 0x81000001");

        int rsaBits = switch (a.values().getOrDefault("rsa-keysize", "2048")) {
            case "2048" -> 2048;
            case "max" -> tpm2 ? 3072 : 2048;
            case "3072" -> {
                if (!tpm2) throw new SetupException("3072 bit RSA keys are not supported by a TPM 1.2.");
                yield 3072;
            }
            default -> throw new SetupException("Unsupported RSA key size " + a.get("rsa-keysize") + ".");
        };
        boolean ekCert = a.has("create-ek-cert"), platformCert = a.has("create-platform-cert");
        boolean createEk = a.has("createek") || ekCert || platformCert || a.has("take-ownership");
        if (reconfigure && createEk) throw new SetupException("Reconfiguration is not supported with creation of EK or certificates");
        Optional<StateKey> key = stateKey(a);

        // configuration file
        Path configFile;
        if (a.has("config")) {
            configFile = Path.of(a.get("config"));
            if (!Files.isReadable(configFile))
                throw new SetupException("User " + System.getProperty("user.name") + " cannot read config file " + configFile + ".");
        } else {
            configFile = SetupConfig.findSetupConf(env);
        }
        Map<String, String> conf = configFile != null ? SetupConfig.read(configFile, env) : Map.of();
        List<String> banks = a.pcrBanks().stream().flatMap(s -> List.of(s.split(",")).stream()).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        if (banks.isEmpty()) {
            String c = conf.getOrDefault("active_pcr_banks", "").strip();
            banks = List.of((c.isEmpty() ? "sha256" : c).split(","));
        }
        List<String> pcrBanks = banks.equals(List.of("-")) ? null : banks;

        Path permall = dir.resolve((tpm2 ? "tpm2-00." : "tpm-00.") + StateKind.PERMANENT.fileSuffix());
        boolean exists = Files.exists(permall);
        // --profile eve on an existing state adds EVE's keys to it (idempotent, as EVE's tpmmgr)
        boolean eveOnExisting = eve && exists && !overwrite && !reconfigure;
        if (!reconfigure && exists && !eveOnExisting) {
            if (notOverwrite) {
                log.info("Not overwriting existing state file.");
                return 0;
            }
            if (!overwrite) throw new SetupException("Found existing TPM state '" + permall.getFileName() + "'.");
        }
        if (reconfigure && !exists) throw new SetupException("jtpm setup: no TPM state in " + dir + " to reconfigure");
        if (!Files.isDirectory(dir)) throw new SetupException("jtpm setup: " + dir + " is not a directory");
        if (a.has("write-ek-cert-files") && !Files.isWritable(Path.of(a.get("write-ek-cert-files"))))
            throw new SetupException("jtpm setup: cannot write to directory " + a.get("write-ek-cert-files"));

        if (!tpm2) return Setup12.setup(a, dir, key, ekCert || platformCert ? certMaker(a, conf, env, log, false) : null, log);
        Manufacture.Certificates certs = ekCert || platformCert
                ? certificates(a, conf, env, log) : null;

        // the server's lock (fcntl on .lock), without reading the old state: --overwrite may replace a state
        // encrypted under another key
        DirectoryStateStore store = DirectoryStateStore.open(dir, DirectoryStateStore.DEFAULT_MODE, key, false);
        if (!store.lock(0)) {
            store.close();
            throw new SetupException("jtpm setup: state directory " + dir + " is in use: another server holds the lock on "
                    + dir.resolve(".lock"));
        }
        try (store) {
            log.info("Starting vTPM " + (reconfigure ? "reconfiguration" : "manufacturing") + " as "
                    + System.getProperty("user.name") + " @ " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
            NvStore mem = NvStore.inMemory();
            if (reconfigure || eveOnExisting) {
                for (StateKind k : StateKind.values()) {
                    try {
                        byte[] blob = store.load(k);
                        if (blob != null) mem.store(k, blob);
                    } catch (StateKeyException e) {
                        throw new SetupException("jtpm setup: " + e.getMessage());
                    }
                }
            }
            Tpm tpm = new Tpm(Platform.of(mem));
            if (!tpm.init()) throw new IOException("the TPM could not be initialized");
            InProcessTransport transport = new InProcessTransport(tpm);
            Manufacture m = new Manufacture(transport, log::info);
            m.startup();
            var options = new Manufacture.Options(a.has("create-spk"), a.has("ecc"), rsaBits, createEk, ekCert, platformCert,
                    a.has("lock-nvram"), a.has("allow-signing"), a.has("decryption") || !a.has("allow-signing"),
                    a.has("ecc-p256"), pcrBanks, reconfigure);
            List<Manufacture.MadeEk> made = eveOnExisting ? List.of() : m.run(options, certs);
            if (eve) {
                new EveProfile(transport, log::info).apply();
                var shutdown = new dev.jtpm.types.command.Shutdown(dev.jtpm.types.TpmSu.CLEAR);
                if (!dev.jtpm.types.command.CommandBytes.decode(shutdown,
                        transport.execute(dev.jtpm.types.command.CommandBytes.encode(shutdown), 0)).ok())
                    throw new IOException("TPM2_Shutdown failed");
            }
            tpm.powerOff();
            // only now, everything made: the state files (temporary file, fsync, rename; encrypted with the key)
            for (StateKind k : StateKind.values()) {
                byte[] blob = mem.load(k);
                if (blob == null) store.delete(k);
                else store.store(k, blob);
            }
            if (a.has("write-ek-cert-files")) {
                Path out = Path.of(a.get("write-ek-cert-files"));
                for (var ek : made) {
                    if (ek.certificate() == null) continue;
                    LocalCa.writeAtomically(out.resolve("ek-" + ek.kind().fileTag() + ".crt"), ek.certificate(), "rw-r-----");
                }
            }
            if (a.has("display")) {
                for (var ek : made)
                    log.info(ek.kind().fileTag() + " EK 0x" + Integer.toHexString(ek.kind().persistentHandle()) + " name "
                            + ek.name().toHex() + (ek.certificate() != null ? ", certificate at NV index 0x"
                            + Integer.toHexString(ek.kind().certIndex()) : ""));
            }
            log.info("Successfully authored TPM state.");
            return 0;
        }
    }

    private static Optional<StateKey> stateKey(Args a) throws SetupException {
        String cipher = a.values().getOrDefault("cipher", "aes-128-cbc");
        if (!List.of("aes-128-cbc", "aes-cbc", "aes-256-cbc", "aes-128-gcm", "aes-256-gcm").contains(cipher))
            throw new SetupException("Unsupported cipher " + cipher + ".");
        String opt;
        if (a.has("keyfile")) opt = "file=" + a.get("keyfile");
        else if (a.has("pwdfile")) opt = "pwdfile=" + a.get("pwdfile");
        else if (a.has("keyfile-fd")) opt = "fd=" + fd(a.get("keyfile-fd"));
        else if (a.has("pwdfile-fd")) opt = "pwdfd=" + fd(a.get("pwdfile-fd"));
        else return Optional.empty();
        String which = a.has("keyfile") ? "--keyfile" : a.has("pwdfile") ? "--pwdfile" : a.has("keyfile-fd") ? "--keyfile-fd" : "--pwdfile-fd";
        try {
            return Optional.of(StateKey.parse(which, opt + ",mode=" + cipher, dev.jtpm.server.SwtpmSocket.FD_READER));
        } catch (IllegalArgumentException e) {
            throw new SetupException(e.getMessage());
        }
    }

    private static String fd(String s) throws SetupException {
        try {
            int n = Integer.parseInt(s);
            if (n < 0) throw new NumberFormatException();
            return s;
        } catch (NumberFormatException e) {
            throw new SetupException("Invalid file descriptor '" + s + "'");
        }
    }

    /** The TPM's identity as swtpm_setup passes it to the certificate tool (jtpm's CMD_GET_INFO values). */
    static TcgCertificates.TpmInfo tpmInfo() { return tpmInfo(true); }

    /** {@link #tpmInfo()} of the TPM 2.0 or (without {@code tpm2}) the TPM 1.2: family 1.2, level 2, revision 116. */
    static TcgCertificates.TpmInfo tpmInfo(boolean tpm2) {
        return new TcgCertificates.TpmInfo(String.format("id:%08X", TpmIdentity.MANUFACTURER), TpmIdentity.MODEL,
                String.format("id:%08X", TpmIdentity.FIRMWARE_VERSION), tpm2 ? TpmIdentity.SPEC_FAMILY : "1.2",
                tpm2 ? TpmIdentity.SPEC_LEVEL : 2, tpm2 ? TpmIdentity.SPEC_REVISION : 116);
    }

    /**
     * Who makes the certificates: jtpm's local CA (in --localca-dir; or, when swtpm_setup.conf names
     * swtpm_localca, in the directory its swtpm-localca.conf gives; or in the default directory), or another
     * create_certs_tool run as swtpm_setup runs it.
     */
    private static Manufacture.Certificates certificates(Args a, Map<String, String> conf, Map<String, String> env, Log log)
            throws IOException, GeneralSecurityException, SetupException {
        String vmid = a.get("vmid");
        var use = new TcgCertificates.KeyUse(a.has("allow-signing"), a.has("decryption") || !a.has("allow-signing"));
        CertMaker m = certMaker(a, conf, env, log, true);
        if (m.tool() != null) return m.tool();
        LocalCa ca = m.ca();
        var platform = m.platform();
        return new Manufacture.Certificates() {
            @Override
            public byte[] ek(EkKind kind, PublicKey key) throws IOException, GeneralSecurityException {
                return ca.issueEk(vmid, key, tpmInfo(), use).getEncoded();
            }

            @Override
            public byte[] platform(EkKind kind, PublicKey key) throws IOException, GeneralSecurityException {
                return ca.issuePlatform(vmid, key, platform, use).getEncoded();
            }
        };
    }

    /** Who makes the certificates: a local CA with the platform's identity, or an external create_certs_tool. */
    record CertMaker(LocalCa ca, TcgCertificates.PlatformInfo platform, ExternalCertTool tool) {}

    static CertMaker certMaker(Args a, Map<String, String> conf, Map<String, String> env, Log log, boolean tpm2)
            throws IOException, GeneralSecurityException {
        String vmid = a.get("vmid");
        String tool = conf.get("create_certs_tool");
        String optsFile = conf.get("create_certs_tool_options");
        String toolName = tool == null ? null : Path.of(tool).getFileName().toString();
        if (!a.has("localca-dir") && tool != null && !toolName.equals("swtpm_localca"))
            return new CertMaker(null, null, new ExternalCertTool(tool, conf.get("create_certs_tool_config"), optsFile, vmid,
                    a.get("logfile"), tpmInfo(tpm2), tpm2));
        LocalCa.Layout layout;
        if (a.has("localca-dir")) {
            layout = LocalCa.Layout.in(Path.of(a.get("localca-dir")));
            optsFile = null;
        } else if (tool != null) {
            Path caConf = Path.of(conf.getOrDefault("create_certs_tool_config", "/etc/swtpm-localca.conf"));
            Map<String, String> c = Files.isReadable(caConf) ? SetupConfig.read(caConf, env) : Map.of();
            layout = LocalCa.Layout.fromConfig(c, Path.of("/var/lib/swtpm-localca"));
        } else {
            layout = LocalCa.Layout.in(LocalCa.defaultDirectory(env));
        }
        Map<String, String> opts = optsFile != null && Files.isReadable(Path.of(optsFile))
                ? SetupConfig.readOptions(Path.of(optsFile)) : Map.of();
        var platform = new TcgCertificates.PlatformInfo(
                opts.getOrDefault("--platform-manufacturer", System.getProperty("os.name")),
                opts.getOrDefault("--platform-model", "jtpm"),
                opts.getOrDefault("--platform-version", SwtpmSocket.VERSION));
        LocalCa ca = LocalCa.open(layout);
        log.info("Using the local CA in " + layout.dir() + ".");
        return new CertMaker(ca, platform, null);
    }

    /** swtpm_setup's way of running a create_certs_tool: its arguments, ek.cert / platform.cert in a temporary directory. */
    record ExternalCertTool(String tool, String config, String options, String vmid, String logfile,
                            TcgCertificates.TpmInfo info, boolean tpm2) implements Manufacture.Certificates {
        @Override
        public byte[] ek(EkKind kind, PublicKey key) throws IOException { return run("ek", key, "ek.cert"); }

        @Override
        public byte[] platform(EkKind kind, PublicKey key) throws IOException { return run("platform", key, "platform.cert"); }

        /** Runs the tool for {@code type} (ek, platform); answers the file it wrote (a TPM 1.2's with its header). */
        byte[] run(String type, PublicKey key, String file) throws IOException {
            Path tmp = Files.createTempDirectory("jtpm-setup.certs.");
            try {
                List<String> cmd = new ArrayList<>(List.of(tool, "--type", type, "--ek", ekParam(key), "--dir", tmp.toString()));
                if (logfile != null) cmd.addAll(List.of("--logfile", logfile));
                if (vmid != null) cmd.addAll(List.of("--vmid", vmid));
                cmd.addAll(List.of("--tpm-spec-family", info.specFamily(), "--tpm-spec-level", Integer.toString(info.specLevel()),
                        "--tpm-spec-revision", Integer.toString(info.specRevision()), "--tpm-manufacturer", info.manufacturer(),
                        "--tpm-model", info.model(), "--tpm-version", info.version()));
                if (tpm2) cmd.add("--tpm2");
                if (config != null) cmd.addAll(List.of("--configfile", config));
                if (options != null) cmd.addAll(List.of("--optsfile", options));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                int rc = p.waitFor();
                if (rc != 0) throw new IOException(Path.of(tool).getFileName() + " exit with status " + rc + ": " + output);
                return Files.readAllBytes(tmp.resolve(file));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } finally {
                try (var s = Files.list(tmp)) {
                    for (Path f : s.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** swtpm_setup's --ek parameter: the RSA modulus in hex, or x=..,y=..,id=curve. */
    static String ekParam(PublicKey key) {
        HexFormat hex = HexFormat.of();
        if (key instanceof RSAPublicKey r) return hex.formatHex(unsigned(r.getModulus().toByteArray()));
        ECPublicKey e = (ECPublicKey) key;
        int n = (e.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        String id = switch (n) { case 32 -> "secp256r1"; case 48 -> "secp384r1"; default -> "secp521r1"; };
        return "x=" + hex.formatHex(fixed(e.getW().getAffineX().toByteArray(), n)) + ",y="
                + hex.formatHex(fixed(e.getW().getAffineY().toByteArray(), n)) + ",id=" + id;
    }

    private static byte[] unsigned(byte[] b) {
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(byte[] b, int n) {
        byte[] u = unsigned(b), r = new byte[n];
        System.arraycopy(u, 0, r, n - u.length, u.length);
        return r;
    }

    /** swtpm_setup's logging: to the log file when given (appended), else messages to stdout and errors to stderr. */
    static final class Log {
        private final Path file;
        private final PrintStream out, err;

        Log(String logfile, PrintStream out, PrintStream err) throws IOException {
            this.out = out;
            this.err = err;
            if (logfile == null) {
                file = null;
                return;
            }
            file = Path.of(logfile);
            if (Files.isSymbolicLink(file)) throw new IOException("Logfile must not be a symlink.");
            try {
                Files.writeString(file, "", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IOException("Cannot write to logfile " + logfile + ".");
            }
        }

        void info(String line) { write(line, out); }

        void error(String line) { write(line, err); }

        private void write(String line, PrintStream to) {
            if (file == null) {
                to.println(line);
                return;
            }
            try {
                Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                to.println(line);
            }
        }
    }

    static final String USAGE = """
            Usage: jtpm setup [options]   (swtpm_setup 0.7.1's options)

            --tpm2                   : set up a TPM 2 (without it: a TPM 1.2, state files tpm-00.*)
            --tpm-state|--tpmstate <dir>|dir://<dir>
                                     : the TPM's state directory (mandatory)
            --createek               : create the EKs (RSA at 0x81010001, ECC P-384 at 0x81010016)
            --create-ek-cert         : create EK certificates (implies --createek)
            --create-platform-cert   : create a platform certificate (implies --createek)
            --ecc-p256               : also an ECC P-256 EK (TCG template L-2) at 0x81010002, certificate 0x01C0000A
            --profile eve            : also EVE's keys (tpmmgr's EK/SRK/AIK/quote/ECDH at 0x81000001-5, owner hierarchy);
                                       on an existing state adds what is missing, keeps what matches
            --create-spk             : create a storage primary key at 0x81000001
            --ecc                    : the storage primary key is ECC (P-384)
            --allow-signing          : non-standard EKs that can sign (their templates go to NV)
            --decryption             : EKs that decrypt (the default unless --allow-signing)
            --lock-nvram             : write-lock the NV indices written (TPM 1.2: set nvLocked)
            TPM 1.2 only:
            --take-ownership         : take ownership (implies --createek); EK certificate at NV 0x1000f000,
                                       platform certificate (only with --create-ek-cert) at 0x1000f002
            --ownerpass <pw> | --owner-well-known
                                     : the owner secret SHA-1(pw) (default pw "ooo"); well-known: SHA-1 of
                                       20 zero octets, as swtpm_setup 0.7.1
            --srkpass <pw> | --srk-well-known
                                     : the SRK secret, likewise (default pw "sss")
            --rsa-keysize 2048|3072|max
                                     : the RSA EK's key size (default 2048)
            --pcr-banks <list>|-     : PCR banks to activate (default sha256; '-' leaves all active)
            --overwrite              : re-manufacture an existing state
            --not-overwrite          : leave an existing state as it is and succeed
            --reconfigure            : change the PCR banks of an existing state
            --vmid <id>              : the subject of the certificates
            --localca-dir <dir>      : jtpm's local CA to sign the certificates with (jtpm localca)
            --config <file>          : swtpm_setup.conf (default $XDG_CONFIG_HOME, ~/.config, /etc)
            --write-ek-cert-files <dir>
                                     : also write ek-rsa2048.crt, ek-secp384r1.crt, ... there
            --keyfile <file> | --keyfile-fd <fd> | --pwdfile <file> | --pwdfile-fd <fd>
                                     : encrypt the state (swtpm's format) with this key or passphrase
            --cipher aes-128-cbc|aes-256-cbc|aes-128-gcm|aes-256-gcm
                                     : the state encryption cipher (default aes-128-cbc; the GCM
                                       modes are jtpm's own: swtpm cannot read such a state)
            --logfile <file>         : log there instead of stdout/stderr
            --display                : show the EKs made
            --create-config-files [overwrite][,root][,skip-if-exist]
                                     : write swtpm_setup.conf, swtpm-localca.conf/.options for this user
            --print-capabilities     : print the supported features as JSON
            --version, --help
            """;
}
