package dev.jtpm.engine.state;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** The transient object slots: at most {@link #MAX_LOADED} objects, handles from 0x80000000. */
public final class TransientObjects {
    /** MAX_LOADED_OBJECTS, as libtpms. */
    public static final int MAX_LOADED = 3;

    private final SortedMap<Integer, TransientObject> slots = new TreeMap<>(Integer::compareUnsigned);
    private int next = TpmRh.TRANSIENT_FIRST;

    /** Loads an object; TPM_RC_OBJECT_MEMORY when every slot is taken. */
    public int add(TransientObject o) {
        if (slots.size() >= MAX_LOADED) throw new TpmFailure(TpmRc.OBJECT_MEMORY);
        int h;
        do {
            h = next;
            next = next == 0x80FFFFFF ? TpmRh.TRANSIENT_FIRST : next + 1;
        } while (slots.containsKey(h));
        slots.put(h, o);
        return h;
    }

    /** The object at a handle, or null. */
    public TransientObject get(int handle) { return slots.get(handle); }

    public void remove(int handle) { slots.remove(handle); }

    public void clear() { slots.clear(); }

    /** Loaded handles, ascending. */
    public SortedMap<Integer, TransientObject> all() { return Collections.unmodifiableSortedMap(slots); }

    public int count() { return slots.size(); }
}
