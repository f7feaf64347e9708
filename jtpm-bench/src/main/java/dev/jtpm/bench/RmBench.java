package dev.jtpm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code jtpm rm}'s cost (docs/benchmarks.md, "Resource manager"): the latency of cheap commands (GetRandom, PCR_Read)
 * on a bare {@code jtpm socket}, through {@code jtpm rm} in front of it, and through {@code jtpm rm} with the engine in
 * its own process (the same number of hops as the bare server: what remains is the RM's own work); then the
 * throughput of N clients, each on its own connection, bare and through the RM. Usage:
 * {@code java -cp 'jtpm-bench/target/jtpm-bench.jar:jtpm-bench/target/lib/*' dev.jtpm.bench.RmBench [--iterations N]
 * [--clients N] [--seconds S] [--jtpm PROGRAM]}. jtpm is started as the launcher starts it (a built tree: bin/build).
 */
public final class RmBench {
    private RmBench() {}

    /** Runs the benchmark and prints a Markdown section. */
    public static void main(String[] args) throws Exception {
        int iterations = 20_000, clients = 50, seconds = 10;
        Path root = Path.of(".");
        String program = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--jtpm" -> program = args[++i];
                case "--root" -> root = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> prefix = program != null ? List.of(program) : jtpmPrefix(root);
        List<Process> started = new ArrayList<>();
        try (ServerProcess bare = ServerProcess.start("jtpm", prefix)) {
            RawTpmClient.connect(bare.dataPort, 30_000, bare::isAlive).close();
            int rmPort = startRm(prefix, "swtpm:host=127.0.0.1,port=" + bare.dataPort, started);
            int rmInProcess = startRm(prefix, "in-process", started);
            StringBuilder out = new StringBuilder();
            out.append("## Resource manager (jtpm rm)\n\nRun ").append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                    .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.vm.version"))
                    .append(". One connection, ").append(iterations).append(" commands after as many warm-up ones, µs:\n\n")
                    .append("| command | path | median | p99 | mean |\n|---|---|---:|---:|---:|\n");
            for (BenchCommand c : List.of(BenchCommand.GET_RANDOM_8, BenchCommand.PCR_READ)) {
                for (int round = 0; round < 2; round++) { // interleaved, the second round reported
                    LatencyStats b = latency(bare.dataPort, c, iterations);
                    LatencyStats r = latency(rmPort, c, iterations);
                    LatencyStats p = latency(rmInProcess, c, iterations);
                    if (round == 1) {
                        row(out, c.label(), "bare jtpm socket", b);
                        row(out, c.label(), "jtpm rm → jtpm socket", r);
                        row(out, c.label(), "jtpm rm, engine in process", p);
                    }
                }
            }
            for (int round = 0; round < 2; round++) {
                LatencyStats b = readPublicLatency(bare.dataPort, iterations / 4);
                LatencyStats r = readPublicLatency(rmPort, iterations / 4);
                LatencyStats p = readPublicLatency(rmInProcess, iterations / 4);
                if (round == 1) {
                    String label = "ReadPublic (a loaded ECC primary: through the RM, ContextLoad before, ContextSave and FlushContext after)";
                    row(out, label, "bare jtpm socket", b);
                    row(out, label, "jtpm rm → jtpm socket", r);
                    row(out, label, "jtpm rm, engine in process", p);
                }
            }
            out.append("\nThroughput, ").append(clients).append(" clients each on its own connection sending GetRandom(8) for ")
                    .append(seconds).append(" s:\n\n| path | commands/s |\n|---|---:|\n");
            out.append("| bare jtpm socket | ").append(Math.round(throughput(bare.dataPort, clients, seconds))).append(" |\n");
            out.append("| jtpm rm → jtpm socket | ").append(Math.round(throughput(rmPort, clients, seconds))).append(" |\n");
            out.append("| jtpm rm, engine in process | ").append(Math.round(throughput(rmInProcess, clients, seconds))).append(" |\n");
            System.out.println(out);
        } finally {
            for (Process p : started) p.destroyForcibly();
        }
    }

    private static void row(StringBuilder out, String label, String path, LatencyStats s) {
        out.append(String.format("| %s | %s | %.1f | %.1f | %.1f |%n", label, path, s.medianMicros(), s.p99Micros(), s.meanMicros()));
    }

    private static List<String> jtpmPrefix(Path root) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        Path jar = r.resolve("jtpm-cli/target/jtpm-cli.jar");
        if (!Files.isRegularFile(jar)) throw new IOException(jar + " is missing: build first (bin/build)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(SideBySide.launcherJvmOptions(r.resolve("jtpm")));
        cmd.addAll(List.of("-cp", jar + ":" + r.resolve("jtpm-cli/target/lib") + "/*", "dev.jtpm.cli.Main"));
        return cmd;
    }

    private static int startRm(List<String> prefix, String backend, List<Process> started) throws IOException {
        int port = ServerProcess.freePortPair();
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("rm", "--backend", backend, "--server", "type=tcp,port=" + port));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        RawTpmClient.connect(port, 30_000, p::isAlive).close();
        return port;
    }

    private static LatencyStats latency(int port, BenchCommand c, int n) throws IOException {
        long[] nanos = new long[n];
        byte[] cmd = c.bytes();
        try (RawTpmClient client = RawTpmClient.connect(port, 10_000, () -> true)) {
            for (int i = 0; i < n; i++) check(client.transact(cmd));
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                byte[] rsp = client.transact(cmd);
                nanos[i] = System.nanoTime() - t0;
                check(rsp);
            }
        }
        return LatencyStats.of(nanos, n);
    }

    /** ReadPublic of a primary this connection created (flushed at the end). */
    private static LatencyStats readPublicLatency(int port, int n) throws IOException {
        long[] nanos = new long[n];
        try (RawTpmClient client = RawTpmClient.connect(port, 10_000, () -> true)) {
            byte[] created = client.transact(dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.CreatePrimary(
                    dev.jtpm.types.TpmRh.OWNER, dev.jtpm.types.structure.TpmsSensitiveCreate.EMPTY,
                    dev.jtpm.types.structure.Templates.ECC_P256_SRK, dev.jtpm.types.Bytes.EMPTY,
                    new dev.jtpm.types.structure.TpmlPcrSelection(List.of()))));
            check(created);
            int h = ((created[10] & 0xFF) << 24) | ((created[11] & 0xFF) << 16) | ((created[12] & 0xFF) << 8) | (created[13] & 0xFF);
            byte[] cmd = dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.ReadPublic(h));
            for (int i = 0; i < n; i++) check(client.transact(cmd));
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                byte[] rsp = client.transact(cmd);
                nanos[i] = System.nanoTime() - t0;
                check(rsp);
            }
            check(client.transact(dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.FlushContext(h))));
        }
        return LatencyStats.of(nanos, n);
    }

    private static void check(byte[] rsp) throws IOException {
        int rc = ((rsp[6] & 0xFF) << 24) | ((rsp[7] & 0xFF) << 16) | ((rsp[8] & 0xFF) << 8) | (rsp[9] & 0xFF);
        if (rc != 0) throw new IOException("TPM_RC 0x" + Integer.toHexString(rc));
    }

    private static double throughput(int port, int clients, int seconds) throws Exception {
        AtomicLong total = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] cmd = BenchCommand.GET_RANDOM_8.bytes();
                try (RawTpmClient client = RawTpmClient.connect(port, 10_000, () -> true)) {
                    client.transact(cmd);
                    ready.countDown();
                    go.await();
                    long n = 0;
                    long end = System.nanoTime() + seconds * 1_000_000_000L;
                    while (System.nanoTime() < end) {
                        check(client.transact(cmd));
                        n++;
                    }
                    total.addAndGet(n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        ready.await();
        window[0] = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        window[1] = System.nanoTime();
        return total.get() / ((window[1] - window[0]) / 1e9);
    }
}
