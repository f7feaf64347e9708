package dev.jtpm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * jtpm and swtpm side by side: both started as processes with the same swtpm command line on free
 * ports of 127.0.0.1, both driven by the same {@link RawTpmClient} (one TCP connection, raw
 * commands, as QEMU does) with the same command bytes. After a warm-up, every command is measured
 * in interleaved rounds (jtpm then swtpm, swtpm then jtpm, ...) so that noise from other load on the
 * machine falls on both servers alike. Prints a markdown table and writes it into
 * {@code docs/benchmarks.md}. Both servers are stopped at the end, also on failure.
 *
 * <p>Options: {@code --root DIR} (the jtpm checkout; default .), {@code --out FILE} (default
 * ROOT/docs/benchmarks.md; {@code -} prints only), {@code --iterations N} measured per command and
 * server (default 20000), {@code --warmup N} per command and server (default 10000), {@code --rounds R}
 * (default 10), {@code --swtpm PROGRAM} (default swtpm), {@code --jtpm-launcher} (start jtpm with
 * ROOT/jtpm, which may rebuild first, instead of the launcher's java command line directly),
 * {@code --jtpm-jvm-arg ARG} (repeatable, after the launcher's own; e.g. a
 * {@code -XX:StartFlightRecording=...} to profile), {@code --connection-per-command} (a new TCP
 * connection for every command, closed after the response, as tcti-swtpm does; defaults then 1000
 * measured and 500 warm-up, as each leaves a client port in TIME_WAIT for a minute; written into its
 * own section), {@code --no-keys} / {@code --keys-only} (leave out / measure only the key commands of
 * {@link KeyBench}: Sign and CreatePrimary, into their own section), {@code --key-scale F} (multiplies
 * the key commands' default counts, e.g. 0.2 for a quick look), {@code --no-sessions} / {@code --sessions-only}
 * (leave out / measure only the authorization sessions of {@link SessionBench}, into their own section; with
 * {@code --keys-only} too, both of these sections and nothing else), {@code --session-scale F} (multiplies the
 * session measurements' default counts), {@code --no-nv} / {@code --nv-only} (leave out / measure only the NV,
 * Quote and ActivateCredential commands of {@link NvBench}, issue 8's rows, into their own section; the {@code
 * --...-only} options combine: each names a section to measure, and nothing else is), {@code --nv-scale F}
 * (multiplies their default counts), {@code --pin none|same|split} (CPU placement, see {@link Pinning}; default
 * none; needs {@code taskset}).
 *
 * <p>jtpm is started with the JVM options of the {@code jtpm} launcher, read from its
 * {@code jvm_options=(...)} line, so that the benchmark measures what users run.
 */
public final class SideBySide {
    private static final int MAX_ITERATIONS = 1_000_000;
    private static final long CONNECT_TIMEOUT_MS = 120_000;
    private static final long READY_TIMEOUT_MS = 20_000;

    private Path root = Path.of(".");
    private Path out;
    private int iterations = -1;
    private int warmup = -1;
    private boolean perCommand;
    private int rounds = 10;
    private String swtpm = "swtpm";
    private boolean viaLauncher;
    private final List<String> jvmArgs = new ArrayList<>();
    private boolean keys = true;
    private boolean keysOnly;
    private double keyScale = 1.0;
    private boolean sessions = true;
    private boolean sessionsOnly;
    private double sessionScale = 1.0;
    private boolean nv = true;
    private boolean nvOnly;
    private double nvScale = 1.0;
    private Pinning pin = Pinning.NONE;

    /** Where the client and the two servers run (Linux CPU affinity, set with {@code taskset -a}). */
    enum Pinning {
        /** Wherever the scheduler puts them, as users run them. */
        NONE,
        /** The client and both servers on CPU 0: no cross-CPU wake-up, the software's own cost. */
        SAME,
        /** The client on CPU 0, both servers on CPU 1: every wake-up crosses CPUs (a client on another core). */
        SPLIT;

        String describe() {
            return switch (this) {
                case NONE -> "";
                case SAME -> " The client and both servers are pinned to CPU 0 (`taskset -a`): every wake-up stays on one CPU.";
                case SPLIT -> " The client is pinned to CPU 0 and both servers to CPU 1 (`taskset -a`): every wake-up crosses CPUs.";
            };
        }
    }

    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        SideBySide s = new SideBySide();
        s.parse(args);
        s.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--root" -> root = Path.of(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--iterations" -> iterations = bounded(value(args, ++i, a), a);
                case "--warmup" -> warmup = bounded(value(args, ++i, a), a);
                case "--rounds" -> rounds = bounded(value(args, ++i, a), a);
                case "--swtpm" -> swtpm = value(args, ++i, a);
                case "--jtpm-launcher" -> viaLauncher = true;
                case "--jtpm-jvm-arg" -> jvmArgs.add(value(args, ++i, a));
                case "--connection-per-command" -> perCommand = true;
                case "--no-keys" -> keys = false;
                case "--keys-only" -> keysOnly = true;
                case "--key-scale" -> keyScale = Double.parseDouble(value(args, ++i, a));
                case "--no-sessions" -> sessions = false;
                case "--sessions-only" -> sessionsOnly = true;
                case "--session-scale" -> sessionScale = Double.parseDouble(value(args, ++i, a));
                case "--no-nv" -> nv = false;
                case "--nv-only" -> nvOnly = true;
                case "--nv-scale" -> nvScale = Double.parseDouble(value(args, ++i, a));
                case "--pin" -> pin = Pinning.valueOf(value(args, ++i, a).toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (iterations < 0) iterations = perCommand ? 1_000 : 20_000;
        if (warmup < 0) warmup = perCommand ? 500 : 10_000;
        if (rounds < 1 || iterations < rounds) throw new IllegalArgumentException("need --iterations >= --rounds >= 1");
        if (out == null) out = root.resolve("docs/benchmarks.md");
        if (keysOnly && (!keys || perCommand)) throw new IllegalArgumentException("--keys-only needs the key commands and one connection");
        if (sessionsOnly && (!sessions || perCommand)) {
            throw new IllegalArgumentException("--sessions-only needs the session measurements and one connection");
        }
        if (!(keyScale > 0 && keyScale <= 100)) throw new IllegalArgumentException("--key-scale must be in (0, 100]");
        if (nvOnly && (!nv || perCommand)) throw new IllegalArgumentException("--nv-only needs the NV measurements and one connection");
        if (!(sessionScale > 0 && sessionScale <= 100)) throw new IllegalArgumentException("--session-scale must be in (0, 100]");
        if (!(nvScale > 0 && nvScale <= 100)) throw new IllegalArgumentException("--nv-scale must be in (0, 100]");
        if (perCommand) keys = sessions = nv = false; // these are measured over the kept connection only
        if (onlySome()) {
            keys &= keysOnly;
            sessions &= sessionsOnly;
            nv &= nvOnly;
        }
    }

    /** Whether some {@code --...-only} option names the sections to measure (then the basic one is left out). */
    private boolean onlySome() { return keysOnly || sessionsOnly || nvOnly; }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static int bounded(String v, String option) {
        int n = Integer.parseInt(v);
        if (n < 0 || n > MAX_ITERATIONS) throw new IllegalArgumentException(option + " must be 0.." + MAX_ITERATIONS);
        return n;
    }

    /** The command that starts jtpm: the launcher, or the java command line the launcher execs. */
    private List<String> jtpmPrefix() throws IOException {
        Path r = root.toAbsolutePath().normalize();
        if (viaLauncher) {
            if (!jvmArgs.isEmpty()) throw new IllegalArgumentException("--jtpm-jvm-arg needs the direct java command line");
            return List.of(r.resolve("jtpm").toString());
        }
        Path jar = r.resolve("jtpm-cli/target/jtpm-cli.jar");
        if (!Files.isRegularFile(jar)) throw new IOException(jar + " is missing: build first (bin/build)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(launcherJvmOptions(r.resolve("jtpm")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", jar + ":" + r.resolve("jtpm-cli/target/lib") + "/*", "dev.jtpm.cli.Main"));
        return cmd;
    }

    /**
     * The JVM options the launcher gives {@code jtpm socket}: the words of its {@code jvm_options=(...)} line and of its
     * {@code one_tpm_options=(...)} line, if any (plain words, no quoting).
     */
    static List<String> launcherJvmOptions(Path launcher) throws IOException {
        List<String> lines = Files.readAllLines(launcher);
        List<String> out = new ArrayList<>(words(launcher, lines, "jvm_options")
                .orElseThrow(() -> new IOException(launcher + " has no jvm_options=(...) line")));
        out.addAll(words(launcher, lines, "one_tpm_options").orElse(List.of()));
        return out;
    }

    private static java.util.Optional<List<String>> words(Path launcher, List<String> lines, String name) throws IOException {
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith(name + "=(") && l.endsWith(")")) {
                String inner = l.substring(name.length() + 2, l.length() - 1).strip();
                if (inner.matches(".*[\"'$\\`].*")) throw new IOException(launcher + ": " + name + " must be plain words");
                return java.util.Optional.of(inner.isEmpty() ? List.of() : List.of(inner.split("\\s+")));
            }
        }
        return java.util.Optional.empty();
    }

    /** One server under test: its process, its client, and its samples per command. */
    private static final class Subject {
        final ServerProcess server;
        final RawTpmClient client;
        final long[][] samples = new long[BenchCommand.values().length][];
        final int[] failure = new int[BenchCommand.values().length];
        final boolean perCommand;

        Subject(ServerProcess server, RawTpmClient client, int iterations, boolean perCommand) {
            this.perCommand = perCommand;
            this.server = server;
            this.client = client;
            for (int i = 0; i < samples.length; i++) samples[i] = new long[iterations];
        }

        /** One command: over the kept connection, or over a connection of its own. */
        byte[] transact(byte[] cmd) throws IOException {
            return perCommand ? RawTpmClient.transactOnce(server.dataPort, cmd) : client.transact(cmd);
        }
    }

    private void run() throws Exception {
        String environment = Environment.describe();
        String swtpmVersion = Environment.versionOf(swtpm);
        List<ServerProcess> started = new ArrayList<>();
        Thread hook = new Thread(() -> started.forEach(ServerProcess::close));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Subject jtpm = startSubject("jtpm", jtpmPrefix(), started);
            Subject sw = startSubject("swtpm", List.of(swtpm), started);
            System.err.printf("jtpm pid %d on 127.0.0.1:%d, swtpm pid %d on 127.0.0.1:%d%n", jtpm.server.pid(),
                    jtpm.server.dataPort, sw.server.pid(), sw.server.dataPort);
            if (pin != Pinning.NONE) {
                pinTo(ProcessHandle.current().pid(), 0);
                pinTo(jtpm.server.pid(), pin == Pinning.SAME ? 0 : 1);
                pinTo(sw.server.pid(), pin == Pinning.SAME ? 0 : 1);
            }
            if (!onlySome()) {
                for (Subject s : List.of(jtpm, sw)) warmUp(s);
                measure(jtpm, sw);
                String table = table(jtpm, sw);
                System.out.println(table);
                writeSection(perCommand ? BenchmarksDoc.SIDE_BY_SIDE_SHORT : BenchmarksDoc.SIDE_BY_SIDE,
                        basicSection(environment, swtpmVersion, table));
            }
            if (keys) {
                String table = keyTable(measureKeys(jtpm, sw));
                System.out.println(table);
                writeSection(BenchmarksDoc.SIDE_BY_SIDE_KEYS, keySection(environment, swtpmVersion, table));
            }
            if (sessions) {
                String table = sessionTable(measureSessions(jtpm, sw));
                System.out.println(table);
                writeSection(BenchmarksDoc.SIDE_BY_SIDE_SESSIONS, sessionSection(environment, swtpmVersion, table));
            }
            if (nv) {
                int nvBytes = Math.min(NvBench.NV_DATA_SIZE, Math.min(NvBench.nvBufferMax(jtpm.client, "jtpm"),
                        NvBench.nvBufferMax(sw.client, "swtpm")));
                String disk = StateDisk.describe(jtpm.server.stateDir, sw.server.stateDir);
                String table = nvTable(measureNv(jtpm, sw, nvBytes), nvBytes);
                String floor = StateDisk.fsyncFloor(jtpm.server.stateDir.getParent(), nvScaled(300), 2048);
                System.out.println(table);
                System.out.println(floor);
                writeSection(BenchmarksDoc.SIDE_BY_SIDE_NV, nvSection(environment, swtpmVersion, nvBytes, disk, table, floor));
            }
            jtpm.client.close();
            sw.client.close();
        } finally {
            for (ServerProcess p : started) p.close();
            started.clear();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /** Pins every thread of process {@code pid} to {@code cpu}. */
    private static void pinTo(long pid, int cpu) throws IOException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (p.waitFor() != 0) throw new IOException("taskset -a -p -c " + cpu + " " + pid + " failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void writeSection(String name, String body) throws IOException {
        if (out.toString().equals("-")) return;
        BenchmarksDoc.update(out, name, body);
        System.err.println("written to " + out);
    }

    private String serversLine() throws IOException {
        return "Both servers run as processes with the same command line (`socket --tpm2 --server type=tcp"
                + " --ctrl type=tcp --flags not-need-init,startup-clear --tpmstate dir=<fresh temp dir>`;"
                + " jtpm on the JVM options of the `jtpm` launcher, " + launcherJvmOptions(root.toAbsolutePath().normalize().resolve("jtpm"))
                + (jvmArgs.isEmpty() ? "" : " plus " + jvmArgs) + ").";
    }

    private String basicSection(String environment, String swtpmVersion, String table) throws IOException {
        String connection = perCommand
                ? "a new TCP connection per command on 127.0.0.1 (what tcti-swtpm, i.e. tpm2-tools, does),"
                        + " closed after the response with a reset (SO_LINGER 0: thousands of connections leave no"
                        + " ports in TIME_WAIT); connect and close are in the measured time; raw command bytes"
                : "a single TCP connection per server on 127.0.0.1, raw command bytes";
        return (perCommand ? "## Side by side with swtpm, a connection per command\n\n"
                        : "## Side by side with swtpm\n\n") + environment + " swtpm: " + swtpmVersion.replaceAll("\\.$", "") + ".\n\n"
                + serversLine()
                + " One client drives both: " + connection + " written, the response read as its 10-byte header and then the rest (as QEMU and the TCTIs read it)."
                + " Warm-up: " + warmup + " commands of each kind per server; then " + iterations
                + " measured per command and server, in " + rounds + " interleaved rounds." + pin.describe()
                + " Latency is client-side round trip in µs; ratio = jtpm / swtpm (above 1: jtpm is slower);"
                + " \"rounds\" gives the lowest and highest of the per-round medians (how much the median moved within the run).\n\n"
                + table;
    }

    private String keySection(String environment, String swtpmVersion, String table) throws IOException {
        StringBuilder counts = new StringBuilder();
        for (KeyBench k : KeyBench.values()) {
            counts.append(counts.isEmpty() ? "" : "; ").append(k.label()).append(": ").append(scaled(k.warmup))
                    .append(" + ").append(scaled(k.iterations));
        }
        return "## Side by side with swtpm: key commands\n\n" + environment + " swtpm: "
                + swtpmVersion.replaceAll("\\.$", "") + ".\n\n" + serversLine()
                + " One client, one TCP connection per server, raw command bytes, empty passwords. Sign uses a key"
                + " made by CreatePrimary before the measurement; every measured CreatePrimary is followed by an"
                + " unmeasured FlushContext. \"Same template\" repeats one template (the same key every time, as"
                + " scripts that run tpm2_createprimary do); \"a new template each time\" puts a counter into the"
                + " unique field, so each command derives a key nothing derived before (the same sequence of templates"
                + " on both servers). Warm-up + measured commands per server: " + counts
                + "; measured in " + keyRounds() + " interleaved rounds."
                + " Latency is client-side round trip in µs; ratio = jtpm / swtpm (below 1: jtpm is faster).\n\n"
                + table;
    }

    private String sessionSection(String environment, String swtpmVersion, String table) throws IOException {
        StringBuilder counts = new StringBuilder();
        for (SessionBench k : SessionBench.values()) {
            counts.append(counts.isEmpty() ? "" : "; ").append(k.label()).append(": ").append(sessionScaled(k.warmup))
                    .append(" + ").append(sessionScaled(k.iterations));
        }
        return "## Side by side with swtpm: authorization sessions\n\n" + environment + " swtpm: "
                + swtpmVersion.replaceAll("\\.$", "") + ".\n\n" + serversLine()
                + " One client, one TCP connection per server, raw command bytes. A row is a sequence of commands;"
                + " its time is the sum of their round trips (the client's work between them, such as patching in"
                + " the session handle or computing an HMAC, is not in it). Sessions use SHA-256, no symmetric"
                + " algorithm, no bind, and a 32-octet nonceCaller. Salted rows: tpmKey is a storage primary of the"
                + " provisioning guidance's template (RSA-2048 or ECC P-256, restricted decrypt, AES-128-CFB) made"
                + " before the measurement; the RSA salts (8, each a random 32 octets, cycled) are encrypted by the"
                + " client with OAEP (SHA-256, label \"SECRET\" with its NUL) to each server's own key, so those command bytes"
                + " differ between the servers; the ECC salt is one ephemeral P-256 point (the same on both)."
                + " Before measuring, each salt is proven on each server: the salted session authorizes a TPM2_Create"
                + " with the HMAC of the session key the client derived, and the response HMAC is checked."
                + " Policy row: a sealed keyed-hash object (userWithAuth clear) whose authPolicy is TPM2_PolicyPCR of"
                + " SHA-256 PCR 16 (computed by the client from TPM2_PCR_Read), under an ECC P-256 storage primary; measured are TPM2_StartAuthSession (policy),"
                + " TPM2_PolicyPCR (empty pcrDigest) and TPM2_Unseal with that session (continueSession clear, so the"
                + " Unseal ends it; empty HMAC); the unsealed data is compared every time. Sign row: an ECDSA P-256"
                + " key with authValue \"benchpass\", one unbound, unsalted HMAC session (continueSession set) for the"
                + " whole run; every command carries a new nonceCaller and the HMAC over the nonceTPM of the previous"
                + " response, and every response HMAC is checked. Warm-up + measured sequences per server: " + counts
                + "; measured in " + keyRounds() + " interleaved rounds."
                + " Latency is client-side round trip in µs; ratio = jtpm / swtpm (below 1: jtpm is faster).\n\n"
                + table;
    }

    private String nvSection(String environment, String swtpmVersion, int nvBytes, String disk, String table, String floor)
            throws IOException {
        StringBuilder counts = new StringBuilder();
        for (NvBench k : NvBench.values()) {
            counts.append(counts.isEmpty() ? "" : "; ").append(k.label(nvBytes)).append(": ").append(nvScaled(k.warmup))
                    .append(" + ").append(nvScaled(k.iterations));
        }
        return "## Side by side with swtpm: NV, Quote and ActivateCredential\n\n" + environment + " swtpm: "
                + swtpmVersion.replaceAll("\\.$", "") + ".\n\n" + serversLine()
                + " " + disk
                + " One client, one TCP connection per server, raw command bytes, empty passwords (password sessions)."
                + " NV: owner-defined indices (TPMA_NV_AUTHWRITE | TPMA_NV_AUTHREAD, SHA-256 Name, no policy), each"
                + " authorized with its own empty password; the ordinary index holds " + NvBench.NV_DATA_SIZE + " octets and"
                + " NV_Write/NV_Read move " + nvBytes + " at offset 0 (TPM_PT_NV_BUFFER_MAX, asked of both servers, is at least that)."
                + " NV_Write alternates two data patterns; neither index is orderly, so every NV_Write and every"
                + " non-orderly NV_Increment changes the NV state both servers keep on disk; the orderly counter"
                + " lives in RAM and is saved at its first write and when its low 8 bits roll over (every 256th increment)."
                + " Before measuring, the data read back is compared with what was written, each counter is shown to"
                + " count up by one, and at the end its value is compared with the number of increments sent."
                + " Quote: a primary restricted signing key in the owner hierarchy (ECC P-256 with ECDSA SHA-256, or"
                + " RSA-2048 with RSASSA SHA-256), inScheme NULL, PCR selection sha256:0-7, 16 octets of qualifyingData;"
                + " the first quote of each server is decoded (magic, type, extraData, PCR selection) and its signature"
                + " verified with the JDK; every measured response is checked for the qualifyingData."
                + " ActivateCredential: an EK made with the high-range RSA-2048 template (restricted decrypt,"
                + " AES-128-CFB, userWithAuth, so a password authorizes keyHandle's USER role) in the endorsement"
                + " hierarchy, an ECC P-256 restricted signing key (adminWithPolicy clear, so a password authorizes"
                + " activateHandle's ADMIN role) made and loaded under it, and one credential blob and secret made by"
                + " each server's own TPM2_MakeCredential before measuring (so those command bytes differ between the"
                + " servers; the blob is only unwrapped, so the same one is activated again and again); every"
                + " response's certInfo is compared with the credential."
                + " Warm-up + measured commands per server: " + counts
                + "; measured in " + keyRounds() + " interleaved rounds."
                + " Latency is client-side round trip in µs; ratio = jtpm / swtpm (below 1: jtpm is faster).\n\n"
                + table + "\n" + floor;
    }

    private Subject startSubject(String name, List<String> prefix, List<ServerProcess> started) throws IOException {
        ServerProcess p = ServerProcess.start(name, prefix);
        started.add(p);
        RawTpmClient client;
        try {
            client = RawTpmClient.connect(p.dataPort, CONNECT_TIMEOUT_MS, p::isAlive);
            awaitReady(client);
        } catch (IOException e) {
            throw new IOException(name + ": " + e.getMessage() + "\n--- " + name + " output ---\n" + p.logTail(), e);
        }
        if (perCommand) client.close(); // swtpm serves one data connection at a time
        return new Subject(p, client, iterations, perCommand);
    }

    /** Waits until the automatic TPM2_Startup has happened: GetRandom succeeds. */
    private static void awaitReady(RawTpmClient client) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT_MS * 1_000_000L;
        int rc;
        do {
            rc = BenchCommand.responseCode(client.transact(BenchCommand.GET_RANDOM_8.bytes()));
            if (rc == 0) return;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } while (System.nanoTime() < deadline);
        throw new IOException("GetRandom still answers 0x" + Integer.toHexString(rc));
    }

    private void warmUp(Subject s) throws IOException {
        for (BenchCommand c : BenchCommand.values()) {
            byte[] cmd = c.bytes();
            int rc = BenchCommand.responseCode(s.transact(cmd));
            if (rc != 0) {
                s.failure[c.ordinal()] = rc;
                System.err.printf("%s: %s answers 0x%x: not measured%n", s.server.name, c.label(), rc);
                continue;
            }
            for (int i = 0; i < warmup; i++) check(s, c, s.transact(cmd));
        }
    }

    private void measure(Subject a, Subject b) throws IOException {
        int perRound = iterations / rounds;
        for (int r = 0; r < rounds; r++) {
            int from = r * perRound, to = r == rounds - 1 ? iterations : from + perRound;
            for (BenchCommand c : BenchCommand.values()) {
                byte[] cmd = c.bytes();
                for (Subject s : r % 2 == 0 ? List.of(a, b) : List.of(b, a)) {
                    if (s.failure[c.ordinal()] != 0) continue;
                    long[] samples = s.samples[c.ordinal()];
                    for (int i = from; i < to; i++) {
                        long t0 = System.nanoTime();
                        byte[] rsp = s.transact(cmd);
                        samples[i] = System.nanoTime() - t0;
                        check(s, c, rsp);
                    }
                }
            }
            StringBuilder medians = new StringBuilder();
            for (BenchCommand c : BenchCommand.values()) {
                for (Subject s : List.of(a, b)) {
                    if (s.failure[c.ordinal()] != 0) continue;
                    long[] part = java.util.Arrays.copyOfRange(s.samples[c.ordinal()], from, to);
                    medians.append(String.format(Locale.ROOT, " %.1f", LatencyStats.of(part, part.length).medianMicros()));
                }
                medians.append(" |");
            }
            System.err.printf("round %d/%d done; medians µs (a b per command):%s%n", r + 1, rounds, medians);
        }
    }

    private static void check(Subject s, BenchCommand c, byte[] rsp) throws IOException {
        int rc = BenchCommand.responseCode(rsp);
        if (rc != 0) throw new IOException(s.server.name + ": " + c.label() + " failed with 0x" + Integer.toHexString(rc));
    }

    private String table(Subject jtpm, Subject sw) {
        StringBuilder t = new StringBuilder();
        t.append("| command | jtpm median µs | jtpm rounds | jtpm p99 µs | swtpm median µs | swtpm rounds | swtpm p99 µs | median ratio | p99 ratio |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchCommand c : BenchCommand.values()) {
            int i = c.ordinal();
            LatencyStats j = jtpm.failure[i] == 0 ? LatencyStats.of(jtpm.samples[i], iterations) : null;
            LatencyStats s = sw.failure[i] == 0 ? LatencyStats.of(sw.samples[i], iterations) : null;
            t.append("| ").append(c.label()).append(" | ")
                    .append(j == null ? na(jtpm.failure[i]) : f(j.medianMicros())).append(" | ")
                    .append(j == null ? "–" : roundSpread(jtpm.samples[i])).append(" | ")
                    .append(j == null ? na(jtpm.failure[i]) : f(j.p99Micros())).append(" | ")
                    .append(s == null ? na(sw.failure[i]) : f(s.medianMicros())).append(" | ")
                    .append(s == null ? "–" : roundSpread(sw.samples[i])).append(" | ")
                    .append(s == null ? na(sw.failure[i]) : f(s.p99Micros())).append(" | ")
                    .append(j == null || s == null ? "–" : String.format(Locale.ROOT, "%.2f", j.medianMicros() / s.medianMicros()))
                    .append(" | ")
                    .append(j == null || s == null ? "–" : String.format(Locale.ROOT, "%.2f", j.p99Micros() / s.p99Micros()))
                    .append(" |\n");
        }
        return t.toString();
    }

    /** The lowest and highest per-round median of {@code samples}, as "a–b" in µs. */
    private String roundSpread(long[] samples) {
        double lo = Double.MAX_VALUE, hi = 0;
        int perRound = iterations / rounds;
        for (int r = 0; r < rounds; r++) {
            int from = r * perRound, to = r == rounds - 1 ? iterations : from + perRound;
            long[] part = java.util.Arrays.copyOfRange(samples, from, to);
            double m = LatencyStats.of(part, part.length).medianMicros();
            lo = Math.min(lo, m);
            hi = Math.max(hi, m);
        }
        return f(lo) + "–" + f(hi);
    }

    private int scaled(int n) { return Math.max(1, (int) Math.round(n * keyScale)); }

    private int keyRounds() { return Math.min(rounds, 5); }

    private int sessionScaled(int n) { return Math.max(1, (int) Math.round(n * sessionScale)); }

    /** The samples of one session measurement on both servers. */
    private record SessionSamples(SessionBench bench, long[] jtpm, long[] swtpm) {}

    /**
     * Measures every {@link SessionBench} on both servers: its fixture prepared (and checked) on each, a
     * warm-up, then interleaved rounds as {@link #measureKeys} does; the fixtures' objects are flushed at the end.
     */
    private List<SessionSamples> measureSessions(Subject a, Subject b) throws IOException {
        List<SessionSamples> result = new ArrayList<>();
        for (SessionBench k : SessionBench.values()) {
            long[][] samples = measureFixtures(a, b, sessionScaled(k.iterations), sessionScaled(k.warmup), k::prepare);
            System.err.printf("%s done%n", k.label());
            result.add(new SessionSamples(k, samples[0], samples[1]));
        }
        return result;
    }

    /** Prepares a {@link SessionBench.Fixture} on one server. */
    private interface FixtureMaker {
        SessionBench.Fixture prepare(RawTpmClient client, String server) throws IOException;
    }

    /**
     * One fixture measurement on both servers: prepared (and checked) on each, {@code w} warm-up sequences
     * each, then {@code n} measured each in interleaved rounds as {@link #measureKeys} does; closed at the end.
     * Returns the samples of a, then of b.
     */
    private long[][] measureFixtures(Subject a, Subject b, int n, int w, FixtureMaker maker) throws IOException {
        int r = Math.min(keyRounds(), n);
        List<Subject> both = List.of(a, b);
        SessionBench.Fixture[] fixture = new SessionBench.Fixture[2];
        for (int s = 0; s < 2; s++) fixture[s] = maker.prepare(both.get(s).client, both.get(s).server.name);
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < w; i++) fixture[s].once(i);
        }
        long[][] samples = {new long[n], new long[n]};
        int perRound = n / r;
        for (int round = 0; round < r; round++) {
            int from = round * perRound, to = round == r - 1 ? n : from + perRound;
            for (int s : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                for (int i = from; i < to; i++) samples[s][i] = fixture[s].once(w + i);
            }
        }
        for (int s = 0; s < 2; s++) fixture[s].close();
        return samples;
    }

    private int nvScaled(int n) { return Math.max(1, (int) Math.round(n * nvScale)); }

    /** The samples of one NV, Quote or ActivateCredential measurement on both servers. */
    private record NvSamples(NvBench bench, long[] jtpm, long[] swtpm) {}

    private List<NvSamples> measureNv(Subject a, Subject b, int nvBytes) throws IOException {
        List<NvSamples> result = new ArrayList<>();
        for (NvBench k : NvBench.values()) {
            long[][] samples = measureFixtures(a, b, nvScaled(k.iterations), nvScaled(k.warmup),
                    (client, server) -> k.prepare(client, server, nvBytes));
            System.err.printf("%s done%n", k.label(nvBytes));
            result.add(new NvSamples(k, samples[0], samples[1]));
        }
        return result;
    }

    private static String nvTable(List<NvSamples> all, int nvBytes) {
        StringBuilder t = new StringBuilder();
        t.append("| command | jtpm median µs | jtpm p99 µs | swtpm median µs | swtpm p99 µs | median ratio | p99 ratio |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (NvSamples k : all) t.append(row(k.bench().label(nvBytes), k.jtpm(), k.swtpm()));
        return t.toString();
    }

    private static String sessionTable(List<SessionSamples> all) {
        StringBuilder t = new StringBuilder();
        t.append("| sequence | jtpm median µs | jtpm p99 µs | swtpm median µs | swtpm p99 µs | median ratio | p99 ratio |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (SessionSamples k : all) t.append(row(k.bench().label(), k.jtpm(), k.swtpm()));
        return t.toString();
    }

    private static String row(String label, long[] jtpmSamples, long[] swtpmSamples) {
        LatencyStats j = LatencyStats.of(jtpmSamples, jtpmSamples.length), s = LatencyStats.of(swtpmSamples, swtpmSamples.length);
        return "| " + label + " | " + f(j.medianMicros()) + " | " + f(j.p99Micros()) + " | " + f(s.medianMicros()) + " | "
                + f(s.p99Micros()) + " | " + String.format(Locale.ROOT, "%.2f", j.medianMicros() / s.medianMicros()) + " | "
                + String.format(Locale.ROOT, "%.2f", j.p99Micros() / s.p99Micros()) + " |\n";
    }

    /** The samples of one key command on both servers. */
    private record KeySamples(KeyBench bench, long[] jtpm, long[] swtpm) {}

    /**
     * Measures every {@link KeyBench} on both servers: a signing key made first where needed, a warm-up,
     * then interleaved rounds as {@link #measure} does; the signing keys are flushed at the end.
     */
    private List<KeySamples> measureKeys(Subject a, Subject b) throws IOException {
        List<KeySamples> result = new ArrayList<>();
        for (KeyBench k : KeyBench.values()) {
            int n = scaled(k.iterations), w = scaled(k.warmup), r = Math.min(keyRounds(), n);
            List<Subject> both = List.of(a, b);
            int[] key = new int[2];
            if (k.kind == KeyBench.Kind.SIGN) {
                for (int s = 0; s < 2; s++) key[s] = KeyBench.createdHandle(transactRetrying(both.get(s), k.createPrimary(0)));
            }
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < w; i++) keyCommand(both.get(s), k, i, key[s]);
            }
            long[][] samples = {new long[n], new long[n]};
            int perRound = n / r;
            for (int round = 0; round < r; round++) {
                int from = round * perRound, to = round == r - 1 ? n : from + perRound;
                for (int s : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    for (int i = from; i < to; i++) samples[s][i] = keyCommand(both.get(s), k, KeyBench.MEASURED_BASE + i, key[s]);
                }
            }
            if (k.kind == KeyBench.Kind.SIGN) {
                for (int s = 0; s < 2; s++) expectSuccess(both.get(s), "FlushContext", both.get(s).client.transact(KeyBench.flush(key[s])));
            }
            System.err.printf("%s done%n", k.label());
            result.add(new KeySamples(k, samples[0], samples[1]));
        }
        return result;
    }

    /** One measured key command; returns its round-trip time in ns (the FlushContext after a CreatePrimary is not in it). */
    private static long keyCommand(Subject s, KeyBench k, int index, int keyHandle) throws IOException {
        byte[] cmd = k.kind == KeyBench.Kind.SIGN ? KeyBench.sign(keyHandle) : k.createPrimary(index);
        long t0 = System.nanoTime();
        byte[] rsp = transactRetrying(s, cmd);
        long t = System.nanoTime() - t0;
        expectSuccess(s, k.label(), rsp);
        if (k.kind != KeyBench.Kind.SIGN) {
            expectSuccess(s, "FlushContext", s.client.transact(KeyBench.flush(KeyBench.createdHandle(rsp))));
        }
        return t;
    }

    /**
     * Sends {@code cmd} again while the TPM answers TPM_RC_RETRY, TPM_RC_TESTING or TPM_RC_YIELDED, as a
     * TSS does (libtpms answers TPM_RC_RETRY to the first use of an algorithm it has not self-tested yet).
     */
    private static byte[] transactRetrying(Subject s, byte[] cmd) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] rsp = s.client.transact(cmd);
            int rc = BenchCommand.responseCode(rsp);
            if ((rc != 0x922 && rc != 0x90A && rc != 0x908) || attempt == 10) return rsp;
        }
    }

    private static void expectSuccess(Subject s, String what, byte[] rsp) throws IOException {
        int rc = BenchCommand.responseCode(rsp);
        if (rc != 0) throw new IOException(s.server.name + ": " + what + " failed with 0x" + Integer.toHexString(rc));
    }

    private static String keyTable(List<KeySamples> all) {
        StringBuilder t = new StringBuilder();
        t.append("| command | jtpm median µs | jtpm p99 µs | swtpm median µs | swtpm p99 µs | median ratio | p99 ratio |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (KeySamples k : all) t.append(row(k.bench().label(), k.jtpm(), k.swtpm()));
        return t.toString();
    }

    private static String na(int rc) { return String.format(Locale.ROOT, "n/a (rc 0x%03x)", rc); }

    private static String f(double micros) { return String.format(Locale.ROOT, "%.1f", micros); }
}
