package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.structure.TpmaNv;
import java.util.ArrayList;
import java.util.List;

/**
 * The NV indices of a TPM (ms-tpm's NvDynamic.c for indices): their definitions and data live in
 * {@link PersistentState#nvIndices}; an ORDERLY index is RAM-backed ({@link TpmState#nvRam}: its attributes and
 * data change there and reach the persistent copy only at TPM2_Shutdown, at the first write and the
 * roll-over of an orderly counter, as ms-tpm's s_indexOrderlyRam and NvUpdateIndexOrderlyData).
 *
 * <p>Space is libtpms 0.9's: NV entries as NvAdd lays them out (a 4-octet link, the 148-octet NV_INDEX, the data
 * unless orderly), persistent objects at NV_EVICT_OBJECT_SIZE, the reserve for MIN_EVICT_OBJECTS (7) persistent
 * objects and MIN_COUNTER_INDICES (8) counters of NvTestSpace, and 512 octets of orderly RAM (a 12-octet header
 * and the data per index). The user area is fitted to what swtpm 0.7.1 accepts: 68 ordinary 2048-octet indices,
 * then 13 one-octet ones; TPM_PT_HR_PERSISTENT_AVAIL 65 and TPM_PT_NV_COUNTERS_AVAIL 25 when empty.
 */
public final class NvIndices {
    private NvIndices() {}

    /** Octets of libtpms' dynamic NV area for indices and persistent objects (fitted, see the class comment). */
    static final int USER_SPACE = 171_160;
    static final int INDEX_SIZE = 148, LINK = 4, EVICT_OBJECT_SIZE = 2_600, LIST_TERMINATOR = 12;
    static final int COUNTER_SIZE = LINK + INDEX_SIZE + 8;
    static final int MIN_EVICT_OBJECTS = 7, MIN_COUNTER_INDICES = 8;
    static final int RAM_SPACE = 512, RAM_HEADER = 12;
    /** MAX_ORDERLY_COUNT: the low bits of an orderly counter that may be lost with RAM (ORDERLY_BITS 8). */
    public static final long MAX_ORDERLY_COUNT = 0xFF;

    /** The index at {@code handle} as commands see it (an orderly index from RAM), or null. */
    public static NvIndex get(TpmState s, int handle) {
        NvIndex ram = s.nvRam.get(handle);
        if (ram != null) return ram;
        return s.persistent == null ? null : s.persistent.nvIndices.get(handle);
    }

    /**
     * ms-tpm NvIndexIsAccessible: the index exists, and its hierarchy is enabled (shEnable for an owner-created
     * index, phEnableNV for a platform-created one).
     */
    public static boolean isAccessible(TpmState s, int handle) {
        NvIndex nv = get(s, handle);
        if (nv == null) return false;
        return nv.has(TpmaNv.PLATFORMCREATE) ? s.stateClear.phEnableNV() : s.stateClear.shEnable();
    }

    /**
     * Replaces an index: an orderly one in RAM only, any other in the persistent state. True when the persistent
     * state changed (the caller commits it). An orderly counter's first write saves the orderly RAM (ms-tpm
     * NvWriteIndexData: UT_ORDERLY), so that its high-water mark survives a power loss.
     */
    public static boolean update(TpmState s, NvIndex index) {
        if (index.has(TpmaNv.ORDERLY)) {
            NvIndex before = get(s, index.handle());
            s.nvRam.put(index.handle(), index);
            if (TpmaNv.isCounter(index.attributes()) && before != null && !before.has(TpmaNv.WRITTEN)
                    && index.has(TpmaNv.WRITTEN)) {
                saveOrderly(s);
                return true;
            }
            return false;
        }
        s.persistent.nvIndices.put(index.handle(), index);
        return true;
    }

    /** ms-tpm NvUpdateIndexOrderlyData: the RAM copies of orderly indices become their persistent copies. */
    public static void saveOrderly(TpmState s) {
        for (NvIndex ram : s.nvRam.values()) {
            if (s.persistent.nvIndices.containsKey(ram.handle())) s.persistent.nvIndices.put(ram.handle(), ram);
        }
    }

    /**
     * ms-tpm NvDefineIndex: TPM_RC_NV_SPACE when the index (its data too, unless orderly) does not fit beside the
     * reserve for persistent objects and counters, or an orderly index's data does not fit in the orderly RAM.
     */
    public static void define(TpmState s, NvIndex index) {
        boolean orderly = index.has(TpmaNv.ORDERLY);
        int entry = INDEX_SIZE + (orderly ? 0 : index.publicArea().dataSize());
        if (!testSpace(s, entry, TpmaNv.isCounter(index.attributes()))) throw new TpmFailure(TpmRc.NV_SPACE);
        if (orderly && ramFree(s) < RAM_HEADER + index.publicArea().dataSize()) throw new TpmFailure(TpmRc.NV_SPACE);
        s.persistent.nvIndices.put(index.handle(), index);
        if (orderly) s.nvRam.put(index.handle(), index);
    }

    /** ms-tpm NvDeleteIndex: a written counter leaves its value as the TPM's maxCounter, if larger. */
    public static void delete(TpmState s, int handle) {
        NvIndex nv = get(s, handle);
        if (nv == null) return;
        if (TpmaNv.isCounter(nv.attributes()) && nv.has(TpmaNv.WRITTEN)
                && Long.compareUnsigned(nv.u64(), s.persistent.nvMaxCounter) > 0) {
            s.persistent.nvMaxCounter = nv.u64();
        }
        s.persistent.nvIndices.remove(handle);
        s.nvRam.remove(handle);
    }

