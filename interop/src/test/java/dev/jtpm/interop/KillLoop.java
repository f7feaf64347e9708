package dev.jtpm.interop;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The kill loop of {@link KillTortureTest} and {@link NvKillTortureTest}: a real {@code jtpm socket} process on
 * {@code dir} ({@link CrashSafetyTest#startServer}), started {@code kills + 1} times. Round 0 provisions, every later
 * round first checks what the previous kill left (over a fresh connection), then a client on a virtual thread runs
 * the load until the process is SIGKILLed at a random moment 50 ms to {@code 50 + maxDelayMillis} ms into the round;
 * the last round only checks. The test's model lives in its {@link Rounds}.
 */
final class KillLoop {
    private KillLoop() {}

    /** What one kill test does in its rounds. */
    interface Rounds {
        /** Round 0: provisions the fresh TPM. */
        void provision(SwtpmSocketTransport t) throws IOException;

        /** After a restart: checks the TPM against the model; the violations. */
        List<String> verify(SwtpmSocketTransport t, int round) throws IOException;

        /**
         * The load until the kill, on connections of its own to {@code port} (data) and {@code port + 1} (control): an
         * unexpected answer, or null. An IOException before it is connected is the kill coming first.
         */
        String load(int port, int round, Random rnd) throws IOException;

        /** Progress of a long run, printed every 100 rounds. */
        default String progress() { return ""; }
    }

    /** What the rounds found: violations of the model after restarts, and unexpected answers during the load. */
    record Outcome(List<String> violations, List<String> unexpected) {}

    static Outcome run(String name, Path dir, int kills, Random rnd, int maxDelayMillis, Rounds rounds) throws Exception {
        List<String> violations = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (int round = 0; round <= kills; round++) {   // the last round only checks what the last kill left
            int port = FreePorts.pair();
            Process p = CrashSafetyTest.startServer(dir, port);
            try {
                CrashSafetyTest.awaitPort(port, p);
                try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                    if (round == 0) rounds.provision(t);
                    else violations.addAll(rounds.verify(t, round));
                }
                if (round == kills) break;
                if (round % 100 == 99) {
                    System.out.printf("%s: %d kills, %s%d violations%n", name, round, rounds.progress(), violations.size());
                }
                final int r = round;
                long seed = rnd.nextLong();
                Thread client = Thread.ofVirtual().start(() -> {
                    try {
                        String u = rounds.load(port, r, new Random(seed));
                        if (u != null) synchronized (unexpected) { unexpected.add("round " + r + ": " + u); }
                    } catch (IOException e) {
                        // the kill came before the connection
                    }
                });
                Thread.sleep(50 + rnd.nextInt(maxDelayMillis));
                p.destroyForcibly();       // SIGKILL, at a random moment of a command or between two
                client.join();
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        return new Outcome(violations, unexpected);
    }
}
