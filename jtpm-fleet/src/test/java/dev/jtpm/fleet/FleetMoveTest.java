package dev.jtpm.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts of a fleet as separate processes ({@link FleetHostMain}: an InstanceHost each) on one real PostgreSQL, driven
 * by tpm2-tools: a TPM moves between hosts with its sealed secret and NV counter, is taken over after a kill -9 once
 * the lease expires, a cut-off host is fenced (TPM_RC_FAILURE), a restarted host with its old view is refused, and a
 * kill -9 under command load loses no acknowledged write and skips or reuses no generation.
 */
@Timeout(600)
class FleetMoveTest {
    static PostgresServer pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Tpm2Tools.require();
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception { if (pg != null) pg.close(); }

    private static final String LEASE = "lease=3"; // short for the test, long enough for a loaded CI machine

    private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f";

    /** A host whose instances' rows are encrypted with {@link #KEY_HEX} (jtpm host --key). */
    private FleetHostProcess host(String name) throws IOException {
        return FleetHostProcess.start(tmp.resolve(name), pg.uri("jtpm", LEASE), Map.of(), tmp.resolve(name + ".log"), keyFile());
    }

    private Path keyFile() throws IOException {
        Path k = tmp.resolve("state.key");
        if (!Files.exists(k)) Files.writeString(k, KEY_HEX + "\n");
        return k;
    }

    /** A host that finds its password in PGPASSWORD (no passfile= in the URI). */
    private FleetHostProcess hostWithEnvPassword(String name) throws IOException {
        String uri = "postgresql://" + PostgresServer.USER + "@127.0.0.1:" + pg.port() + "/jtpm?" + LEASE;
        return FleetHostProcess.start(tmp.resolve(name), uri, Map.of("PGPASSWORD", pg.password(), "PGPASSFILE", "/nonexistent"),
                tmp.resolve(name + ".log"), keyFile());
    }

    private Tpm2Tools.Run tool(int port, String tool, String... args) throws Exception {
        // no resource manager between the tools and the TPM: what one tool left loaded is flushed first (3 slots)
        if (!tool.equals("flushcontext")) Tpm2Tools.run(tmp, port, null, "flushcontext", "-t").ok();
        return Tpm2Tools.run(tmp, port, null, tool, args);
    }

    private long counter(int port, String index) throws Exception {
        byte[] b = tool(port, "nvread", "-C", "o", index).ok().out().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(b).hasSize(8);
        return ByteBuffer.wrap(b).getLong();
    }

    /** Sends {@code command} until it answers OK (the lease of a dead host runs out meanwhile); the data port. */
    private static int untilOk(FleetHostProcess h, String command) throws Exception {
        for (int i = 0; i < 300; i++) {
            String a = h.send(command);
            if (a.startsWith("OK ")) return Integer.parseInt(a.split(" ")[2]);
            assertThat(a).startsWith("ERR 409").contains("is in use");
            Thread.sleep(100);
        }
        throw new AssertionError(command + " never succeeded");
    }

    @Test
    void instanceMoves_isTakenOverAfterKill_andACutOffHostIsFenced() throws Exception {
        try {
            moveStory();
        } catch (AssertionError | Exception e) {
            for (String h : new String[] {"a", "b", "c"}) {
                Path log = tmp.resolve(h + ".log");
                if (Files.exists(log)) System.err.println("---- host " + h + " log:\n" + Files.readString(log));
            }
            throw e;
        }
    }