    /** TPM2_Clear (ms-tpm NvFlushHierarchy(TPM_RH_OWNER)): every index not created by the platform goes. */
    public static void flushOwnerIndices(TpmState s) {
        for (NvIndex nv : List.copyOf(s.persistent.nvIndices.values())) {
            if (!get(s, nv.handle()).has(TpmaNv.PLATFORMCREATE)) delete(s, nv.handle());
        }
    }

    /** ms-tpm NvSetGlobalLock: WRITELOCKED on every index with GLOBALLOCK. True when the persistent state changed. */
    public static boolean globalLock(TpmState s) {
        boolean changed = false;
        for (int h : handles(s)) {
            NvIndex nv = get(s, h);
            if (nv.has(TpmaNv.GLOBALLOCK)) changed |= update(s, nv.withAttributes(nv.attributes() | TpmaNv.WRITELOCKED));
        }
        return changed;
    }

    /** The kinds of TPM2_Startup, as ms-tpm's STARTUP_TYPE. */
    public enum StartupType { RESET, RESTART, RESUME }

    /**
     * ms-tpm NvEntityStartup: the orderly RAM comes back from its persistent copy; unless resuming, every index gets
     * its start-up attributes (NvSetStartupAttributes), and after a start that followed no orderly shutdown an
     * orderly counter's low bits are set to ones (MAX_ORDERLY_COUNT) so that it never repeats a value it had.
     */
    public static void startup(TpmState s, StartupType type, boolean previousOrderly) {
        s.nvRam.clear();
        for (NvIndex nv : s.persistent.nvIndices.values()) if (nv.has(TpmaNv.ORDERLY)) s.nvRam.put(nv.handle(), nv);
        if (type == StartupType.RESUME) return;
        for (NvIndex nv : List.copyOf(s.persistent.nvIndices.values())) {
            if (nv.has(TpmaNv.ORDERLY)) {
                NvIndex ram = nv.withAttributes(startupAttributes(nv.attributes(), type));
                if (TpmaNv.isCounter(ram.attributes()) && !previousOrderly) {
                    ram = new NvIndex(ram.publicArea(), ram.authValue(),
                            ram.withU64(ram.u64() | MAX_ORDERLY_COUNT).data());
                }
                s.nvRam.put(nv.handle(), ram);
            } else {
                s.persistent.nvIndices.put(nv.handle(), nv.withAttributes(startupAttributes(nv.attributes(), type)));
            }
        }
    }

    private static int startupAttributes(int a, StartupType type) {
        a &= ~TpmaNv.READLOCKED;
        if (!TpmaNv.isCounter(a)
                && ((a & TpmaNv.CLEAR_STCLEAR) != 0 || (a & TpmaNv.ORDERLY) != 0 && type == StartupType.RESET)) {
            a &= ~TpmaNv.WRITTEN;
        }
        if ((a & TpmaNv.WRITTEN) == 0 || (a & TpmaNv.WRITEDEFINE) == 0) a &= ~TpmaNv.WRITELOCKED;
        return a;
    }

    /** The defined handles, ascending. */
    public static List<Integer> handles(TpmState s) { return new ArrayList<>(s.persistent.nvIndices.keySet()); }

    /** TPM_PT_NV_COUNTERS: defined counter indices. */
    public static int counters(TpmState s) {
        return (int) s.persistent.nvIndices.values().stream().filter(nv -> TpmaNv.isCounter(nv.attributes())).count();
    }

    /** ms-tpm NvCapGetCounterAvail (TPM_PT_NV_COUNTERS_AVAIL). */
    public static int countersAvailable(TpmState s) {
        long nv = freeBytes(s);
        long reserved = LIST_TERMINATOR;
        int persistent = s.persistent.persistentObjects.size();
        if (persistent < MIN_EVICT_OBJECTS) {
            reserved += (long) (MIN_EVICT_OBJECTS - persistent) * EVICT_OBJECT_SIZE;
            nv = reserved > nv ? 0 : nv - reserved;
        }
        return (int) Math.min(nv / COUNTER_SIZE, ramFree(s) / (RAM_HEADER + 8));
    }

    private static long freeBytes(TpmState s) {
        long used = (long) s.persistent.persistentObjects.size() * EVICT_OBJECT_SIZE;
        for (NvIndex nv : s.persistent.nvIndices.values()) {
            used += LINK + INDEX_SIZE + (nv.has(TpmaNv.ORDERLY) ? 0 : nv.publicArea().dataSize());
        }
        return USER_SPACE - used;
    }

    private static int ramFree(TpmState s) {
        int used = 0;
        for (NvIndex nv : s.persistent.nvIndices.values()) {
            if (nv.has(TpmaNv.ORDERLY)) used += RAM_HEADER + nv.publicArea().dataSize();
        }
        return RAM_SPACE - used;
    }

    /** ms-tpm NvTestSpace for an index of {@code size} octets. */
    private static boolean testSpace(TpmState s, long size, boolean isCounter) {
        long remain = freeBytes(s);
        long reserved = LINK + LIST_TERMINATOR;
        int persistent = s.persistent.persistentObjects.size();
        if (persistent < MIN_EVICT_OBJECTS) reserved += (long) (MIN_EVICT_OBJECTS - persistent) * EVICT_OBJECT_SIZE;
        if (!isCounter) {
            int counters = counters(s);
            if (counters < MIN_COUNTER_INDICES) reserved += (long) (MIN_COUNTER_INDICES - counters) * COUNTER_SIZE;
        }
        return reserved < remain && size <= remain && size + reserved <= remain;
    }

    /** Zeros of the index's size: the data of a new index. */
    public static Bytes zeros(int size) { return Bytes.zeros(size); }
}
