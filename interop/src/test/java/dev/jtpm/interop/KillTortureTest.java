package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.DictionaryAttackParameters;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.HierarchyChangeAuth;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.NvIncrement;
import dev.jtpm.types.command.NvRead;
import dev.jtpm.types.command.NvWrite;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.command.Unseal;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.wire.Ptm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kill torture (issue 15): the real {@code jtpm socket} process under a load that writes every kind of state — NV
 * writes, an ordinary and an orderly counter, EvictControl, PCR_Allocate, HierarchyChangeAuth of the owner, wrong
 * passwords on a DA-protected object, orderly Shutdown(STATE|CLEAR) + CMD_INIT + Startup, and the permanent state
 * read and set again through the control channel (GET_STATEBLOB, CMD_STOP, SET_STATEBLOB, CMD_INIT) — SIGKILLed at
 * random moments. The client tracks what the TPM acknowledged and the one operation in flight at the kill. After each
 * restart: the state loads (the TPM serves, no failure mode), every acknowledged NV write is there (or the in-flight
 * one, whole), the ordinary counter is exactly its acknowledged value (or one more), the orderly counter never went
 * backwards, the persistent handle and the PCR allocation are as acknowledged (or as the in-flight command left them),
 * the owner authValue is the acknowledged one (or the in-flight one), and the dictionary-attack failure count is not
 * below the failures the TPM acknowledged.
 *
 * <p>Kills: {@code -Djtpm.kills=N} or {@code JTPM_KILLS=N} (default 30; the documented long run is 1,000).
 */
class KillTortureTest {
    private static final int SIZE = 32;
    private static final int[] DATA = {0x01500200, 0x01500201};
    private static final int COUNTER = 0x01500210, ORDERLY = 0x01500211;
    private static final int PERSISTENT = 0x81000200, SEALED = 0x81000201;
    private static final Bytes RIGHT = Bytes.wrap("right".getBytes(StandardCharsets.US_ASCII));
    private static final Bytes WRONG = Bytes.wrap("wrong".getBytes(StandardCharsets.US_ASCII));
    /** The two PCR allocations PCR_Allocate toggles between: four full banks, or SHA-256 and SHA-384 only. */
    private static final TpmlPcrSelection ALL = allocation(true), TWO = allocation(false);

    static int kills() {
        String p = System.getProperty("jtpm.kills", System.getenv().getOrDefault("JTPM_KILLS", "30"));
        return Integer.parseInt(p.trim());
    }

    private static TpmlPcrSelection allocation(boolean all) {
        int[] every = new int[24];
        for (int i = 0; i < 24; i++) every[i] = i;
        return new TpmlPcrSelection(List.of(
                all ? TpmsPcrSelection.of(TpmAlg.SHA1, every) : TpmsPcrSelection.of(TpmAlg.SHA1),
                TpmsPcrSelection.of(TpmAlg.SHA256, every), TpmsPcrSelection.of(TpmAlg.SHA384, every),
                all ? TpmsPcrSelection.of(TpmAlg.SHA512, every) : TpmsPcrSelection.of(TpmAlg.SHA512)));
    }

    /** The operations the client runs; the one in flight at a kill is {@link Model#pending}. */
    enum Op { NONE, WRITE0, WRITE1, COUNTER, ORDERLY, EVICT, ALLOCATE, CHANGE_AUTH, DA_FAILURE, SHUTDOWN_STATE,
        SHUTDOWN_CLEAR, STATE_BLOB }

    /** What the client saw acknowledged. */
    static final class Model {
        final Bytes[] data = new Bytes[DATA.length];
        long counter, orderly;
        boolean persistent;
        boolean allocationAll = true;
        Bytes ownerAuth = Bytes.EMPTY;
        long daFailures;
        Op pending = Op.NONE;
        Bytes pendingData, pendingAuth;
        int acknowledged, appliedInFlight, lostInFlight;
        final int[] counts = new int[Op.values().length];
    }

    private static <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(
            SwtpmSocketTransport t, C cmd, Bytes... passwords) throws IOException {
        byte[] bytes = passwords.length == 0 ? CommandBytes.encode(cmd) : CommandBytes.encode(cmd, List.of(passwords));
        return CommandBytes.decode(cmd, t.execute(bytes, 0));
    }

