package dev.jtpm.bench;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.TlsCertificates;
import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.server.connect.TlsForwarder;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.tls.TlsClient;
import dev.jtpm.tss.tls.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * TLS's added latency: one jtpm TPM served twice in this process, on plain TCP and on {@code type=tls} (TLS 1.3, mutual
 * authentication, certificates from {@code jtpm localca}), driven by one client on 127.0.0.1 — over a kept
 * connection (jtpm's TSS, QEMU-style clients), and with a new connection per command (tcti-swtpm's way) directly and
 * through {@code jtpm connect}'s forwarder. Writes the "tls" section of docs/benchmarks.md.
 *
 * <p>{@code java -cp 'jtpm-bench/target/classes:…' dev.jtpm.bench.TlsBench [--out docs/benchmarks.md|-] [--scale 1.0]}
 */
public final class TlsBench {
    private static final BenchCommand[] COMMANDS = {BenchCommand.GET_RANDOM_8, BenchCommand.PCR_READ};

    private TlsBench() {}

    /** Runs the measurement. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs/benchmarks.md");
        double scale = 1.0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = args[++i].equals("-") ? null : Path.of(args[i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String env = Environment.describe();
        Path dir = Files.createTempDirectory("jtpm-tls-bench");
        LocalCa ca = LocalCa.open(dir.resolve("ca"));
        Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.caCertificatesPem());
        TlsFiles server = issue(ca, TlsCertificates.Role.SERVER, "IP:127.0.0.1", dir, "server", caPem);
        TlsFiles client = issue(ca, TlsCertificates.Role.CLIENT, null, dir, "client", caPem);
        SwtpmFlags flags = SwtpmFlags.parse("not-need-init,startup-clear");
        TlsClient tlsClient = TlsClient.load(client, true);
        try (TpmInstance plain = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(
                     new ChannelSpec.Tcp("127.0.0.1", 0, false), new ChannelSpec.Tcp("127.0.0.1", 0, false), flags, false, false,
                     false, ServerLog.NONE));
             TpmInstance tls = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(
                     new ChannelSpec.Tls("127.0.0.1", 0, server), new ChannelSpec.Tls("127.0.0.1", 0, server), flags, false,
                     false, false, ServerLog.NONE));
             TlsForwarder fwd = TlsForwarder.start(new TlsForwarder.Local.Tcp("127.0.0.1", 0),
                     new TlsForwarder.Remote("127.0.0.1", tls.dataPort()), new TlsForwarder.Remote("127.0.0.1", tls.ctrlPort()),
                     tlsClient, false, 0, System.err::println)) { // per connection: the figures below are per-command handshakes
            int kept = (int) (20_000 * scale), keptWarm = (int) (10_000 * scale);
            int fresh = (int) (1_000 * scale), freshWarm = (int) (500 * scale);
            StringBuilder md = new StringBuilder("## TLS: added latency (jtpm socket `type=tls`, `jtpm connect`)\n\n")
                    .append(env).append("\n\n")
                    .append("One jtpm TPM per server, in the benchmark's process (`TpmInstance` with `type=tcp` and with `type=tls`:"
                            + " TLS 1.3, client certificate required, ECDSA P-256 certificates from `jtpm localca`); one client on"
                            + " 127.0.0.1. *Kept connection*: one connection per server, as jtpm's TSS, `jtpm pipe --backend` and"
                            + " QEMU use it; warm-up " + keptWarm + ", then " + kept + " measured per command and server in 10"
                            + " interleaved rounds. *New connection per command*: what tcti-swtpm (tpm2-tools) does; connect, handshake"
                            + " and close in the measured time; the TLS client keeps one context, so JSSE resumes its session;"
                            + " warm-up " + freshWarm + ", then " + fresh + " measured; *through jtpm connect*: the client connects"
                            + " in plain TCP to the forwarder, which opens a TLS connection per connection (its `--per-connection` mode; by default it keeps one per client process). Client-side round trip in µs."
                            + " Reproduce: `java -cp 'jtpm-bench/target/classes:…' dev.jtpm.bench.TlsBench` (`--scale 0.2` for a quick"
                            + " look, `--out -` to print only).\n\n")
                    .append("| command | path | plain TCP median µs | TLS median µs | added median µs | plain p99 µs | TLS p99 µs |\n")
                    .append("|---|---|---:|---:|---:|---:|---:|\n");
            for (BenchCommand c : COMMANDS) {
                LatencyStats[] k = kept(c, plain.dataPort(), tls.dataPort(), tlsClient, keptWarm, kept);
                row(md, c, "kept connection", k[0], k[1]);
            }
            for (BenchCommand c : COMMANDS) {
                LatencyStats[] f = fresh(c, plain.dataPort(), tls.dataPort(), tlsClient, fwd.localPort(), freshWarm, fresh);
                row(md, c, "new connection per command", f[0], f[1]);
                row(md, c, "new connection per command, through jtpm connect", f[0], f[2]);
            }
            System.out.println(md);
            if (out != null) BenchmarksDoc.update(out, "tls", md.toString());
        }
    }

    private static void row(StringBuilder md, BenchCommand c, String path, LatencyStats plain, LatencyStats tls) {
        md.append(String.format(java.util.Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", c.label(), path,
                plain.medianMicros(), tls.medianMicros(), tls.medianMicros() - plain.medianMicros(), plain.p99Micros(),
                tls.p99Micros()));
    }

    private static TlsFiles issue(LocalCa ca, TlsCertificates.Role role, String san, Path dir, String name, Path caPem)
            throws Exception {
        TlsCertificates.Issued i = ca.issueTls(role, "CN=bench-" + name, san, TlsCertificates.DEFAULT_VALIDITY);
        StringBuilder chain = new StringBuilder();
        for (var c : i.chain()) chain.append(LocalCa.pem(c));
        Path cert = Files.writeString(dir.resolve(name + ".pem"), chain);
        Path key = Files.writeString(dir.resolve(name + ".key"), TlsCertificates.pkcs8Pem(i.privateKey()));
        return new TlsFiles(cert, key, caPem);
    }

    /** Plain and TLS over one kept connection each, interleaved rounds. */
    private static LatencyStats[] kept(BenchCommand c, int plainPort, int tlsPort, TlsClient client, int warm, int n)
            throws IOException {
        byte[] cmd = c.bytes();
        try (ByteChannel p = new Endpoint.Tcp("127.0.0.1", plainPort).connect();
             ByteChannel t = new Endpoint.Tls("127.0.0.1", tlsPort, client).connect()) {
            for (int i = 0; i < warm; i++) {
                exchange(p, cmd);
                exchange(t, cmd);
            }
            long[] a = new long[n], b = new long[n];
            int round = Math.max(1, n / 10);
            for (int i = 0; i < n; i += round) {
                for (int j = i; j < Math.min(n, i + round); j++) a[j] = timed(p, cmd);
                for (int j = i; j < Math.min(n, i + round); j++) b[j] = timed(t, cmd);
            }
            return new LatencyStats[] {LatencyStats.of(a, n), LatencyStats.of(b, n)};
        }
    }

