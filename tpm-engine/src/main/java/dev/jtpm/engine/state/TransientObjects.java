package dev.jtpm.engine.state;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The transient object slots: at most {@link #MAX_LOADED} objects. As in ms-tpm-20-ref and libtpms,
 * an object's handle is its slot, TRANSIENT_FIRST + slot index, and a new object takes the lowest
 * free slot (measured on swtpm: after flushing 0x80000001 of three loaded sequences, the next one
 * is 0x80000001 again), so every handle lies in TRANSIENT_FIRST..TRANSIENT_LAST, the range
 * TPMI_DH_OBJECT admits.
 */
public final class TransientObjects {
    /** MAX_LOADED_OBJECTS, as libtpms. */
    public static final int MAX_LOADED = TpmRh.TRANSIENT_LAST - TpmRh.TRANSIENT_FIRST + 1;

    private final SortedMap<Integer, TransientObject> slots = new TreeMap<>(Integer::compareUnsigned);

    /** Loads an object in the lowest free slot; TPM_RC_OBJECT_MEMORY when every slot is taken. */
    public int add(TransientObject o) {
        for (int i = 0; i < MAX_LOADED; i++) {
            int h = TpmRh.TRANSIENT_FIRST + i;
            if (!slots.containsKey(h)) {
                slots.put(h, o);
                return h;
            }
        }
        throw new TpmFailure(TpmRc.OBJECT_MEMORY);
    }

    /** The object at a handle, or null. */
    public TransientObject get(int handle) {
        if (dev.jtpm.types.TpmHt.of(handle) == dev.jtpm.types.TpmHt.PERSISTENT) {
            return persistentLookup == null ? null : persistentLookup.apply(handle);
        }
        return slots.get(handle);
    }

    private java.util.function.IntFunction<TransientObject> persistentLookup;

    /** How {@link #get} finds persistent objects (0x81xxxxxx), which live in NV, not in a slot. */
    void persistentLookup(java.util.function.IntFunction<TransientObject> lookup) { persistentLookup = lookup; }

    /** Puts an object back at its handle (restoring the volatile state); false if the handle is no slot or taken. */
    boolean restoreAt(int handle, TransientObject o) {
        if (Integer.compareUnsigned(handle, TpmRh.TRANSIENT_FIRST) < 0 || Integer.compareUnsigned(handle, TpmRh.TRANSIENT_LAST) > 0
                || slots.containsKey(handle)) return false;
        slots.put(handle, o);
        return true;
    }

    public void remove(int handle) { slots.remove(handle); }

    public void clear() { slots.clear(); }

    /** Loaded handles, ascending. */
    public SortedMap<Integer, TransientObject> all() { return Collections.unmodifiableSortedMap(slots); }

    public int count() { return slots.size(); }
}
