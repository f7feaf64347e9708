package dev.jtpm.engine.session;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.TpmCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Loaded sessions: at most {@link #MAX_LOADED} at a time (MAX_LOADED_SESSIONS, as libtpms); HMAC
 * sessions get handles 0x02xxxxxx, policy and trial sessions 0x03xxxxxx, sharing one index space.
 */
public final class SessionSlots {
    public static final int MAX_LOADED = 3;
    private static final int INDEX_MASK = 0x00FFFFFF;

    /** MAX_ACTIVE_SESSIONS: loaded plus saved (ContextSave'd) sessions. */
    public static final int MAX_ACTIVE = 64;

    private final SortedMap<Integer, AuthSession> loaded = new TreeMap<>(Integer::compareUnsigned);
    /** Saved sessions (active but not loaded): handle → the sequence of the one context that may load it. */
    private final SortedMap<Integer, Long> saved = new TreeMap<>(Integer::compareUnsigned);
    private int nextIndex;

    /** Adds a session; TPM_RC_SESSION_MEMORY when every slot is taken. */
    public int add(AuthSession s) {
        if (loaded.size() >= MAX_LOADED) throw new TpmFailure(TpmRc.SESSION_MEMORY);
        if (loaded.size() + saved.size() >= MAX_ACTIVE) throw new TpmFailure(TpmRc.SESSION_HANDLES);
        int base = s.isPolicy() ? TpmRh.POLICY_SESSION_FIRST : TpmRh.HMAC_SESSION_FIRST;
        int handle;
        do {
            handle = base | nextIndex;
            nextIndex = (nextIndex + 1) & INDEX_MASK;
        } while (isUsed(handle));
        loaded.put(handle, s);
        return handle;
    }

    private boolean isUsed(int handle) {
        int index = handle & INDEX_MASK;
        return loaded.containsKey(TpmRh.HMAC_SESSION_FIRST | index) || loaded.containsKey(TpmRh.POLICY_SESSION_FIRST | index)
                || saved.containsKey(TpmRh.HMAC_SESSION_FIRST | index) || saved.containsKey(TpmRh.POLICY_SESSION_FIRST | index);
    }

    /** ContextSave: the session stays active but leaves its slot; only the context with {@code sequence} may load it. */
    public void markSaved(int handle, long sequence) {
        loaded.remove(handle);
        saved.put(handle, sequence);
    }

    /** The sequence the saved session at {@code handle} expects, or null if it is not saved. */
    public Long savedSequence(int handle) { return saved.get(handle); }

    /** ContextLoad: the saved session comes back into a slot; TPM_RC_SESSION_MEMORY when all are taken. */
    public void restore(int handle, AuthSession s) {
        if (loaded.size() >= MAX_LOADED) throw new TpmFailure(TpmRc.SESSION_MEMORY);
        saved.remove(handle);
        loaded.put(handle, s);
    }

    /** Ends a saved session (FlushContext of a session that is not loaded). */
    public boolean removeSaved(int handle) { return saved.remove(handle) != null; }

    /** The handles of the saved (active, not loaded) sessions. */
    public java.util.List<Integer> savedHandles() { return java.util.List.copyOf(saved.keySet()); }

    /** Number of active sessions (loaded and saved). */
    public int activeCount() { return loaded.size() + saved.size(); }

    /** The session with this handle, or null. */
    public AuthSession get(int handle) { return loaded.get(handle); }

    public void remove(int handle) { loaded.remove(handle); }

    public void clear() {
        loaded.clear();
        saved.clear();
    }

    public int count() { return loaded.size(); }

    // ---------------------------------------------------------------- saved form (volatile-state blob)

    /** A loaded session in the blob: its handle and its {@link SessionContext}. */
    record LoadedSession(int handle, Bytes session) {}

    /** A saved (ContextSave'd) session in the blob: its handle and the sequence of the one context that may load it. */
    record SavedSession(int handle, long sequence) {}

    /** The slots in the blob: the next handle index, the loaded sessions, the saved ones. */
    record Stored(int nextIndex, List<LoadedSession> loaded, List<SavedSession> saved) {}

    /**
     * Every active session as octets (secrets included): the loaded sessions with all their state (nonces,
     * key, bind, policy and audit digest, flags), the saved sessions' bookkeeping, and where handle numbering
     * goes on. {@link #restore(byte[])} brings them back at the same handles.
     */
    public byte[] marshal() {
        List<LoadedSession> l = new ArrayList<>();
        for (var e : loaded.entrySet()) l.add(new LoadedSession(e.getKey(), Bytes.wrap(SessionContext.of(e.getValue()).encode())));
        List<SavedSession> sv = new ArrayList<>();
        for (var e : saved.entrySet()) sv.add(new SavedSession(e.getKey(), e.getValue()));
        return TpmCodec.encode(new Stored(nextIndex, l, sv));
    }

    /** Replaces every session with those of {@link #marshal()}; TPM_RC_FAILURE when the octets are not such a form. */
    public void restore(byte[] blob) {
        Stored st;
        try {
            st = TpmCodec.decode(Stored.class, blob);
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.FAILURE);
        }
        if (st.loaded().size() > MAX_LOADED || st.loaded().size() + st.saved().size() > MAX_ACTIVE) throw new TpmFailure(TpmRc.FAILURE);
        clear();
        for (LoadedSession s : st.loaded()) {
            AuthSession session;
            try {
                session = SessionContext.decode(s.session().toArray()).toSession();
            } catch (TpmFailure e) {
                throw new TpmFailure(TpmRc.FAILURE);
            }
            int base = session.isPolicy() ? TpmRh.POLICY_SESSION_FIRST : TpmRh.HMAC_SESSION_FIRST;
            if ((s.handle() & ~INDEX_MASK) != base || isUsed(s.handle())) throw new TpmFailure(TpmRc.FAILURE);
            loaded.put(s.handle(), session);
        }
        for (SavedSession s : st.saved()) {
            int type = s.handle() & ~INDEX_MASK;
            if (type != TpmRh.HMAC_SESSION_FIRST && type != TpmRh.POLICY_SESSION_FIRST || isUsed(s.handle())) {
                throw new TpmFailure(TpmRc.FAILURE);
            }
            saved.put(s.handle(), s.sequence());
        }
        nextIndex = st.nextIndex() & INDEX_MASK;
    }

    /** Loaded session handles, ascending. */
    public SortedMap<Integer, AuthSession> all() { return Collections.unmodifiableSortedMap(loaded); }
}
