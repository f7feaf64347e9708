package dev.jtpm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code docs/benchmarks.md}: generated sections between {@code <!-- BEGIN name -->} and
 * {@code <!-- END name -->} markers; everything outside the markers (the introduction, observations
 * written by hand) is kept. A missing file is created from a template.
 */
final class BenchmarksDoc {
    static final String SIDE_BY_SIDE = "side-by-side";
    static final String SIDE_BY_SIDE_SHORT = "side-by-side-short";
    static final String SIDE_BY_SIDE_KEYS = "side-by-side-keys";
    static final String SIDE_BY_SIDE_SESSIONS = "side-by-side-sessions";
    static final String SIDE_BY_SIDE_NV = "side-by-side-nv";
    static final String JMH = "jmh";

    private BenchmarksDoc() {}

    /** Replaces section {@code name} of {@code file} with {@code body}. */
    static void update(Path file, String name, String body) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : template();
        String begin = "<!-- BEGIN " + name + " -->", end = "<!-- END " + name + " -->";
        int b = text.indexOf(begin), e = text.indexOf(end);
        String section = begin + "\n" + body.strip() + "\n" + end;
        if (b < 0 || e < b) {
            text = text.stripTrailing() + "\n\n" + section + "\n";
        } else {
            text = text.substring(0, b) + section + text.substring(e + end.length());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String template() {
        return """
                # Benchmarks

                Speed is measured, not asserted: no test asserts a wall-clock time. The numbers below are
                produced by the `jtpm-bench` module and written into this file by the tools themselves
                (the parts between the `BEGIN`/`END` markers are regenerated; the rest is kept).

                ## How to reproduce

                ```
                bench/side-by-side.sh          # builds, then jtpm vs swtpm over TCP (needs swtpm installed)
                bench/side-by-side.sh --jmh    # the same, then the brief JMH run of the in-process engine
                bench/side-by-side.sh --no-build --connection-per-command   # tcti-swtpm's way: a connection per command
                bench/side-by-side.sh --no-build --out - --jtpm-jvm-arg -XX:TieredStopAtLevel=1   # an experiment, printed only
                ```

                JMH alone, with any JMH options:
                `java -cp 'jtpm-bench/target/jtpm-bench.jar:jtpm-bench/target/lib/*' org.openjdk.jmh.Main EngineBenchmark`.

                <!-- BEGIN side-by-side -->
                <!-- END side-by-side -->

                <!-- BEGIN side-by-side-keys -->
                <!-- END side-by-side-keys -->

                <!-- BEGIN side-by-side-sessions -->
                <!-- END side-by-side-sessions -->

                <!-- BEGIN side-by-side-nv -->
                <!-- END side-by-side-nv -->

                <!-- BEGIN side-by-side-short -->
                <!-- END side-by-side-short -->

                <!-- BEGIN jmh -->
                <!-- END jmh -->
                """;
    }
}