    private void moveStory() throws Exception {
        try (FleetHostProcess a = host("a"); FleetHostProcess b = hostWithEnvPassword("b"); FleetHostProcess c = host("c")) {
            int pa = a.create("vm1");
            tool(pa, "createprimary", "-C", "o", "-c", "prim.ctx").ok();
            tool(pa, "flushcontext", "-t").ok();
            Tpm2Tools.run(tmp, pa, "top secret", "create", "-C", "prim.ctx", "-i-", "-u", "seal.pub", "-r", "seal.priv").ok();
            tool(pa, "load", "-C", "prim.ctx", "-u", "seal.pub", "-r", "seal.priv", "-c", "seal.ctx").ok();
            tool(pa, "evictcontrol", "-C", "o", "-c", "seal.ctx", "0x81000005").ok();
            tool(pa, "flushcontext", "-t").ok();
            tool(pa, "nvdefine", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter", "0x1500016").ok();
            for (int i = 0; i < 3; i++) tool(pa, "nvincrement", "-C", "o", "0x1500016").ok();
            long v = counter(pa, "0x1500016");

            assertThat(a.send("start vm1")).endsWith(" postgresql://jtpm@127.0.0.1:" + pg.port() + "/jtpm#vm1"); // the API's tpmstate
            // B may not start it while A holds the lease
            assertThat(b.send("create vm1")).startsWith("ERR 409").contains("instance vm1 is in use").contains("holds its lease until");

            // move: stop on A, start on B
            assertThat(a.send("stop vm1")).startsWith("OK");
            int pb = b.create("vm1");
            assertThat(tool(pb, "unseal", "-c", "0x81000005").ok().out()).isEqualTo("top secret");
            tool(pb, "createprimary", "-C", "o", "-c", "prim2.ctx").ok();
            tool(pb, "load", "-C", "prim2.ctx", "-u", "seal.pub", "-r", "seal.priv", "-c", "seal2.ctx").ok();
            assertThat(tool(pb, "unseal", "-c", "seal2.ctx").ok().out()).isEqualTo("top secret");
            tool(pb, "flushcontext", "-t").ok();
            assertThat(counter(pb, "0x1500016")).isEqualTo(v);
            tool(pb, "nvincrement", "-C", "o", "0x1500016").ok();

            // forced take-over: B dies; A gets it back once B's lease has run out, not before
            b.kill9();
            assertThat(a.send("start vm1")).startsWith("ERR 409").contains("is in use");
            pa = untilOk(a, "start vm1");
            assertThat(counter(pa, "0x1500016")).isEqualTo(v + 1);
            assertThat(tool(pa, "unseal", "-c", "0x81000005").ok().out()).isEqualTo("top secret");

            // A is cut off (stopped), its lease runs out, C takes over and writes
            a.signal("STOP");
            int pc = untilOk(c, "create vm1");
            tool(pc, "nvincrement", "-C", "o", "0x1500016").ok();
            a.signal("CONT");
            // A wakes up with its old view: its writes are refused and its TPM is in failure mode
            Tpm2Tools.Run late = tool(pa, "nvincrement", "-C", "o", "0x1500016");
            assertThat(late.exit()).isNotZero();
            assertThat(late.err()).contains("0x101");
            assertThat(Tpm2Tools.run(tmp, pa, null, "nvread", "-C", "o", "0x1500016").err()).contains("0x101");
            assertThat(counter(pc, "0x1500016")).isEqualTo(v + 2);
            assertThat(Files.readString(tmp.resolve("a.log"))).contains("instance vm1 fenced");

            // A restarted (a new process on its directory): the instance does not start while C holds it
            a.kill9();
            try (FleetHostProcess a2 = host("a")) {
                assertThat(a2.send("start vm1")).startsWith("ERR 409").contains("instance vm1 is in use");
                assertThat(Files.readString(tmp.resolve("a.log"))).contains("instance vm1 not started");
            }
            assertThat(counter(pc, "0x1500016")).isEqualTo(v + 2);
            c.exit();
        }
        assertGenerationsContiguous("vm1");
        // the rows the hosts wrote are ciphertext under the hosts' key
        byte[] row = java.util.HexFormat.of().parseHex(pg.psql("jtpm", "SELECT encode(blob, 'hex') FROM jtpm_state WHERE name = 'vm1' AND kind = 1"));
        dev.jtpm.wire.StateKey key = dev.jtpm.wire.StateKey.of(java.util.HexFormat.of().parseHex(KEY_HEX));
        assertThat(dev.jtpm.wire.StateBlob.decodeFile(row, java.util.Optional.of(key))).isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.jtpm.wire.StateBlob.decodeFile(row, java.util.Optional.empty()))
                .isInstanceOf(dev.jtpm.wire.StateBlobException.class);
    }

    @Test
    void killDuringCommandLoad_losesNoAcknowledgedWrite_andSkipsNoGeneration() throws Exception {
        long acked;
        long before;
        try (FleetHostProcess e = host("e")) {
            int pe = e.create("load1");
            tool(pe, "nvdefine", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter", "0x1500020").ok();
            tool(pe, "nvincrement", "-C", "o", "0x1500020").ok();
            before = counter(pe, "0x1500020");
            AtomicLong ok = new AtomicLong();
            Thread load = Thread.ofPlatform().start(() -> {
                try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", pe)) {
                    while (true) {
                        byte[] r = t.execute(NV_INCREMENT_0x1500020, 0);
                        int rc = ByteBuffer.wrap(r, 6, 4).getInt();
                        if (rc != 0) throw new AssertionError("NV_Increment answered 0x" + Integer.toHexString(rc));
                        ok.incrementAndGet();
                    }
                } catch (IOException gone) {
                    // the host was killed
                }
            });
            while (ok.get() < 200) Thread.sleep(20);
            e.kill9();
            load.join(60_000);
            acked = ok.get();
        }
        try (FleetHostProcess f = host("f")) {
            int pf = untilOk(f, "create load1");
            long after = counter(pf, "0x1500020");
            // every acknowledged increment is there; at most the one in flight when the host died went in unacknowledged
            assertThat(after).isBetween(before + acked, before + acked + 1);
            f.exit();
        }
        assertGenerationsContiguous("load1");
        // each acknowledged increment was its own committed generation
        assertThat(Long.parseLong(pg.psql("jtpm", "SELECT generation FROM jtpm_instance WHERE name = 'load1'"))).isGreaterThan(acked);
    }

    /** Generations 1..N each written once (the log's key forbids reuse, none is missing), and the instance row at N. */
    private static void assertGenerationsContiguous(String name) throws Exception {
        String r = pg.psql("jtpm", "SELECT count(*) || ' ' || min(generation) || ' ' || max(generation) || ' '"
                + " || (SELECT generation FROM jtpm_instance WHERE name = '" + name + "') FROM jtpm_log WHERE name = '" + name + "'");
        String[] f = r.split(" ");
        long count = Long.parseLong(f[0]), min = Long.parseLong(f[1]), max = Long.parseLong(f[2]);
        assertThat(count).isGreaterThan(2);
        assertThat(max - min + 1).isEqualTo(count);
        if (max <= 1000) assertThat(min).isEqualTo(1); // the log keeps the last 1,000 generations (log-keep)
        assertThat(Long.parseLong(f[3])).isEqualTo(max);
    }

    /** TPM2_NV_Increment(TPM_RH_OWNER, 0x01500020) with an empty password session. */
    private static final byte[] NV_INCREMENT_0x1500020 = java.util.HexFormat.of().parseHex(
            "80020000001f00000134" + "40000001" + "01500020" + "00000009" + "40000009" + "0000" + "01" + "0000");
}
