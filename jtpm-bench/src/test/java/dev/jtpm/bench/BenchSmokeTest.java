package dev.jtpm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.Tpm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick checks of the benchmark plumbing; nothing here measures or asserts a time. */
class BenchSmokeTest {

    @Test
    void percentiles_areNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) nanos[i] = (100 - i) * 1_000L; // 100 µs .. 1 µs, unsorted
        LatencyStats s = LatencyStats.of(nanos, 100);
        assertThat(s.minMicros()).isEqualTo(1.0);
        assertThat(s.medianMicros()).isEqualTo(50.0);
        assertThat(s.p99Micros()).isEqualTo(99.0);
        assertThat(nanos[0]).isEqualTo(100_000L); // not sorted in place
    }

    @Test
    void commands_haveConsistentHeaders() {
        for (BenchCommand c : BenchCommand.values()) {
            byte[] b = c.bytes();
            int size = ((b[2] & 0xFF) << 24) | ((b[3] & 0xFF) << 16) | ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
            assertThat(size).as(c.label()).isEqualTo(b.length);
        }
    }

    @Test
    void engineBenchmarkSetup_startsTheTpmAndRunsGetRandom() {
        Tpm tpm = EngineBenchmark.startedTpm();
        byte[] cmd = EngineBenchmark.checked(tpm, BenchCommand.GET_RANDOM_8);
        assertThat(BenchCommand.responseCode(tpm.execute(cmd, 0))).isZero();
    }

    @Test
    void launcherJvmOptions_areReadFromTheLauncher(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("jtpm");
        Files.writeString(f, "#!/bin/sh\n  jvm_options=(-XX:+UseSerialGC  -Xshare:auto)\nexec java \"${jvm_options[@]}\"\n");
        assertThat(SideBySide.launcherJvmOptions(f)).containsExactly("-XX:+UseSerialGC", "-Xshare:auto");
        assertThat(SideBySide.launcherJvmOptions(Path.of("../jtpm"))).as("the real launcher")
                .contains("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void doc_keepsTextOutsideMarkers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("docs/benchmarks.md");
        BenchmarksDoc.update(f, BenchmarksDoc.JMH, "first");
        Files.writeString(f, Files.readString(f) + "\nhand-written notes\n");
        BenchmarksDoc.update(f, BenchmarksDoc.JMH, "second");
        BenchmarksDoc.update(f, BenchmarksDoc.SIDE_BY_SIDE, "table");
        String text = Files.readString(f);
        assertThat(text).contains("second", "table", "hand-written notes").doesNotContain("first");
    }
}
