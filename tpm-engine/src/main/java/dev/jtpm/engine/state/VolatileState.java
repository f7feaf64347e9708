package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.codec.Wire.U8;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The volatile state of a running TPM as a blob (swtpm's "volatilestate"), so that a TPM can be
 * stopped and resumed (or migrated, QEMU's SET_STATEBLOB then CMD_INIT) without a new TPM2_Startup: everything
 * a running TPM holds between commands. A blob from one TPM restored into another (with the same permanent
 * state) gives the same TPM: the next command sees what it would have seen on the first.
 *
 * <p>Versions: each version appends its fields at the end; an older blob is read with the later fields'
 * defaults (the encodings of {@link #missingFields(int)} appended), as {@link PersistentState} does.
 * <ul>
 *   <li>1: started, Time and Clock, the PCR allocation, PCR update counter and values, the null proof, the
 *       state-clear data (enables, platformAuth/Policy), phEnable, the self-test progress, the start-up facts
 *       later commands depend on (TPMA_STARTUP_CLEAR.orderly, the Startup locality that Shutdown(STATE)
 *       records, whether an H-CRTM event preceded Startup);</li>
 *   <li>2: the commit state (nonce, counter, array) — a version-1 blob gets a fresh one, as after a TPM Reset;</li>
 *   <li>3: the PCR group's authValue and the command audit digest (empty before);</li>
 *   <li>4: the RAM of orderly NV indices (empty before);</li>
 *   <li>5: {@link V5}: the loaded transient objects at their handles (keys and data objects as
 *       {@link TpmObject#marshal()}, hash/HMAC/MAC/event sequences with their running digests as
 *       {@link HashSequence#marshal()}), the D-RTM sequence's handle, the sessions
 *       ({@link dev.jtpm.engine.session.SessionSlots#marshal()}: loaded sessions with nonces, key, bind,
 *       policy/audit digest and every flag; saved sessions' handles and context sequences; the next handle
 *       index), the context counter, the exclusive audit session, and the dictionary-attack anchors.
 *       Before version 5 a resumed TPM started with empty object and session slots.</li>
 * </ul>
 */
public final class VolatileState {
    private VolatileState() {}

    /** "JTPv" */
    public static final int MAGIC = 0x4A545076;
    /** The version {@link #serialize} writes. */
    public static final int VERSION = 5;

    /**
     * The blob as {@link #serialize} writes it (the TPM codec's octets of this record); public so that a state importer
     * (jtpm-libtpms) builds the same blob instead of a copy of its shape.
     */
    public record Blob(int magic, int version, boolean started, long time, long clock, List<Integer> allocation,
                int pcrUpdateCounter, List<Bytes> pcrValues, Bytes nullProof, StateClearData stateClear, boolean phEnable,
                boolean selfTestDone, @U16 List<Integer> testedAlgorithms, boolean orderlyStartup,
                @U8 int startupLocality, boolean drtmPreStartup, Bytes commit, Bytes pcrAuthValue,
                Bytes commandAuditDigest, List<NvIndex> nvRam, V5 v5) {}

    /** A loaded transient object: its handle, whether it is a sequence, and its marshalled form. */
    public record StoredObject(int handle, boolean sequence, Bytes object) {}

    /** The fields version 5 added (see the class comment). */
    public record V5(List<StoredObject> objects, int drtmSequence, Bytes sessions, long contextCounter,
              int exclusiveAuditSession, long selfHealAnchor, long lockoutAnchor) {
        /** What an older blob reads as: no objects or sessions; anchors -1 stand for "the restored Clock". */
        static final V5 DEFAULTS = new V5(List.of(), 0, Bytes.EMPTY, 1, dev.jtpm.types.TpmRh.UNASSIGNED, -1, -1);

        static V5 of(TpmState s) {
            List<StoredObject> objects = new ArrayList<>();
            int drtm = 0;
            for (var e : s.objects.all().entrySet()) {
                if (e.getValue() instanceof HashSequence seq) {
                    objects.add(new StoredObject(e.getKey(), true, Bytes.wrap(seq.marshal())));
                    if (seq == s.drtmSequence) drtm = e.getKey();
                } else {
                    objects.add(new StoredObject(e.getKey(), false, Bytes.wrap(((TpmObject) e.getValue()).marshal())));
                }
            }
            return new V5(objects, drtm, Bytes.wrap(s.sessions.marshal()), s.contextCounter, s.exclusiveAuditSession,
                    s.selfHealAnchor, s.lockoutAnchor);
        }
    }

    /** How many octets version 5's fields take at the end of {@link #serialize}'s blob of {@code s} (tests cut blobs back to older versions). */
    public static int v5Length(TpmState s) { return TpmCodec.encode(V5.of(s)).length; }

    /** The encoded defaults of the fields that versions after {@code version} added (empty for the current one). */
    private static byte[] missingFields(int version) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        // empty TPM2Bs: v1 lacks the commit, v1 and v2 pcrAuthValue and commandAuditDigest
        out.writeBytes(new byte[version == 1 ? 6 : version == 2 ? 4 : 0]);
        if (version < 4) out.writeBytes(new byte[4]);   // an empty list: the orderly NV RAM
        if (version < 5) out.writeBytes(TpmCodec.encode(V5.DEFAULTS));
        return out.toByteArray();
    }

    /** The volatile part of {@code s} as a blob. */
    public static byte[] serialize(TpmState s) {
        List<Bytes> values = new ArrayList<>();
        for (byte[][] bank : s.pcrs.snapshot()) for (byte[] v : bank) values.add(Bytes.wrap(v));
        return TpmCodec.encode(new Blob(MAGIC, VERSION, s.started, s.time(), s.clock(),
                Arrays.stream(s.pcrs.allocation()).boxed().toList(), s.pcrs.updateCounter(), values,
                s.nullProof.toBytes(), s.stateClear, s.phEnable, s.selfTestDone, List.copyOf(s.testedAlgorithms),
                s.orderlyStartup, s.startupLocality, s.drtmPreStartup, s.commit.toBytes(), s.pcrAuthValue.toBytes(),
                s.commandAuditDigest, List.copyOf(s.nvRam.values()), V5.of(s)));
    }

    /**
     * Restores the volatile part of {@code s} from a blob; a corrupt blob gives TPM_RC_FAILURE. A version-1
     * blob (before the commit state was kept) restores with a fresh commit state, as after a TPM Reset; a
     * version-1 or -2 blob (before the PCR authValue and the command audit digest) with both empty; a blob
     * before version 5 with empty object and session slots.
     */
    public static void restore(TpmState s, byte[] blob) {
        Blob b;
        int version = blob.length >= 8 ? java.nio.ByteBuffer.wrap(blob, 4, 4).getInt() : -1;
        boolean v1 = version == 1;
        if (version < 1 || version > VERSION) throw new TpmFailure(TpmRc.FAILURE);
        byte[] missing = missingFields(version);
        byte[] full = Arrays.copyOf(blob, blob.length + missing.length);
        System.arraycopy(missing, 0, full, blob.length, missing.length);
        try {
            b = TpmCodec.decode(Blob.class, full);
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.FAILURE);
        }
        int banks = b.allocation().size();
        if (b.magic() != MAGIC || banks != 4 || b.pcrValues().size() != banks * PcrAttributes.COUNT)
            throw new TpmFailure(TpmRc.FAILURE);
        PcrBanks pcrs = new PcrBanks(b.allocation().stream().mapToInt(Integer::intValue).toArray());
        int i = 0;
        for (int alg : dev.jtpm.types.structure.TpmiAlgHash.IMPLEMENTED) {
            for (int p = 0; p < PcrAttributes.COUNT; p++) {
                Bytes v = b.pcrValues().get(i++);
                if (v.size() != dev.jtpm.types.TpmAlg.digestSize(alg)) throw new TpmFailure(TpmRc.FAILURE);
                pcrs.set(alg, p, v.unsafeArray());
            }
        }
        pcrs.setUpdateCounter(b.pcrUpdateCounter());
        s.pcrs = pcrs;
        s.started = b.started();
        s.initMillis = s.platform.millis().getAsLong() - b.time();
        s.setClock(b.clock());
        s.nullProof = Secret.of(b.nullProof());
        s.stateClear = b.stateClear();
        s.phEnable = b.phEnable();
        s.selfTestDone = b.selfTestDone();
        s.testedAlgorithms.clear();
        s.testedAlgorithms.addAll(b.testedAlgorithms());
        s.orderlyStartup = b.orderlyStartup();
        s.startupLocality = b.startupLocality();
        s.drtmPreStartup = b.drtmPreStartup();
        CommitState commit = v1 ? CommitState.reset(s.platform.entropy()) : CommitState.fromBytes(b.commit());
        if (commit == null) throw new TpmFailure(TpmRc.FAILURE);
        s.commit = commit;
        s.pcrAuthValue = Secret.of(b.pcrAuthValue());
        s.commandAuditDigest = b.commandAuditDigest();
        s.nvRam.clear();
        for (NvIndex nv : b.nvRam()) {
            if (!nv.consistent()) throw new TpmFailure(TpmRc.FAILURE);
            s.nvRam.put(nv.handle(), nv);
        }
        restoreV5(s, b.v5());
    }

    private static void restoreV5(TpmState s, V5 v) {
        s.objects.clear();
        s.drtmSequence = null;
        for (StoredObject o : v.objects()) {
            TransientObject obj;
            try {
                obj = o.sequence() ? HashSequence.unmarshal(o.object().toArray()) : TpmObject.unmarshal(o.object().toArray());
            } catch (TpmFailure e) {
                throw new TpmFailure(TpmRc.FAILURE);
            }
            if (!s.objects.restoreAt(o.handle(), obj)) throw new TpmFailure(TpmRc.FAILURE);
            if (o.handle() == v.drtmSequence() && obj instanceof HashSequence seq) s.drtmSequence = seq;
        }
        if (v.sessions().size() == 0) s.sessions.clear();
        else s.sessions.restore(v.sessions().toArray());
        s.contextCounter = v.contextCounter();
        s.exclusiveAuditSession = v.exclusiveAuditSession();
        s.selfHealAnchor = v.selfHealAnchor() < 0 ? s.clock() : v.selfHealAnchor();
        s.lockoutAnchor = v.lockoutAnchor() < 0 ? s.clock() : v.lockoutAnchor();
    }
}