    /** A new connection per command: plain, TLS direct, plain to the forwarder (TLS behind it). */
    private static LatencyStats[] fresh(BenchCommand c, int plainPort, int tlsPort, TlsClient client, int fwdPort, int warm, int n)
            throws IOException {
        byte[] cmd = c.bytes();
        List<long[]> all = new ArrayList<>();
        for (int k = 0; k < 3; k++) all.add(new long[n]);
        for (int i = -warm; i < n; i++) {
            long t0 = System.nanoTime();
            try (Socket s = plain(plainPort)) {
                exchange(s.getInputStream(), s.getOutputStream(), cmd);
            }
            long t1 = System.nanoTime();
            try (SSLSocket s = client.connect("127.0.0.1", tlsPort)) {
                exchange(s.getInputStream(), s.getOutputStream(), cmd);
            }
            long t2 = System.nanoTime();
            try (Socket s = plain(fwdPort)) {
                exchange(s.getInputStream(), s.getOutputStream(), cmd);
            }
            long t3 = System.nanoTime();
            if (i >= 0) {
                all.get(0)[i] = t1 - t0;
                all.get(1)[i] = t2 - t1;
                all.get(2)[i] = t3 - t2;
            }
        }
        return new LatencyStats[] {LatencyStats.of(all.get(0), n), LatencyStats.of(all.get(1), n), LatencyStats.of(all.get(2), n)};
    }

    private static Socket plain(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoLinger(true, 0); // thousands of connections leave no ports in TIME_WAIT
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static long timed(ByteChannel ch, byte[] cmd) throws IOException {
        long t0 = System.nanoTime();
        exchange(ch, cmd);
        return System.nanoTime() - t0;
    }

    private static void exchange(ByteChannel ch, byte[] cmd) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(cmd);
        while (b.hasRemaining()) ch.write(b);
        ByteBuffer h = ByteBuffer.allocate(10);
        while (h.hasRemaining()) if (ch.read(h) < 0) throw new IOException("closed");
        int size = h.getInt(2);
        ByteBuffer rest = ByteBuffer.allocate(size - 10);
        while (rest.hasRemaining()) if (ch.read(rest) < 0) throw new IOException("closed");
        if (BenchCommand.responseCode(concat(h.array(), rest.array())) != 0) throw new IOException("TPM error");
    }

    private static void exchange(InputStream in, OutputStream out, byte[] cmd) throws IOException {
        out.write(cmd);
        out.flush();
        byte[] h = in.readNBytes(10);
        if (h.length < 10) throw new IOException("closed");
        int size = ((h[2] & 0xff) << 24) | ((h[3] & 0xff) << 16) | ((h[4] & 0xff) << 8) | (h[5] & 0xff);
        byte[] rest = in.readNBytes(size - 10);
        if (BenchCommand.responseCode(concat(h, rest)) != 0) throw new IOException("TPM error");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
