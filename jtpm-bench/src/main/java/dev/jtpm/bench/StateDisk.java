package dev.jtpm.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where the servers keep their state, and what making one state file durable costs there: a non-orderly NV
 * change is written to disk before the response on both servers, so its latency is bound by the file system
 * the state directories are on (tmpfs, or a disk that honours fsync).
 */
final class StateDisk {
    private StateDisk() {}

    /** A sentence naming the file system(s) of the state directories, as {@code df} would. */
    static String describe(Path... stateDirs) throws IOException {
        Set<String> stores = new LinkedHashSet<>();
        for (Path d : stateDirs) {
            FileStore fs = Files.getFileStore(d);
            stores.add("`" + fs.name() + "` (" + fs.type() + ")");
        }
        Path parent = stateDirs[0].toAbsolutePath().getParent();
        return "The fresh state directories are in " + parent + ", on " + String.join(" and ", stores)
                + (stores.stream().anyMatch(s -> s.contains("(tmpfs)")) ? ", i.e. in memory: fsync costs nothing there."
                        : ", i.e. on disk: fsync waits for the device.");
    }

    /**
     * The client's own cost of one durable state file in {@code dir}: {@code n} times, a file of {@code size}
     * octets written to a temporary name, fsync'ed, renamed over the previous one, and the directory fsync'ed (what
     * jtpm's state store does per file). Returns a sentence with the median and p99.
     */
    static String fsyncFloor(Path dir, int n, int size) throws IOException {
        Path d = Files.createTempDirectory(dir, "bench-fsync-");
        try {
            long[] samples = new long[n];
            byte[] data = new byte[size];
            Path tmp = d.resolve("tmp"), target = d.resolve("state");
            for (int i = 0; i < n; i++) {
                data[i % size]++;
                long t0 = System.nanoTime();
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) ch.write(b);
                    ch.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
                    ch.force(true);
                }
                samples[i] = System.nanoTime() - t0;
            }
            LatencyStats s = LatencyStats.of(samples, n);
            return String.format(Locale.ROOT, "The disk's own cost, measured by the client after the table in the same"
                    + " file system: %d times a file of %d octets (about the size of either server's `tpm2-00.permall` while the 1 KiB index exists) written under"
                    + " a temporary name, fsync'ed, renamed over the previous one, and the directory fsync'ed (what jtpm's"
                    + " state store does per file): median %.1f µs, p99 %.1f µs.", n, size, s.medianMicros(), s.p99Micros());
        } finally {
            try (var files = Files.list(d)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(d);
        }
    }
}
