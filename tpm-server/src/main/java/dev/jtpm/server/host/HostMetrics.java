package dev.jtpm.server.host;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The host's metrics in Prometheus' text exposition format (version 0.0.4), written by hand: a few
 * counters, gauges and one histogram do not earn a metrics library (Micrometer would add its registry,
 * meters and a Prometheus module to every vTPM process for what is ~100 lines here).
 */
public final class HostMetrics {
    /** Upper bounds (seconds) of the command latency histogram. */
    static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final Map<Integer, LongAdder> commands = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> apiRequests = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicLong latencyNanos = new AtomicLong();
    private final LongAdder created = new LongAdder(), deleted = new LongAdder(), restarted = new LongAdder();

    /**
     * Records one TPM command: its code, its response code and how long it took.
     *
     * @param responseCode the TPM_RC of the response (0 = success)
     */
    public void command(int commandCode, int responseCode, long nanos) {
        commands.computeIfAbsent(commandCode, k -> new LongAdder()).increment();
        if (responseCode != 0) errors.increment();
        if (responseCode == 0x101) failures.increment(); // TPM_RC_FAILURE: failure mode
        double s = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (s <= BUCKETS[i]) {
                buckets.incrementAndGet(i);
                break;
            }
        }
        latencyCount.increment();
        latencyNanos.addAndGet(nanos);
    }

    void apiRequest(int status) { apiRequests.computeIfAbsent(status, k -> new LongAdder()).increment(); }

    void created() { created.increment(); }

    void deleted() { deleted.increment(); }

    void restarted() { restarted.increment(); }

    /** The exposition text; {@code instances} and {@code running} are the current counts. */
    String render(int instances, int running) {
        StringBuilder b = new StringBuilder(2048);
        gauge(b, "jtpm_instances", "TPM instances defined on this host", instances);
        gauge(b, "jtpm_instances_running", "TPM instances serving (the others are stopped)", running);
        counter(b, "jtpm_instances_created_total", "instances created through the API", created.sum());
        counter(b, "jtpm_instances_deleted_total", "instances deleted through the API", deleted.sum());
        counter(b, "jtpm_instances_restarted_total", "instances started again after a CMD_SHUTDOWN", restarted.sum());
        b.append("# HELP jtpm_commands_total TPM commands executed, by command code\n# TYPE jtpm_commands_total counter\n");
        commands.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append("jtpm_commands_total{cc=\"0x")
                .append(String.format("%08x", e.getKey())).append("\"} ").append(e.getValue().sum()).append('\n'));
        counter(b, "jtpm_command_errors_total", "TPM commands answered with a response code other than TPM_RC_SUCCESS", errors.sum());
        counter(b, "jtpm_command_failures_total", "TPM commands answered TPM_RC_FAILURE (failure mode)", failures.sum());
        b.append("# HELP jtpm_command_seconds time to execute a TPM command\n# TYPE jtpm_command_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += buckets.get(i);
            b.append("jtpm_command_seconds_bucket{le=\"").append(java.math.BigDecimal.valueOf(BUCKETS[i]).toPlainString()).append("\"} ").append(cumulative).append('\n');
        }
        b.append("jtpm_command_seconds_bucket{le=\"+Inf\"} ").append(latencyCount.sum()).append('\n');
        b.append("jtpm_command_seconds_sum ").append(latencyNanos.get() / 1e9).append('\n');
        b.append("jtpm_command_seconds_count ").append(latencyCount.sum()).append('\n');
        b.append("# HELP jtpm_api_requests_total management API requests, by HTTP status\n# TYPE jtpm_api_requests_total counter\n");
        apiRequests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append("jtpm_api_requests_total{status=\"")
                .append(e.getKey()).append("\"} ").append(e.getValue().sum()).append('\n'));
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }
}