    private static Bytes payload(int round, int seq, int index) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        while (b.remaining() >= 12) b.putInt(round).putInt(seq).putInt(index);
        return Bytes.wrap(b.array());
    }

    private static long u64(Bytes b) { return ByteBuffer.wrap(b.toArray()).getLong(); }

    private static TpmtPublic sealedTemplate() {
        return TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
    }

    private static void provision(SwtpmSocketTransport t, Model m) throws IOException {
        // index-authorized (empty authValue), readable by the owner too
        int rw = TpmaNv.OWNERREAD | TpmaNv.AUTHREAD | TpmaNv.AUTHWRITE;
        for (int i = 0; i < DATA.length; i++) {
            run(t, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY), new TpmsNvPublic(DATA[i], TpmAlg.SHA256, rw,
                    Bytes.EMPTY, SIZE)), Bytes.EMPTY).orThrow();
            m.data[i] = payload(0, 0, i);
            run(t, new NvWrite(DATA[i], DATA[i], m.data[i], 0), Bytes.EMPTY).orThrow();
        }
        run(t, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY), new TpmsNvPublic(COUNTER, TpmAlg.SHA256,
                TpmaNv.withType(rw, TpmaNv.NT_COUNTER), Bytes.EMPTY, 8)), Bytes.EMPTY).orThrow();
        run(t, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY), new TpmsNvPublic(ORDERLY, TpmAlg.SHA256,
                TpmaNv.withType(rw | TpmaNv.ORDERLY, TpmaNv.NT_COUNTER), Bytes.EMPTY, 8)), Bytes.EMPTY).orThrow();
        run(t, new NvIncrement(COUNTER, COUNTER), Bytes.EMPTY).orThrow();
        run(t, new NvIncrement(ORDERLY, ORDERLY), Bytes.EMPTY).orThrow();
        m.counter = 1;
        m.orderly = 1;
        // a DA-protected sealed object; maxTries and recovery so large that neither lockout nor self-healing happens
        run(t, new DictionaryAttackParameters(TpmRh.LOCKOUT, 1_000_000, 30 * 86_400, 30 * 86_400), Bytes.EMPTY).orThrow();
        int h = run(t, new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.of(RIGHT), Secret.of(new byte[] {42})),
                sealedTemplate(), Bytes.EMPTY, new TpmlPcrSelection(List.of())), Bytes.EMPTY).orThrow().objectHandle();
        run(t, new EvictControl(TpmRh.OWNER, h, SEALED), Bytes.EMPTY).orThrow();
    }

    private static long lockoutCounter(SwtpmSocketTransport t) throws IOException {
        var r = run(t, new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.LOCKOUT_COUNTER, 1)).orThrow();
        var p = ((TpmlTaggedTpmProperty) r.capabilityData().data()).tpmProperty().get(0);
        return p.property() == TpmPt.LOCKOUT_COUNTER ? p.value() & 0xffffffffL : -1;
    }

    /** True when every bank is allocated (SHA-1 has PCRs). */
    private static boolean allocationAll(SwtpmSocketTransport t) throws IOException {
        var r = run(t, new GetCapability(TpmCap.PCRS, 0, 8)).orThrow();
        for (TpmsPcrSelection s : ((TpmlPcrSelection) r.capabilityData().data()).pcrSelections()) {
            if (s.hash() == TpmAlg.SHA1) {
                for (byte b : s.pcrSelect().toArray()) if (b != 0) return true;
            }
        }
        return false;
    }

    /** Checks the restarted TPM against the model, adopts what it finds, and returns the violations. */
    private static List<String> verify(SwtpmSocketTransport t, Model m, int round) throws IOException {
        List<String> v = new ArrayList<>();
        String at = "round " + round + " (in flight: " + m.pending + "): ";
        var serves = run(t, new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.LOCKOUT_COUNTER, 1));
        if (!serves.ok()) {
            v.add(at + "the TPM does not serve: " + serves.rc());
            return v;
        }
        for (int i = 0; i < DATA.length; i++) {
            var r = run(t, new NvRead(DATA[i], DATA[i], SIZE, 0), Bytes.EMPTY);
            if (!r.ok()) {
                v.add(at + "NV_Read " + i + ": " + r.rc());
                continue;
            }
            Bytes found = r.response().data();
            Op write = i == 0 ? Op.WRITE0 : Op.WRITE1;
            if (found.equals(m.data[i])) {
                if (m.pending == write) m.lostInFlight++;
            } else if (m.pending == write && found.equals(m.pendingData)) {
                m.appliedInFlight++;
                m.data[i] = found;
            } else {
                v.add(at + "index " + i + " holds " + found + ", acknowledged " + m.data[i]);
            }
        }
        var c = run(t, new NvRead(COUNTER, COUNTER, 8, 0), Bytes.EMPTY);
        if (!c.ok()) v.add(at + "counter: " + c.rc());
        else {
            long found = u64(c.response().data());
            if (found == m.counter + 1 && m.pending == Op.COUNTER) {
                m.appliedInFlight++;
                m.counter = found;
            } else if (found != m.counter) v.add(at + "counter " + found + ", acknowledged " + m.counter);
        }
        var o = run(t, new NvRead(ORDERLY, ORDERLY, 8, 0), Bytes.EMPTY);
        if (!o.ok()) v.add(at + "orderly counter: " + o.rc());
        else {
            long found = u64(o.response().data());
            if (Long.compareUnsigned(found, m.orderly) < 0) v.add(at + "orderly counter " + found + " below " + m.orderly);
            m.orderly = found;
        }
        boolean present = run(t, new ReadPublic(PERSISTENT)).ok();
        if (present != m.persistent) {
            if (m.pending == Op.EVICT) {
                m.appliedInFlight++;
                m.persistent = present;
            } else v.add(at + "persistent handle present " + present + ", acknowledged " + m.persistent);
        }
        boolean all = allocationAll(t);
        if (all != m.allocationAll) {
            if (m.pending == Op.ALLOCATE) {
                m.appliedInFlight++;
                m.allocationAll = all;
            } else v.add(at + "PCR allocation all=" + all + ", acknowledged all=" + m.allocationAll);
        }
        // the owner authValue: the acknowledged one, or the one in flight
        var probe = run(t, new NvRead(TpmRh.OWNER, DATA[0], 1, 0), m.ownerAuth);
        if (!probe.ok()) {
            if (m.pending == Op.CHANGE_AUTH && run(t, new NvRead(TpmRh.OWNER, DATA[0], 1, 0), m.pendingAuth).ok()) {
                m.appliedInFlight++;
                m.ownerAuth = m.pendingAuth;
            } else v.add(at + "the acknowledged owner authValue is refused: " + probe.rc());
        }
        long failures = lockoutCounter(t);
        if (failures < m.daFailures) v.add(at + "DA failure count " + failures + " below the acknowledged " + m.daFailures);
        m.daFailures = Math.max(m.daFailures, failures);
        m.pending = Op.NONE;
        return v;
    }

    /** Restarts the TPM through the control channel after an orderly Shutdown: CMD_INIT, then Startup. */
    private static String restart(SwtpmSocketTransport t, SwtpmControl ctrl, int su) throws IOException {
        int rc = ctrl.init(0);
        if (rc != 0) return "CMD_INIT: " + rc;
        var r = run(t, new Startup(su));
        return r.ok() ? null : "Startup: " + r.rc();
    }

    /** The load, until the connection dies; returns an unexpected answer, or null. */
    private static String hammer(SwtpmSocketTransport t, SwtpmControl ctrl, Model m, int round, Random rnd) {
        try {
            int object = 0;   // none (handles are negative as Java ints)
            for (int seq = 1; ; seq++) {
                if (object == 0) {
                    var cp = run(t, new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.of(Bytes.EMPTY), Secret.of(new byte[] {1})), sealedTemplate(), Bytes.EMPTY,
                            new TpmlPcrSelection(List.of())), m.ownerAuth);
                    if (!cp.ok()) return "CreatePrimary: " + cp.rc();
                    object = cp.response().objectHandle();
                }
                int dice = rnd.nextInt(100);
                Op op = dice < 25 ? (rnd.nextBoolean() ? Op.WRITE0 : Op.WRITE1) : dice < 38 ? Op.COUNTER : dice < 52 ? Op.ORDERLY
                        : dice < 60 ? Op.EVICT : dice < 66 ? Op.ALLOCATE : dice < 74 ? Op.CHANGE_AUTH : dice < 84 ? Op.DA_FAILURE
                        : dice < 89 ? Op.SHUTDOWN_STATE : dice < 94 ? Op.SHUTDOWN_CLEAR : Op.STATE_BLOB;
                m.pending = op;
                String failed = switch (op) {
                    case WRITE0, WRITE1 -> {
                        int i = op == Op.WRITE0 ? 0 : 1;
                        m.pendingData = payload(round, seq, i);
                        var r = run(t, new NvWrite(DATA[i], DATA[i], m.pendingData, 0), Bytes.EMPTY);
                        if (!r.ok()) yield "NV_Write: " + r.rc();
                        m.data[i] = m.pendingData;
                        yield null;
                    }
                    case COUNTER -> {
                        var r = run(t, new NvIncrement(COUNTER, COUNTER), Bytes.EMPTY);
                        if (!r.ok()) yield "NV_Increment: " + r.rc();
                        m.counter++;
                        yield null;
                    }
                    case ORDERLY -> {
                        var r = run(t, new NvIncrement(ORDERLY, ORDERLY), Bytes.EMPTY);
                        if (!r.ok()) yield "NV_Increment (orderly): " + r.rc();
                        m.orderly++;
                        yield null;
                    }
                    case EVICT -> {
                        var r = run(t, new EvictControl(TpmRh.OWNER, m.persistent ? PERSISTENT : object, PERSISTENT), m.ownerAuth);
                        if (!r.ok()) yield "EvictControl: " + r.rc();
                        m.persistent = !m.persistent;
                        yield null;
                    }
                    case ALLOCATE -> {
                        var r = run(t, new PcrAllocate(TpmRh.PLATFORM, m.allocationAll ? TWO : ALL), Bytes.EMPTY);
                        if (!r.ok() || !r.response().allocationSuccess()) yield "PCR_Allocate: " + r.rc();
                        m.allocationAll = !m.allocationAll;
                        yield null;
                    }
                    case CHANGE_AUTH -> {
                        m.pendingAuth = Bytes.wrap(("owner-" + round + "-" + seq).getBytes(StandardCharsets.US_ASCII));
                        var r = run(t, new HierarchyChangeAuth(TpmRh.OWNER, Secret.of(m.pendingAuth)), m.ownerAuth);
                        if (!r.ok()) yield "HierarchyChangeAuth: " + r.rc();
                        m.ownerAuth = m.pendingAuth;
                        yield null;
                    }
                    case DA_FAILURE -> {
                        var r = run(t, new Unseal(SEALED), WRONG);
                        if (!r.rc().is(TpmRc.AUTH_FAIL)) yield "Unseal with a wrong password: " + r.rc();
                        m.daFailures++;
                        yield null;
                    }
                    case SHUTDOWN_STATE, SHUTDOWN_CLEAR -> {
                        int su = op == Op.SHUTDOWN_STATE ? TpmSu.STATE : TpmSu.CLEAR;
                        var r = run(t, new Shutdown(su));
                        if (su == TpmSu.STATE && r.rc().is(TpmRc.TYPE)) {
                            // a PCR_Allocate since the last TPM Reset needs Shutdown(CLEAR) (Part 3, 9.4.1: TPM_RC_TYPE)
                            su = TpmSu.CLEAR;
                            r = run(t, new Shutdown(su));
                        }
                        if (!r.ok()) yield "Shutdown: " + r.rc();
                        object = 0;   // no transient object survives _TPM_Init
                        yield restart(t, ctrl, su);
                    }
                    case STATE_BLOB -> {
                        byte[] permanent = ctrl.stateBlob(Ptm.BLOB_TYPE_PERMANENT);
                        if (ctrl.stop() != 0) yield "CMD_STOP";
                        if (ctrl.setStateBlob(Ptm.BLOB_TYPE_PERMANENT, permanent) != 0) yield "SET_STATEBLOB";
                        if (ctrl.init(Ptm.INIT_FLAG_DELETE_VOLATILE) != 0) yield "CMD_INIT";
                        var r = run(t, new Startup(TpmSu.CLEAR));
                        object = 0;
                        yield r.ok() ? null : "Startup after SET_STATEBLOB: " + r.rc();
                    }
                    case NONE -> null;
                };
                if (failed != null) return op + ": " + failed;
                m.counts[op.ordinal()]++;
                m.pending = Op.NONE;
                m.acknowledged++;
            }
        } catch (IOException expected) {
            return null;    // the kill
        }
    }

    @Test
    void sigkillUnderAStateWritingLoad_losesNothingAcknowledged() throws Exception {
        int kills = kills();
        Path dir = Files.createTempDirectory("jtpm-kill-torture");
        Random rnd = new Random(15);
        Model m = new Model();
        KillLoop.Outcome o = KillLoop.run("KillTortureTest", dir, kills, rnd, 900, new KillLoop.Rounds() {
            @Override public void provision(SwtpmSocketTransport t) throws IOException { KillTortureTest.provision(t, m); }

            @Override public List<String> verify(SwtpmSocketTransport t, int round) throws IOException { return KillTortureTest.verify(t, m, round); }

            @Override
            public String load(int port, int round, Random r) throws IOException {
                try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port);
                     SwtpmControl ctrl = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port + 1))) {
                    return hammer(t, ctrl, m, round, r);
                }
            }

            @Override public String progress() { return m.acknowledged + " operations acknowledged, "; }
        });
        List<String> violations = o.violations(), unexpected = o.unexpected();
        StringBuilder ops = new StringBuilder();
        for (Op op : Op.values()) if (op != Op.NONE) ops.append(String.format(" %s %d,", op, m.counts[op.ordinal()]));
        System.out.printf("KillTortureTest: %d kills, %d operations acknowledged (%s), in flight at a kill: %d found applied, "
                        + "%d not; DA failures acknowledged %d; %d violations%n", kills, m.acknowledged, ops.substring(0,
                        Math.max(0, ops.length() - 1)).trim(), m.appliedInFlight, m.lostInFlight, m.daFailures, violations.size());
        violations.forEach(System.out::println);
        assertThat(unexpected).isEmpty();
        assertThat(violations).isEmpty();
        assertThat(m.acknowledged).isGreaterThan(kills);
    }
}
