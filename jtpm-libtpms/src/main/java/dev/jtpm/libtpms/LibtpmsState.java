package dev.jtpm.libtpms;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSensitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * libtpms' TPM 2 permanent state as libtpms 0.9 marshals it (src/tpm2/NVMarshal.c, PERSISTENT_ALL), read into
 * plain records: what jtpm maps is kept, the rest is read over. {@link #parse} accepts the structure versions of
 * libtpms 0.6 to 0.9 and refuses, with a message, anything it does not know (see docs/libtpms-state.md).
 *
 * <p>PERSISTENT_ALL (magic 0xab364723, version 3): PA_COMPILE_CONSTANTS, PERSISTENT_DATA, ORDERLY_DATA, then
 * STATE_RESET_DATA and STATE_CLEAR_DATA (always before version 3, afterwards only when orderlyState is
 * TPM_SU_STATE), INDEX_ORDERLY_RAM, USER_NVRAM (NV indices with their data, persistent OBJECTs, maxCount), an
 * optional block and the magic again.
 */
public record LibtpmsState(PersistentData persistent, OrderlyData orderly, StateReset reset, StateClear clear,
                           Map<Integer, OrderlyRam> orderlyRam, List<NvEntry> nvIndices, List<PersistentObject> objects,
                           long maxCount) {

    static final int PERSISTENT_ALL_MAGIC = 0xab364723;
    static final int PA_COMPILE_CONSTANTS_MAGIC = 0xc9ea6431;
    static final int PERSISTENT_DATA_MAGIC = 0x12213443;
    static final int PCR_POLICY_MAGIC = 0x176be626;
    static final int ORDERLY_DATA_MAGIC = 0x56657887;
    static final int DRBG_STATE_MAGIC = 0x6fe83ea1;
    static final int STATE_RESET_DATA_MAGIC = 0x01102332;
    static final int STATE_CLEAR_DATA_MAGIC = 0x98897667;
    static final int PCR_SAVE_MAGIC = 0x7372eabc;
    static final int PCR_AUTHVALUE_MAGIC = 0x6be82eaf;
    static final int INDEX_ORDERLY_RAM_MAGIC = 0x5346feab;
    static final int USER_NVRAM_MAGIC = 0x094f22c3;
    static final int NV_INDEX_MAGIC = 0x2547265a;
    static final int ANY_OBJECT_MAGIC = 0xfe9a3974;
    static final int OBJECT_MAGIC = 0x75be73af;
    /** The volatile state's magic (VolatileState_Marshal; read by {@link LibtpmsVolatileState}). */
    static final int VOLATILE_STATE_MAGIC = 0x45637889;
    /** libtpms' orderlyState flags above the TPM_SU value. */
    static final int PRE_STARTUP_FLAG = 0x8000, STARTUP_LOCALITY_3 = 0x4000;
    /** TPM_SU_STATE. */
    static final int SU_STATE = 1;

    /** PERSISTENT_DATA (ms-tpm gp): hierarchy secrets and policies, counters, DA, audit, seed compatibility. */
    public record PersistentData(boolean disableClear, int ownerAlg, int endorsementAlg, int lockoutAlg, Bytes ownerPolicy,
                                 Bytes endorsementPolicy, Bytes lockoutPolicy, Bytes ownerAuth, Bytes endorsementAuth,
                                 Bytes lockoutAuth, Bytes epSeed, Bytes spSeed, Bytes ppSeed, Bytes phProof, Bytes shProof,
                                 Bytes ehProof, long totalResetCount, int resetCount, int pcrPolicyAlg, Bytes pcrPolicy,
                                 Map<Integer, Bytes> pcrAllocated, Bytes ppList, int failedTries, int maxTries,
                                 int recoveryTime, int lockoutRecovery, boolean lockoutAuthEnabled, int orderlyState,
                                 Bytes auditCommands, int auditHashAlg, long auditCounter, int algorithmSet,
                                 int epSeedCompatLevel, int spSeedCompatLevel, int ppSeedCompatLevel) {}

    /** ORDERLY_DATA: Clock (the DRBG state and the self-heal timers are read over). */
    public record OrderlyData(long clock, boolean clockSafe) {}

    /** STATE_RESET_DATA (ms-tpm gr), present after Shutdown(STATE). */
    public record StateReset(Bytes nullProof, Bytes nullSeed, int clearCount, Bytes commandAuditDigest, int restartCount,
                             int pcrCounter, long commitCounter, Bytes commitNonce, Bytes commitArray,
                             long contextCounter, int savedContexts) {}

    /** STATE_CLEAR_DATA (ms-tpm gc), present after Shutdown(STATE): enables, platform auth, saved PCRs 0..15. */
    public record StateClear(boolean shEnable, boolean ehEnable, boolean phEnableNV, int platformAlg, Bytes platformPolicy,
                             Bytes platformAuth, Map<Integer, Bytes> pcrSave, List<Bytes> pcrAuthValues) {}

    /** An orderly index's RAM copy (s_indexOrderlyRam): attributes and data as they are now. */
    public record OrderlyRam(int handle, int attributes, Bytes data) {}

    /** An NV index in the user area: its public area, authValue and the data libtpms keeps in NV. */
    public record NvEntry(TpmsNvPublic publicArea, Bytes authValue, Bytes data) {}

    /** A persistent object (an OBJECT as libtpms keeps it in NV: sensitive area in clear). */
    public record PersistentObject(int handle, int attributes, TpmtPublic publicArea, TpmtSensitive sensitive,
                                   Bytes qualifiedName, Bytes name, int seedCompatLevel) {
        public boolean eps() { return (attributes & 0x2) != 0; }
        public boolean pps() { return (attributes & 0x4) != 0; }
        public boolean sps() { return (attributes & 0x8) != 0; }
        public boolean primary() { return (attributes & 0x20) != 0; }
    }

    /** Parses the libtpms payload of tpm2-00.permall (what swtpm's container holds in its DATA TLV). */
    public static LibtpmsState parse(byte[] payload) throws UnsupportedStateException {
        if (payload.length >= 6 && java.nio.ByteBuffer.wrap(payload, 2, 4).getInt() == VOLATILE_STATE_MAGIC) {
            throw new UnsupportedStateException("this is libtpms volatile state, not the permanent state");
        }
        NvCursor c = new NvCursor(payload, "PERSISTENT_ALL");
        if (payload.length < 6 || java.nio.ByteBuffer.wrap(payload, 2, 4).getInt() != PERSISTENT_ALL_MAGIC) {
            throw new UnsupportedStateException("not libtpms TPM 2 permanent state (no PERSISTENT_ALL magic 0xab364723)");
        }
        int version = c.header(PERSISTENT_ALL_MAGIC, 3, "PERSISTENT_ALL");
        compileConstants(c);
        PersistentData pd = persistentData(c);
        OrderlyData od = orderlyData(c);
        StateReset srd = null;
        StateClear scd = null;
        boolean suState = ((pd.orderlyState() & ~(PRE_STARTUP_FLAG | STARTUP_LOCALITY_3)) & 0xFFFF) == SU_STATE;
        if (version < 3 || suState) {
            srd = stateReset(c);
            scd = stateClear(c);
        }
        Map<Integer, OrderlyRam> ram = orderlyRam(c);
        List<NvEntry> indices = new ArrayList<>();
        List<PersistentObject> objects = new ArrayList<>();
        long maxCount = userNvram(c, indices, objects);
        if (version >= 2) c.skipBlock("future");
        if (c.u32() != PERSISTENT_ALL_MAGIC) throw new UnsupportedStateException("PERSISTENT_ALL: no closing magic");
        return new LibtpmsState(pd, od, srd, scd, ram, indices, objects, maxCount);
    }

    private static void compileConstants(NvCursor c) throws UnsupportedStateException {
        int v = c.header(PA_COMPILE_CONSTANTS_MAGIC, 3, "PA_COMPILE_CONSTANTS");
        int n = c.u32();
        for (int i = 0; i < n; i++) c.u32();
        if (v >= 2) c.skipBlock("PA_COMPILE_CONSTANTS");
    }

    private static PersistentData persistentData(NvCursor c) throws UnsupportedStateException {
        int v = c.header(PERSISTENT_DATA_MAGIC, 4, "PERSISTENT_DATA");
        boolean disableClear = c.bool();
        int ownerAlg = c.u16(), endorsementAlg = c.u16(), lockoutAlg = c.u16();
        Bytes ownerPolicy = c.tpm2b(), endorsementPolicy = c.tpm2b(), lockoutPolicy = c.tpm2b();
        Bytes ownerAuth = c.tpm2b(), endorsementAuth = c.tpm2b(), lockoutAuth = c.tpm2b();
        Bytes eps = c.tpm2b(), sps = c.tpm2b(), pps = c.tpm2b();
        Bytes phProof = c.tpm2b(), shProof = c.tpm2b(), ehProof = c.tpm2b();
        long totalResetCount = c.u64();
        int resetCount = c.u32();
        int pcrPolicyAlg = TpmAlg.NULL;
        Bytes pcrPolicy = Bytes.EMPTY;
        NvCursor policies = c.block("pcrPolicies");
        if (policies != null) {
            int pv = policies.header(PCR_POLICY_MAGIC, 2, "PCR_POLICY");
            int n = policies.u16();
            for (int i = 0; i < n; i++) {
                int alg = policies.u16();
                Bytes digest = policies.tpm2b();
                if (i == 0) {
                    pcrPolicyAlg = alg;
                    pcrPolicy = digest;
                } else if (alg != TpmAlg.NULL && alg != 0) {
                    throw new UnsupportedStateException("PCR_POLICY: more than one PCR policy group");
                }
            }
            if (pv >= 2) policies.skipBlock("PCR_POLICY");
        }
        if (pcrPolicyAlg == 0) pcrPolicyAlg = TpmAlg.NULL;
        Map<Integer, Bytes> pcrAllocated = pcrSelection(c);
        Bytes ppList = c.bytes(c.u16());
        int failedTries = c.u32(), maxTries = c.u32(), recoveryTime = c.u32(), lockoutRecovery = c.u32();
        boolean lockoutAuthEnabled = c.bool();
        int orderlyState = c.u16();
        Bytes auditCommands = c.bytes(c.u16());
        int auditHashAlg = c.u16();
        long auditCounter = c.u64();
        int algorithmSet = c.u32();
        c.u32(); // firmwareV1
        c.u32(); // firmwareV2
        int clockSize = c.u8();
        if (clockSize == 8) c.u64(); else if (clockSize == 4) c.u32();
        else throw new UnsupportedStateException("PERSISTENT_DATA: timeEpoch of " + clockSize + " octets");
        int ep = 0, sp = 0, pp = 0;
        if (v >= 2) {
            // a block is read only when the structure's version has it (libtpms' needs_block): libtpms up to 0.8 wrote
            // an empty "future" block where a later version puts its fields (swtpm's test states)
            NvCursor v3 = c.block("v3");
            if (v3 != null && v >= 3) {
                pcrSelection(v3); // the allocation in use (gp.pcrAllocated); the one above takes effect at _TPM_Init
                NvCursor v4 = v3.block("v4");
                if (v4 != null && v >= 4) {
                    ep = v4.u8();
                    sp = v4.u8();
                    pp = v4.u8();
                    NvCursor v5 = v4.block("v5");
                    if (v5 != null && v5.remaining() > 0) {
                        throw new UnsupportedStateException("PERSISTENT_DATA carries fields of a libtpms newer than 0.9"
                                + " (a profile or state format level): not supported");
                    }
                }
            }
        }
        for (int level : new int[] {ep, sp, pp}) {
            if (level > 1) throw new UnsupportedStateException("seed compatibility level " + level + " is newer than libtpms 0.9");
        }
        return new PersistentData(disableClear, ownerAlg, endorsementAlg, lockoutAlg, ownerPolicy, endorsementPolicy,
                lockoutPolicy, ownerAuth, endorsementAuth, lockoutAuth, eps, sps, pps, phProof, shProof, ehProof,
                totalResetCount, resetCount, pcrPolicyAlg, pcrPolicy, pcrAllocated, ppList, failedTries, maxTries,
                recoveryTime, lockoutRecovery, lockoutAuthEnabled, orderlyState, auditCommands, auditHashAlg,
                auditCounter, algorithmSet, ep, sp, pp);
    }

    /** TPML_PCR_SELECTION: hash → pcrSelect octets. */
    private static Map<Integer, Bytes> pcrSelection(NvCursor c) throws UnsupportedStateException {
        int n = c.u32();
        Map<Integer, Bytes> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int hash = c.u16();
            m.put(hash, c.bytes(c.u8()));
        }
        return m;
    }

    static OrderlyData orderlyData(NvCursor c) throws UnsupportedStateException {
        int v = c.header(ORDERLY_DATA_MAGIC, 2, "ORDERLY_DATA");
        long clock = c.u64();
        boolean clockSafe = c.u8() != 0;
        int dv = c.header(DRBG_STATE_MAGIC, 2, "DRBG_STATE");
        c.u64();
        c.u32();
        c.bytes(c.u16());
        int n = c.u16();
        for (int i = 0; i < n; i++) c.u32();
        if (dv >= 2) c.skipBlock("DRBG_STATE");
        c.skipBlock("selfHealTimer");
        if (v >= 2) c.skipBlock("ORDERLY_DATA");
        return new OrderlyData(clock, clockSafe);
    }

    static StateReset stateReset(NvCursor c) throws UnsupportedStateException {
        int v = c.header(STATE_RESET_DATA_MAGIC, 4, "STATE_RESET_DATA");
        Bytes nullProof = c.tpm2b(), nullSeed = c.tpm2b();
        int clearCount = c.u32();
        c.u64(); // objectContextID
        int n = c.u16();
        int saved = 0;
        for (int i = 0; i < n; i++) {
            // contextArray: 0 free, 1..MAX_LOADED_SESSIONS a loaded session's slot, above that a saved session
            int slot = v <= 3 ? c.u8() : c.u16();
            if (slot > 3) saved++;
        }
        if (v >= 4) c.u16(); // s_ContextSlotMask
        long contextCounter = c.u64();
        Bytes auditDigest = c.tpm2b();
        int restartCount = c.u32();
        int pcrCounter = c.u32();
        long commitCounter = 0;
        Bytes commitNonce = Bytes.EMPTY, commitArray = Bytes.EMPTY;
        NvCursor ecc = c.block("commit");
        if (ecc != null) {
            commitCounter = ecc.u64();
            commitNonce = ecc.tpm2b();
            commitArray = ecc.bytes(ecc.u16());
        }
        if (v >= 2) c.skipBlock("STATE_RESET_DATA"); // nullSeedCompatLevel and later
        return new StateReset(nullProof, nullSeed, clearCount, auditDigest, restartCount, pcrCounter, commitCounter,
                commitNonce, commitArray, contextCounter, saved);
    }

    static StateClear stateClear(NvCursor c) throws UnsupportedStateException {
        int v = c.header(STATE_CLEAR_DATA_MAGIC, 2, "STATE_CLEAR_DATA");
        boolean sh = c.bool(), eh = c.bool(), phNv = c.bool();
        int platformAlg = c.u16();
        Bytes platformPolicy = c.tpm2b(), platformAuth = c.tpm2b();
        int pv = c.header(PCR_SAVE_MAGIC, 2, "PCR_SAVE");
        int pcrs = c.u16();
        if (pcrs != 16) throw new UnsupportedStateException("PCR_SAVE: " + pcrs + " saved PCRs, expected 16");
        Map<Integer, Bytes> save = new LinkedHashMap<>();
        while (true) {
            int alg = c.u16();
            if (alg == TpmAlg.NULL) break;
            save.put(alg, c.bytes(c.u16()));
        }
        if (pv >= 2) c.skipBlock("PCR_SAVE");
        int av = c.header(PCR_AUTHVALUE_MAGIC, 2, "PCR_AUTHVALUE");
        int n = c.u16();
        List<Bytes> auths = new ArrayList<>();
        for (int i = 0; i < n; i++) auths.add(c.tpm2b());
        if (av >= 2) c.skipBlock("PCR_AUTHVALUE");
        if (v >= 2) c.skipBlock("STATE_CLEAR_DATA");
        return new StateClear(sh, eh, phNv, platformAlg, platformPolicy, platformAuth, save, auths);
    }

    private static Map<Integer, OrderlyRam> orderlyRam(NvCursor c) throws UnsupportedStateException {
        int v = c.header(INDEX_ORDERLY_RAM_MAGIC, 2, "INDEX_ORDERLY_RAM");
        long sourceSize = c.u32() & 0xFFFFFFFFL;
        Map<Integer, OrderlyRam> ram = new LinkedHashMap<>();
        long offset = 0;
        while (offset + 12 <= sourceSize) {
            int size = c.u32();
            if (size == 0) break;
            int handle = c.u32();
            int attributes = c.u32();
            Bytes data = c.bytes(c.u16());
            ram.put(handle, new OrderlyRam(handle, attributes, data));
            offset += 12 + data.size();
        }
        if (v >= 2) c.skipBlock("INDEX_ORDERLY_RAM");
        return ram;
    }

    private static long userNvram(NvCursor c, List<NvEntry> indices, List<PersistentObject> objects)
            throws UnsupportedStateException {
        int v = c.header(USER_NVRAM_MAGIC, 2, "USER_NVRAM");
        c.u64(); // the source's user NV size
        while (true) {
            int entrySize = c.u32();
            if (entrySize == 0) break;
            int handle = c.u32();
            switch (handle >>> 24) {
                case 0x01 -> {
                    int iv = c.header(NV_INDEX_MAGIC, 2, "NV_INDEX");
                    TpmsNvPublic pub = c.read(TpmsNvPublic.class);
                    Bytes auth = c.tpm2b();
                    if (iv >= 2) c.skipBlock("NV_INDEX");
                    Bytes data = c.bytes(c.u32());
                    if (pub.nvIndex() != handle) {
                        throw new UnsupportedStateException("USER_NVRAM: index 0x" + Integer.toHexString(handle)
                                + " holds the public area of 0x" + Integer.toHexString(pub.nvIndex()));
                    }
                    indices.add(new NvEntry(pub, auth, data));
                }
                case 0x81 -> objects.add(anyObject(c, handle));
                default -> throw new UnsupportedStateException("USER_NVRAM: an entry with handle 0x"
                        + Integer.toHexString(handle) + " (neither an NV index nor a persistent object)");
            }
        }
        long maxCount = c.u64();
        if (v >= 2) c.skipBlock("USER_NVRAM");
        return maxCount;
    }

    /** An OBJECT's content (after ANY_OBJECT's attributes): the sensitive area is null for a public-only object. */
    record ObjectBody(TpmtPublic publicArea, TpmtSensitive sensitive, Bytes qualifiedName, int evictHandle, Bytes name,
                      int seedCompatLevel) {}

    /** OBJECT (0x75be73af): TPMT_PUBLIC, the sensitive area in clear (type 0 and empty when public only), … */
    static ObjectBody objectBody(NvCursor c, boolean publicOnly) throws UnsupportedStateException {
        int ov = c.header(OBJECT_MAGIC, 3, "OBJECT");
        TpmtPublic pub = c.read(TpmtPublic.class);
        TpmtSensitive sensitive = null;
        if (publicOnly) {
            int type = c.u16();
            if (type != 0 || c.tpm2b().size() != 0 || c.tpm2b().size() != 0) {
                throw new UnsupportedStateException("a public-only object with a sensitive area");
            }
        } else {
            sensitive = c.read(TpmtSensitive.class);
        }
        c.skipBlock("privateExponent");
        Bytes qualifiedName = c.tpm2b();
        int evictHandle = c.u32();
        Bytes name = c.tpm2b();
        int level = 0;
        if (ov >= 2) {
            NvCursor v3 = c.block("OBJECT v3");
            if (v3 != null && ov >= 3) {
                level = v3.u8();
                v3.skipBlock("OBJECT v4");
            }
        }
        return new ObjectBody(pub, sensitive, qualifiedName, evictHandle, name, level);
    }

    private static PersistentObject anyObject(NvCursor c, int handle) throws UnsupportedStateException {
        int av = c.header(ANY_OBJECT_MAGIC, 2, "ANY_OBJECT");
        int attributes = c.u32();
        if ((attributes & 0x8000) == 0) {
            throw new UnsupportedStateException("persistent object 0x" + Integer.toHexString(handle) + " is an empty slot");
        }
        if ((attributes & 0x700) != 0) {
            throw new UnsupportedStateException("persistent object 0x" + Integer.toHexString(handle) + " is a sequence");
        }
        ObjectBody o = objectBody(c, false);
        if (av >= 2) c.skipBlock("ANY_OBJECT");
        if (o.evictHandle() != handle) {
            throw new UnsupportedStateException("persistent object 0x" + Integer.toHexString(handle) + " says it is 0x"
                    + Integer.toHexString(o.evictHandle()));
        }
        return new PersistentObject(handle, attributes, o.publicArea(), o.sensitive(), o.qualifiedName(), o.name(),
                o.seedCompatLevel());
    }
}
