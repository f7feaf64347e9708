package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.NvIncrement;
import dev.jtpm.types.command.NvRead;
import dev.jtpm.types.command.NvWrite;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NV state under SIGKILL: the real {@code jtpm socket} process serves a client that rotates NV_Write data through a
 * few indices, increments an ordinary and an orderly counter and makes an object persistent or evicts it
 * (EvictControl), and is killed at random moments, {@value #KILLS} times. The client remembers what the TPM
 * acknowledged and which one command was in flight at the kill. After each restart the state must load (the TPM
 * serves, no failure mode) and match: every acknowledged write is there (or the in-flight one, applied whole), the
 * ordinary counter is its acknowledged value (or one more if an increment was in flight), the orderly counter is never
 * below its acknowledged value (it jumps ahead after a start without an orderly shutdown, Part 1, 37.2.3.3), and each
 * persistent handle is present exactly as acknowledged (or as the in-flight EvictControl left it).
 */
class NvKillTortureTest {
    static final int KILLS = 40;
    private static final int SIZE = 32;
    private static final int[] DATA = {0x01500100, 0x01500101, 0x01500102};
    private static final int COUNTER = 0x01500110, ORDERLY = 0x01500111;
    private static final int[] PERSISTENT = {0x81000100, 0x81000101};

    /** What the client saw: acknowledged values, and the command in flight when the connection died (-1: none). */
    private static final class Model {
        final Bytes[] data = new Bytes[DATA.length];
        long counter, orderly;
        final boolean[] persistent = new boolean[PERSISTENT.length];
        /** The in-flight command: 0..2 a write of {@link #pendingData} to DATA[i], 10 counter, 11 orderly, 20+i evict i. */
        int pending = -1;
        Bytes pendingData;
        int acknowledged, writes, increments, orderlyIncrements, evictions, appliedInFlight, lostInFlight;
    }

    private static <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(
            SwtpmSocketTransport t, C cmd, int authorizations) throws IOException {
        byte[] bytes = authorizations == 0 ? CommandBytes.encode(cmd)
                : CommandBytes.encode(cmd, java.util.Collections.nCopies(authorizations, Bytes.EMPTY));
        return CommandBytes.decode(cmd, t.execute(bytes, 0));
    }

    private static TpmsNvPublic index(int handle, int attributes, int size) {
        return new TpmsNvPublic(handle, TpmAlg.SHA256, attributes, Bytes.EMPTY, size);
    }

    private static Bytes payload(int round, int seq, int index) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        while (b.remaining() >= 12) b.putInt(round).putInt(seq).putInt(index);
        return Bytes.wrap(b.array());
    }

    private static long u64(Bytes b) { return ByteBuffer.wrap(b.toArray()).getLong(); }

    private static int primary(SwtpmSocketTransport t) throws IOException {
        TpmtPublic sealed = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
        return run(t, new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.of(Bytes.EMPTY), Secret.of(new byte[] {7})),
                sealed, Bytes.EMPTY, new TpmlPcrSelection(List.of())), 1).orThrow().objectHandle();
    }

    /** The indices, each written once and each counter incremented once, so that every one is WRITTEN. */
    private static void provision(SwtpmSocketTransport t, Model m) throws IOException {
        int rw = TpmaNv.OWNERREAD | TpmaNv.OWNERWRITE;
        for (int i = 0; i < DATA.length; i++) {
            run(t, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY), index(DATA[i], rw, SIZE)), 1).orThrow();
            m.data[i] = payload(0, 0, i);
            run(t, new NvWrite(TpmRh.OWNER, DATA[i], m.data[i], 0), 1).orThrow();
        }
        run(t, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY), index(COUNTER, TpmaNv.withType(rw, TpmaNv.NT_COUNTER), 8)), 1)
                .orThrow();
        run(t, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY),
                index(ORDERLY, TpmaNv.withType(rw | TpmaNv.ORDERLY, TpmaNv.NT_COUNTER), 8)), 1).orThrow();
        run(t, new NvIncrement(TpmRh.OWNER, COUNTER), 1).orThrow();
        run(t, new NvIncrement(TpmRh.OWNER, ORDERLY), 1).orThrow();
        m.counter = 1;
        m.orderly = 1;
    }

    /** Checks the restarted TPM against the model, adopts what it finds, and returns the violations. */
    private static List<String> verify(SwtpmSocketTransport t, Model m, int round) throws IOException {
        List<String> violations = new ArrayList<>();
        var random = run(t, new GetRandom(8), 0);
        if (!random.ok()) {
            violations.add("round " + round + ": the TPM does not serve: " + random.rc());
            return violations;
        }
        for (int i = 0; i < DATA.length; i++) {
            var r = run(t, new NvRead(TpmRh.OWNER, DATA[i], SIZE, 0), 1);
            if (!r.ok()) {
                violations.add("round " + round + ": NV_Read of index " + i + ": " + r.rc());
                continue;
            }
            Bytes found = r.response().data();
            if (found.equals(m.data[i])) {
                if (m.pending == i) m.lostInFlight++;
            } else if (m.pending == i && found.equals(m.pendingData)) {
                m.appliedInFlight++;
                m.data[i] = found;
            } else {
                violations.add("round " + round + ": index " + i + " holds " + found + ", acknowledged " + m.data[i]);
            }
        }
        var c = run(t, new NvRead(TpmRh.OWNER, COUNTER, 8, 0), 1);
        if (!c.ok()) {
            violations.add("round " + round + ": NV_Read of the counter: " + c.rc());
        } else {
            long v = u64(c.response().data());
            if (v == m.counter + 1 && m.pending == 10) {
                m.appliedInFlight++;
                m.counter = v;
            } else if (v != m.counter) {
                violations.add("round " + round + ": counter " + v + ", acknowledged " + m.counter);
            } else if (m.pending == 10) {
                m.lostInFlight++;
            }
        }
        var o = run(t, new NvRead(TpmRh.OWNER, ORDERLY, 8, 0), 1);
        if (!o.ok()) {
            violations.add("round " + round + ": NV_Read of the orderly counter: " + o.rc());
        } else {
            long v = u64(o.response().data());
            if (Long.compareUnsigned(v, m.orderly) < 0) {
                violations.add("round " + round + ": orderly counter " + v + " below the acknowledged " + m.orderly);
            }
            m.orderly = v;
        }
        for (int i = 0; i < PERSISTENT.length; i++) {
            boolean present = run(t, new ReadPublic(PERSISTENT[i]), 0).ok();
            if (present == m.persistent[i]) {
                if (m.pending == 20 + i) m.lostInFlight++;
            } else if (m.pending == 20 + i) {
                m.appliedInFlight++;
                m.persistent[i] = present;
            } else {
                violations.add("round " + round + ": persistent " + Integer.toHexString(PERSISTENT[i]) + " present " + present
                        + ", acknowledged " + m.persistent[i]);
            }
        }
        m.pending = -1;
        return violations;
    }

    /** The client: NV writes, increments and EvictControl until the connection dies. Returns an unexpected code, or null. */
    private static String hammer(SwtpmSocketTransport t, Model m, int round, Random rnd) {
        try {
            int object = primary(t);
            for (int seq = 1; ; seq++) {
                int op = rnd.nextInt(10);
                if (op < 4) {
                    int i = rnd.nextInt(DATA.length);
                    Bytes data = payload(round, seq, i);
                    m.pendingData = data;
                    m.pending = i;
                    var r = run(t, new NvWrite(TpmRh.OWNER, DATA[i], data, 0), 1);
                    if (!r.ok()) return "NV_Write: " + r.rc();
                    m.data[i] = data;
                    m.writes++;
                } else if (op < 6) {
                    m.pending = 10;
                    var r = run(t, new NvIncrement(TpmRh.OWNER, COUNTER), 1);
                    if (!r.ok()) return "NV_Increment: " + r.rc();
                    m.counter++;
                    m.increments++;
                } else if (op < 9) {
                    m.pending = 11;
                    var r = run(t, new NvIncrement(TpmRh.OWNER, ORDERLY), 1);
                    if (!r.ok()) return "NV_Increment (orderly): " + r.rc();
                    m.orderly++;
                    m.orderlyIncrements++;
                } else {
                    int i = rnd.nextInt(PERSISTENT.length);
                    m.pending = 20 + i;
                    var r = run(t, new EvictControl(TpmRh.OWNER, m.persistent[i] ? PERSISTENT[i] : object, PERSISTENT[i]), 1);
                    if (!r.ok()) return "EvictControl: " + r.rc();
                    m.persistent[i] = !m.persistent[i];
                    m.evictions++;
                }
                m.pending = -1;
                m.acknowledged++;
            }
        } catch (IOException expected) {
            return null;    // the kill
        }
    }

    @Test
    void sigkillDuringNvWritesIncrementsAndEvictControl_losesNothingAcknowledged() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-nv-kill");
        Random rnd = new Random(31);
        Model m = new Model();
        KillLoop.Outcome o = KillLoop.run("NvKillTortureTest", dir, KILLS, rnd, 700, new KillLoop.Rounds() {
            @Override public void provision(SwtpmSocketTransport t) throws IOException { NvKillTortureTest.provision(t, m); }

            @Override public List<String> verify(SwtpmSocketTransport t, int round) throws IOException { return NvKillTortureTest.verify(t, m, round); }

            @Override
            public String load(int port, int round, Random r) throws IOException {
                try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                    return hammer(t, m, round, r);
                }
            }
        });
        List<String> violations = o.violations(), unexpected = o.unexpected();
        System.out.printf("NvKillTortureTest: %d kills, %d commands acknowledged (%d NV_Write, %d NV_Increment, %d orderly "
                        + "NV_Increment, %d EvictControl), in flight at a kill: %d found applied, %d not; orderly counter %d "
                        + "(acknowledged increments %d); %d violations%n", KILLS, m.acknowledged, m.writes, m.increments,
                m.orderlyIncrements, m.evictions, m.appliedInFlight, m.lostInFlight, m.orderly, m.orderlyIncrements + 1,
                violations.size());
        assertThat(unexpected).isEmpty();
        assertThat(violations).isEmpty();
        assertThat(m.acknowledged).isGreaterThan(KILLS);
        assertThat(m.orderly).isGreaterThanOrEqualTo(m.orderlyIncrements + 1);
    }
}
