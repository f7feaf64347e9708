package dev.jtpm.server.rm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One client's view of the TPM (the kernel's {@code struct tpm_space}): its transient objects by virtual handle, each
 * kept as the context the backend gave when the RM saved it, and its sessions by their real handle, each kept as its
 * last saved context. Between commands nothing of a space is loaded in the backend. Guarded by the
 * {@link ResourceManager}'s lock.
 */
public final class Space {
    final int id;
    /** Virtual handle → saved object context (TPMS_CONTEXT as the backend marshalled it). */
    final Map<Integer, byte[]> objects = new LinkedHashMap<>();
    /**
     * Virtual handle → real handle of an object the backend cannot save (a hash sequence on jtpm's engine): it stays
     * loaded in the backend, and counts against the backend's slots, until it is flushed or completed.
     */
    final Map<Integer, Integer> pinned = new LinkedHashMap<>();
    /** Real session handle → saved session context; null only inside the command that created it. */
    final Map<Integer, byte[]> sessions = new LinkedHashMap<>();
    volatile boolean closed;
    /** Who works in this space (the connection that opened it), for cancel. */
    volatile Object owner;

    Space(int id) {
        this.id = id;
    }

    /** The space's number (for logs). */
    public int id() { return id; }

    /** True when the space holds no object and no session (call under the RM's lock). */
    boolean isEmpty() { return objects.isEmpty() && sessions.isEmpty(); }

    /** Virtual transient handles, ascending (unsigned). */
    TreeSet<Integer> objectHandles() {
        TreeSet<Integer> s = new TreeSet<>(Integer::compareUnsigned);
        s.addAll(objects.keySet());
        return s;
    }

    /** Session handles, ascending (unsigned). */
    TreeSet<Integer> sessionHandles() {
        TreeSet<Integer> s = new TreeSet<>(Integer::compareUnsigned);
        s.addAll(sessions.keySet());
        return s;
    }

    @Override
    public String toString() {
        return "space " + id + " (" + objects.size() + " objects, " + sessions.size() + " sessions)";
    }
}
