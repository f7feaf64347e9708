package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Wire.U16;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * State that survives power loss (Part 1, 36: "persistent" and orderly data): hierarchy seeds and
 * proofs, hierarchy auth values, the PCR allocation, Clock, reset counters, the TPM-established
 * flag and what Shutdown(STATE) saved. Serialized as a versioned blob with the one codec.
 *
 * <p>Versions: each version appends its fields at the end of the blob, as one record per version
 * ({@link V2}, ...), nested last in {@link Blob}. A blob of an older version is read by appending the
 * encodings of the defaults of every later version ({@code V2.DEFAULTS}, ...) and decoding that, so a
 * state directory written by an older jtpm loads with the manufacture values of the newer fields.
 * To add fields: a record {@code V6} with a {@code DEFAULTS} constant, a {@code V6 v6} component after
 * {@code v5}, {@code VERSION = 6}, and a line in {@link #missingFields(int)}.
 * <ul>
 *   <li>1: the fields of {@link Blob} up to {@code persistentObjects};</li>
 *   <li>2: {@link V2}: the PCR policy group (TPM2_PCR_SetAuthPolicy) and command audit (the audited
 *       commands, auditHashAlg, auditCounter).</li>
 *   <li>3: {@link V3}: the commands that need physical presence (TPM2_PP_Commands) and the algorithm set
 *       (TPM2_SetAlgorithmSet).</li>
 *   <li>4: {@link V4}: NV indices (public area, authValue, data; an orderly index as last saved) and the NV
 *       maxCounter that new counters start from.</li>
 *   <li>5: {@link V5}: how each hierarchy derives its primary objects ({@link #DERIVATION_JTPM}, or libtpms' for a
 *       state taken over from swtpm: {@link #DERIVATION_LIBTPMS_ORIGINAL}, {@link #DERIVATION_LIBTPMS}).</li>
 * </ul>
 */
public final class PersistentState {
    /** "JTPM" */
    static final int MAGIC = 0x4A54504D;
    static final int VERSION = 5;
    /** TPM_SU_NONE_VALUE: no orderly shutdown happened. */
    public static final int SU_NONE = 0xFFFF;
    private static final int SEED_SIZE = 64;

    public Secret eps, sps, pps;
    public Secret phProof, shProof, ehProof;
    public Secret ownerAuth = Secret.EMPTY, endorsementAuth = Secret.EMPTY, lockoutAuth = Secret.EMPTY;
    /** The allocation that takes effect at the next _TPM_Init, as a PCR bit map per implemented hash. */
    public int[] pcrAllocation;
    public long clock;
    public boolean clockSafe = true;
    public int resetCount, restartCount;
    public boolean tpmEstablished;
    /** The TPM_SU of the last Shutdown, or {@link #SU_NONE}. */
    public int orderlyState = SU_NONE;
    /** What Shutdown(STATE) saved (PCRs 0..15, update counter), or empty. */
    public Bytes orderlyData = Bytes.EMPTY;
    /** Dictionary-attack state (Part 1, 19.8), with ms-tpm's manufacturer defaults 3 / 1000 s / 1000 s. */
    public int failedTries, maxTries = 3, recoveryTime = 1000, lockoutRecovery = 1000;
    public boolean lockoutAuthEnabled = true;
    /** A DA-protected authorization was attempted since the last Startup (a power cut then counts as a failure). */
    public boolean daUsed;
    /** Hierarchy authPolicies (TPM2_SetPrimaryPolicy): hash and digest; TPM_ALG_NULL and empty when unset. */
    public int ownerAlg = dev.jtpm.types.TpmAlg.NULL, endorsementAlg = dev.jtpm.types.TpmAlg.NULL,
            lockoutAlg = dev.jtpm.types.TpmAlg.NULL;
    public Bytes ownerPolicy = Bytes.EMPTY, endorsementPolicy = Bytes.EMPTY, lockoutPolicy = Bytes.EMPTY;
    /** TPMA_PERMANENT.disableClear (TPM2_ClearControl). */
    public boolean disableClear;
    /** The policy of the PCR policy group (PCRs 20..22, {@link PcrAttributes#policyGroup}): hash and digest, TPM_ALG_NULL and empty when unset. */
    public int pcrPolicyAlg = dev.jtpm.types.TpmAlg.NULL;
    public Bytes pcrPolicy = Bytes.EMPTY;
    /**
     * The audited command codes (ms-tpm gp.auditCommands), ascending; a new TPM audits
     * TPM2_SetCommandCodeAuditStatus only (CommandAuditPreInstall_Init).
     */
    public java.util.SortedSet<Integer> auditCommands =
            new java.util.TreeSet<>(java.util.Set.of(dev.jtpm.types.TpmCc.SET_COMMAND_CODE_AUDIT_STATUS));
    /** The hash of the command audit digest: libtpms' CONTEXT_INTEGRITY_HASH_ALG (SHA-512) until changed. */
    public int auditHashAlg = dev.jtpm.types.TpmAlg.SHA512;
    /** The audit counter: incremented when a new command audit digest starts; TPM2_Clear zeroes it. */
    public long auditCounter;
    /**
     * The commands that need physical presence when platformAuth/platformPolicy authorizes them (ms-tpm gp.ppList),
     * ascending; a new TPM lists TPM2_PP_Commands only, the one command whose physical presence is required
     * (PhysicalPresencePreInstall_Init).
     */
    public java.util.SortedSet<Integer> ppCommands =
            new java.util.TreeSet<>(java.util.Set.of(dev.jtpm.types.TpmCc.PP_COMMANDS));
    /** The vendor-defined algorithm set (ms-tpm gp.algorithmSet, TPM2_SetAlgorithmSet): 0 at manufacture. */
    public int algorithmSet;
    /** Persistent objects (TPM2_EvictControl): handle → {@link TpmObject#marshal()}. */
    public java.util.SortedMap<Integer, Bytes> persistentObjects = new java.util.TreeMap<>(Integer::compareUnsigned);
    /** NV indices by handle (see {@link NvIndices}); an orderly index as last saved from RAM. */
    public java.util.SortedMap<Integer, NvIndex> nvIndices = new java.util.TreeMap<>(Integer::compareUnsigned);
    /** ms-tpm s_maxCounter: the largest value a deleted counter had; a new counter starts above it. */
    public long nvMaxCounter;
    /** Primary objects from jtpm's own derivation ({@code PrimaryKeys}): every TPM jtpm manufactures. */
    public static final int DERIVATION_JTPM = 0;
    /** libtpms' derivation at SEED_COMPAT_LEVEL_ORIGINAL (seeds made by libtpms before 0.8). */
    public static final int DERIVATION_LIBTPMS_ORIGINAL = 1;
    /** libtpms' derivation at SEED_COMPAT_LEVEL_RSA_PRIME_ADJUST_FIX (libtpms 0.8 and later). */
    public static final int DERIVATION_LIBTPMS = 2;
    /**
     * How primary objects of the endorsement, storage and platform hierarchies are derived from their seeds
     * ({@code DERIVATION_*}): the libtpms ones for a state imported from swtpm, as its seed-compatibility level says.
     */
    public int epsDerivation = DERIVATION_JTPM, spsDerivation = DERIVATION_JTPM, ppsDerivation = DERIVATION_JTPM;

    /** A freshly manufactured TPM: new seeds and proofs from {@code entropy}, the given PCR banks. */
    public static PersistentState manufacture(Random entropy, int[] pcrAllocation) {
        PersistentState s = new PersistentState();
        s.eps = fresh(entropy);
        s.sps = fresh(entropy);
        s.pps = fresh(entropy);
        s.phProof = fresh(entropy);
        s.shProof = fresh(entropy);
        s.ehProof = fresh(entropy);
        s.pcrAllocation = pcrAllocation.clone();
        // a new TPM counts as orderly shut down (TPMA_STARTUP_CLEAR.orderly after the first Startup, as libtpms)
        s.orderlyState = dev.jtpm.types.TpmSu.CLEAR;
        return s;
    }

    static Secret fresh(Random entropy) {
        byte[] b = new byte[SEED_SIZE];
        entropy.nextBytes(b);
        return Secret.of(b);
    }

    /** The wire form of this state. */
    record Blob(int magic, int version, Bytes eps, Bytes sps, Bytes pps, Bytes phProof, Bytes shProof, Bytes ehProof,
                Bytes ownerAuth, Bytes endorsementAuth, Bytes lockoutAuth, List<Integer> pcrAllocation, long clock,
                boolean clockSafe, int resetCount, int restartCount, boolean tpmEstablished, @U16 int orderlyState,
                Bytes orderlyData, int failedTries, int maxTries, int recoveryTime, int lockoutRecovery,
                boolean lockoutAuthEnabled, boolean daUsed, @U16 int ownerAlg, Bytes ownerPolicy,
                @U16 int endorsementAlg, Bytes endorsementPolicy, @U16 int lockoutAlg, Bytes lockoutPolicy,
                boolean disableClear, List<PersistentObject> persistentObjects, V2 v2, V3 v3, V4 v4, V5 v5) {}

    /** The fields version 2 added. */
    record V2(@U16 int pcrPolicyAlg, Bytes pcrPolicy, @U16 int auditHashAlg, long auditCounter, List<Integer> auditCommands) {
        /** What a version-1 blob reads as: the manufacture values. */
        static final V2 DEFAULTS = of(new PersistentState());

        static V2 of(PersistentState s) {
            return new V2(s.pcrPolicyAlg, s.pcrPolicy, s.auditHashAlg, s.auditCounter, List.copyOf(s.auditCommands));
        }
    }

    /** The fields version 3 added. */
    record V3(List<Integer> ppCommands, int algorithmSet) {
        /** What a version-1 or -2 blob reads as: the manufacture values. */
        static final V3 DEFAULTS = of(new PersistentState());

        static V3 of(PersistentState s) { return new V3(List.copyOf(s.ppCommands), s.algorithmSet); }
    }

    /** The fields version 4 added: NV indices and maxCounter. */
    record V4(List<NvIndex> nvIndices, long nvMaxCounter) {
        static final V4 DEFAULTS = new V4(List.of(), 0);
    }

    /** The fields version 5 added: the primary derivation of each hierarchy (EPS, SPS, PPS). */
    record V5(int epsDerivation, int spsDerivation, int ppsDerivation) {
        static final V5 DEFAULTS = new V5(DERIVATION_JTPM, DERIVATION_JTPM, DERIVATION_JTPM);
    }

    /** The encoded defaults of the fields that versions after {@code version} added (empty for the current one). */
    private static byte[] missingFields(int version) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (version < 2) out.writeBytes(TpmCodec.encode(V2.DEFAULTS));
        if (version < 3) out.writeBytes(TpmCodec.encode(V3.DEFAULTS));
        if (version < 4) out.writeBytes(TpmCodec.encode(V4.DEFAULTS));
        if (version < 5) out.writeBytes(TpmCodec.encode(V5.DEFAULTS));
        return out.toByteArray();
    }

    /** One persistent object in the blob. */
    record PersistentObject(int handle, Bytes object) {}

    public byte[] serialize() {
        return TpmCodec.encode(new Blob(MAGIC, VERSION, eps.toBytes(), sps.toBytes(), pps.toBytes(), phProof.toBytes(),
                shProof.toBytes(), ehProof.toBytes(), ownerAuth.toBytes(), endorsementAuth.toBytes(),
                lockoutAuth.toBytes(), Arrays.stream(pcrAllocation).boxed().toList(), clock, clockSafe, resetCount,
                restartCount, tpmEstablished, orderlyState, orderlyData, failedTries, maxTries, recoveryTime,
                lockoutRecovery, lockoutAuthEnabled, daUsed, ownerAlg, ownerPolicy, endorsementAlg, endorsementPolicy,
                lockoutAlg, lockoutPolicy, disableClear,
                persistentObjects.entrySet().stream().map(e -> new PersistentObject(e.getKey(), e.getValue())).toList(),
                V2.of(this), V3.of(this), new V4(List.copyOf(nvIndices.values()), nvMaxCounter),
                new V5(epsDerivation, spsDerivation, ppsDerivation)));
    }

    /**
     * Parses a blob written by {@link #serialize()} of this or an earlier version (see the class comment);
     * a corrupt blob, or one of a later version, gives TPM_RC_FAILURE.
     */
    public static PersistentState deserialize(byte[] blob) {
        Blob b;
        int version = blob.length >= 8 ? java.nio.ByteBuffer.wrap(blob, 4, 4).getInt() : -1;
        if (version < 1 || version > VERSION) throw new TpmFailure(TpmRc.FAILURE);
        byte[] missing = missingFields(version);
        byte[] full = Arrays.copyOf(blob, blob.length + missing.length);
        System.arraycopy(missing, 0, full, blob.length, missing.length);
        try {
            b = TpmCodec.decode(Blob.class, full);
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.FAILURE);
        }
        if (b.magic() != MAGIC || b.pcrAllocation().size() != 4) throw new TpmFailure(TpmRc.FAILURE);
        PersistentState s = new PersistentState();
        s.eps = Secret.of(b.eps());
        s.sps = Secret.of(b.sps());
        s.pps = Secret.of(b.pps());
        s.phProof = Secret.of(b.phProof());
        s.shProof = Secret.of(b.shProof());
        s.ehProof = Secret.of(b.ehProof());
        s.ownerAuth = Secret.of(b.ownerAuth());
        s.endorsementAuth = Secret.of(b.endorsementAuth());
        s.lockoutAuth = Secret.of(b.lockoutAuth());
        s.pcrAllocation = b.pcrAllocation().stream().mapToInt(Integer::intValue).toArray();
        s.clock = b.clock();
        s.clockSafe = b.clockSafe();
        s.resetCount = b.resetCount();
        s.restartCount = b.restartCount();
        s.tpmEstablished = b.tpmEstablished();
        s.orderlyState = b.orderlyState();
        s.orderlyData = b.orderlyData();
        s.failedTries = b.failedTries();
        s.maxTries = b.maxTries();
        s.recoveryTime = b.recoveryTime();
        s.lockoutRecovery = b.lockoutRecovery();
        s.lockoutAuthEnabled = b.lockoutAuthEnabled();
        s.daUsed = b.daUsed();
        s.ownerAlg = b.ownerAlg();
        s.ownerPolicy = b.ownerPolicy();
        s.endorsementAlg = b.endorsementAlg();
        s.endorsementPolicy = b.endorsementPolicy();
        s.lockoutAlg = b.lockoutAlg();
        s.lockoutPolicy = b.lockoutPolicy();
        s.disableClear = b.disableClear();
        for (PersistentObject o : b.persistentObjects()) s.persistentObjects.put(o.handle(), o.object());
        s.pcrPolicyAlg = b.v2().pcrPolicyAlg();
        s.pcrPolicy = b.v2().pcrPolicy();
        s.auditHashAlg = b.v2().auditHashAlg();
        s.auditCounter = b.v2().auditCounter();
        s.auditCommands = new java.util.TreeSet<>();
        s.auditCommands.addAll(b.v2().auditCommands());
        s.ppCommands = new java.util.TreeSet<>();
        s.ppCommands.addAll(b.v3().ppCommands());
        s.algorithmSet = b.v3().algorithmSet();
        for (NvIndex nv : b.v4().nvIndices()) s.nvIndices.put(nv.handle(), nv);
        s.nvMaxCounter = b.v4().nvMaxCounter();
        s.epsDerivation = b.v5().epsDerivation();
        s.spsDerivation = b.v5().spsDerivation();
        s.ppsDerivation = b.v5().ppsDerivation();
        // values the engine uses without checking them again (fuzz findings 4 and 5, docs/robustness.md)
        if (!dev.jtpm.types.structure.TpmiAlgHash.isImplemented(s.auditHashAlg)) throw new TpmFailure(TpmRc.FAILURE);
        for (NvIndex nv : s.nvIndices.values()) if (!nv.consistent()) throw new TpmFailure(TpmRc.FAILURE);
        return s;
    }
}
