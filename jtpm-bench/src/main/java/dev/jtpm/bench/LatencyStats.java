package dev.jtpm.bench;

import java.util.Arrays;

/**
 * Order statistics of a set of latency samples (nanoseconds in, microseconds out).
 *
 * @param count the number of samples
 * @param minMicros the smallest sample
 * @param medianMicros the median (nearest rank)
 * @param p99Micros the 99th percentile (nearest rank)
 * @param meanMicros the arithmetic mean
 */
public record LatencyStats(int count, double minMicros, double medianMicros, double p99Micros, double meanMicros) {

    /** The statistics of the first {@code n} samples of {@code nanos} (the array is not modified). */
    public static LatencyStats of(long[] nanos, int n) {
        if (n <= 0 || n > nanos.length) throw new IllegalArgumentException("no samples");
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) sum += v;
        return new LatencyStats(n, sorted[0] / 1e3, percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3,
                sum / n / 1e3);
    }

    /** The nearest-rank percentile {@code p} (0 < p <= 100) of sorted samples. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
