package dev.jtpm.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.StateStoreRequest;
import dev.jtpm.server.StateStores;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.NvWrite;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The numbers of docs/benchmarks.md's fleet section (run with {@code -Dfleet.bench=true}): a state-writing command
 * (NV_Write, EvictControl) on the directory store vs PostgreSQL on localhost, both durable (fsync, synchronous commit);
 * and 1,000 instances in one database: create (manufacture + Startup), first answer, move to another "host".
 */
@EnabledIfSystemProperty(named = "fleet.bench", matches = "true")
class FleetBenchTest {
    static final int NV = 0x01500040;

    @Test
    void bench() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("fleet.bench.dir", "/tmp")), "jtpm-bench-");
            StringBuilder report = new StringBuilder();
            try (StateStore d = DirectoryStateStore.open(dir, 0600)) {
                report.append(commands("directory (fsync)", d));
            }
            try (StateStore p = StateStores.open(new StateStoreRequest(pg.uri("jtpm", ""), "bench", Optional.empty(), ServerLog.NONE))) {
                report.append(commands("postgresql://127.0.0.1", p));
            }
            report.append(instances(pg, Integer.getInteger("fleet.bench.instances", 1000)));
            System.out.println("FLEET BENCH\n" + report);
            Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "fleet-bench.txt"), report);
        }
    }

    private static byte[] ok(Tpm tpm, byte[] cmd) {
        byte[] r = tpm.execute(cmd, 0);
        int rc = ByteBuffer.wrap(r, 6, 4).getInt();
        assertThat(rc).as("rc 0x%x", rc).isZero();
        return r;
    }

    private static String commands(String label, StateStore store) {
        Tpm tpm = new Tpm(Platform.of(store));
        assertThat(tpm.init()).isTrue();
        ok(tpm, CommandBytes.encode(new Startup(0)));
        ok(tpm, CommandBytes.encode(new NvDefineSpace(TpmRh.OWNER, Secret.EMPTY, new TpmsNvPublic(NV, 0x000b,
                TpmaNv.OWNERWRITE | TpmaNv.OWNERREAD, Bytes.EMPTY, 32))));
        byte[] write = CommandBytes.encode(new NvWrite(TpmRh.OWNER, NV, Bytes.wrap(new byte[32]), 0));
        long[] nv = time(tpm, List.of(write), 300, 2000);
        byte[] prim = ok(tpm, CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.EMPTY),
                Templates.ECC_P256_SRK, Bytes.EMPTY, new TpmlPcrSelection(List.of()))));
        int handle = ByteBuffer.wrap(prim, 10, 4).getInt();
        byte[] persist = CommandBytes.encode(new EvictControl(TpmRh.OWNER, handle, 0x81000010));
        byte[] evict = CommandBytes.encode(new EvictControl(TpmRh.OWNER, 0x81000010, 0x81000010));
        long[] ec = time(tpm, List.of(persist, evict), 100, 500);
        byte[] random = CommandBytes.encode(new GetRandom(16));
        long[] rnd = time(tpm, List.of(random), 1000, 5000);
        return String.format("%s: NV_Write median %.0f us p99 %.0f us; EvictControl median %.0f us p99 %.0f us;"
                        + " GetRandom (no write) median %.1f us%n", label, nv[0] / 1e3, nv[1] / 1e3, ec[0] / 1e3, ec[1] / 1e3,
                rnd[0] / 1e3);
    }

    /** Median and p99 in ns of each command of {@code cycle}, after {@code warm} cycles. */
    private static long[] time(Tpm tpm, List<byte[]> cycle, int warm, int n) {
        for (int i = 0; i < warm; i++) for (byte[] c : cycle) ok(tpm, c);
        long[] t = new long[n * cycle.size()];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (byte[] c : cycle) {
                long t0 = System.nanoTime();
                ok(tpm, c);
                t[k++] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(t);
        return new long[] {t[t.length / 2], t[(int) (t.length * 0.99)]};
    }

    private static String instances(PostgresServer pg, int count) throws Exception {
        byte[] random = CommandBytes.encode(new GetRandom(16));
        byte[] startup = CommandBytes.encode(new Startup(0));
        // host A: create every instance (manufacture + Startup commit) and answer one command
        long t0 = System.nanoTime();
        List<StateStore> a = new ArrayList<>();
        long firstAnswer = 0;
        for (int i = 0; i < count; i++) {
            long s = System.nanoTime();
            StateStore st = StateStores.open(new StateStoreRequest(pg.uri("jtpm", "application_name=hostA&pool=8"), "vm" + i,
                    Optional.empty(), ServerLog.NONE));
            Tpm tpm = new Tpm(Platform.of(st));
            tpm.init();
            ok(tpm, startup);
            ok(tpm, random);
            firstAnswer += System.nanoTime() - s;
            a.add(st);
        }
        long created = System.nanoTime() - t0;
        for (StateStore st : a) st.close(); // stopped on A: leases released
        // host B: take every instance over and answer one command
        long t1 = System.nanoTime();
        List<StateStore> b = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StateStore st = StateStores.open(new StateStoreRequest(pg.uri("jtpm", "application_name=hostB&pool=8"), "vm" + i,
                    Optional.empty(), ServerLog.NONE));
            Tpm tpm = new Tpm(Platform.of(st));
            tpm.init();
            ok(tpm, startup);
            ok(tpm, random);
            b.add(st);
        }
        long moved = System.nanoTime() - t1;
        String size = pg.psql("jtpm", "SELECT pg_size_pretty(pg_total_relation_size('jtpm_state')) || ' state, '"
                + " || pg_size_pretty(pg_total_relation_size('jtpm_log')) || ' log'");
        for (StateStore st : b) st.close();
        return String.format("%d instances: created and answered in %.1f s (%.1f ms each: open + manufacture + Startup +"
                        + " GetRandom), moved to a second host in %.1f s (%.1f ms each); database %s%n", count, created / 1e9,
                firstAnswer / 1e6 / count, moved / 1e9, moved / 1e6 / count, size);
    }
}
