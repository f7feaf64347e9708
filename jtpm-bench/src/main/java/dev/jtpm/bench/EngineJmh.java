package dev.jtpm.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link EngineBenchmark} briefly (1 fork, 3 × 1 s warm-up, 5 × 1 s measurement) and writes the
 * results into {@code docs/benchmarks.md}. Usage: {@code EngineJmh [--out FILE|-] [JMH options]}; when
 * JMH options are given they replace the brief defaults.
 */
public final class EngineJmh {
    private EngineJmh() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs/benchmarks.md");
        if (args.length >= 2 && args[0].equals("--out")) {
            out = Path.of(args[1]);
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        Options opts;
        String how;
        if (args.length == 0) {
            opts = new OptionsBuilder().include(EngineBenchmark.class.getName()).forks(1)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1)).build();
            how = "-f 1 -wi 3 -w 1s -i 5 -r 1s";
        } else {
            opts = new CommandLineOptions(args);
            how = String.join(" ", args);
        }
        String environment = Environment.describe();
        Collection<RunResult> results = new Runner(opts).run();
        Map<String, RunResult> byCommand = new LinkedHashMap<>();
        for (RunResult r : results) byCommand.put(r.getParams().getParam("command"), r);

        StringBuilder t = new StringBuilder();
        t.append("| command | µs/op (mean) | ± error (99.9 %) | ops/s |\n|---|---:|---:|---:|\n");
        for (BenchCommand c : BenchCommand.values()) {
            RunResult r = byCommand.get(c.name());
            t.append("| ").append(c.label()).append(" | ");
            if (r == null) {
                t.append("not measured (the command did not succeed) | – | – |\n");
                continue;
            }
            var p = r.getPrimaryResult();
            double us = p.getScore();
            if (!p.getScoreUnit().startsWith("us")) throw new IllegalStateException("unexpected unit " + p.getScoreUnit());
            double err = p.getScoreError();
            t.append(String.format(Locale.ROOT, "%.2f | %s | %.0f |%n", us,
                    Double.isNaN(err) ? "–" : String.format(Locale.ROOT, "%.2f", err), TimeUnit.SECONDS.toMicros(1) / us));
        }
        String section = "## JMH: the in-process engine\n\n" + environment + "\n\n"
                + "`Tpm.execute` on the same command bytes as above, no transport, on a `Tpm` built with"
                + " `Platform.of(NvStore.inMemory())` after TPM2_Startup(CLEAR); average time per command,"
                + " JMH 1.37 with `" + how + "` (brief: on two shared cores the error bars are wide).\n\n" + t;
        System.out.println(t);
        if (!out.toString().equals("-")) {
            BenchmarksDoc.update(out, BenchmarksDoc.JMH, section);
            System.err.println("written to " + out);
        }
    }
}
