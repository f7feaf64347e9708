package dev.jtpm.server.rm;

import dev.jtpm.server.ServerLog;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CommandTable;
import dev.jtpm.wire.BigEndian;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A resource manager in the shape of Linux's tpm2-space: many {@link Space}s share one backend TPM, one command at a
 * time (a fair lock held for one command's whole exchange, nothing else).
 *
 * <p>Per command: the handle area (its length from {@link RmCommands}) is rewritten — a virtual transient handle of the
 * caller's space is loaded with TPM2_ContextLoad and replaced by the real handle; a session handle (kept real, as the
 * kernel keeps them) must belong to the space, and is loaded from its saved context, as are the sessions of the
 * authorization area; any other space's handle is refused before the backend sees it (TPM_RC_HANDLE for objects,
 * TPM_RC_REFERENCE_H0/S0 for sessions, what the TPM answers for a handle it does not have loaded). After the
 * command every object is saved (ContextSave) and flushed, every session saved (ContextSave keeps it active), a new
 * transient response handle gets a virtual one. A session or object the command ended (continueSession clear,
 * SequenceComplete) fails to save and leaves the space. TPM_RC_CONTEXT_GAP is answered by loading and re-saving the
 * oldest saved session, then retrying.
 *
 * <p>Emulated rather than forwarded: FlushContext of a virtual object (the RM drops its context), GetCapability
 * (TPM_CAP_HANDLES) for the transient, loaded-session and saved-session ranges (the caller's handles only).
 * ContextSave of a virtual object returns the backend's blob, which ContextLoad (through the RM) loads into a new
 * virtual handle; ContextSave of a session hands the session to the client (it leaves the space and is no longer
 * flushed with it: how tpm2-tools keeps a session file across invocations), and ContextLoad of it adopts it into the
 * loading space unless another space owns it.
 */
public final class ResourceManager implements AutoCloseable {
    /** Per-space limits. */
    public record Limits(int objects, int sessions) {
        public static final Limits DEFAULT = new Limits(16, 8);
    }

    static final int ST_NO_SESSIONS = 0x8001, ST_SESSIONS = 0x8002;
    static final int HT_TRANSIENT = 0x80, HT_HMAC = 0x02, HT_POLICY = 0x03;
    static final int CAP_HANDLES = 0x00000001;
    private static final int MAX_REGAPS = 4;

    private final BackendLink backend;
    private final Limits limits;
    private final ServerLog log;
    private final CommandTable table = RmCommands.TABLE;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicInteger spaceIds = new AtomicInteger();
    private final Set<Space> spaces = ConcurrentHashMap.newKeySet();
    /** Session handle → the space holding it (guarded by lock). */
    private final Map<Integer, Space> sessionOwners = new HashMap<>();
    private int nextVirtual = 0x80000000;
    private volatile Space executing;

    ResourceManager(BackendLink backend, Limits limits, ServerLog log) {
        this.backend = backend;
        this.limits = limits;
        this.log = log;
    }

    /** A new, empty space. */
    public Space openSpace() {
        Space s = new Space(spaceIds.incrementAndGet());
        spaces.add(s);
        return s;
    }

    /** The spaces open now (tests, metrics). */
    public Set<Space> spaces() { return Set.copyOf(spaces); }

    /** What the backend is. */
    public String describe() { return backend.describe(); }

    /** The space whose command the backend runs now, or null. */
    public Space executing() { return executing; }

    /** True when {@code space} holds nothing. */
    public boolean isEmpty(Space space) {
        lock.lock();
        try {
            return space.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Counts of what {@code space} holds: {objects, sessions}. */
    public int[] counts(Space space) {
        lock.lock();
        try {
            return new int[] {space.objects.size(), space.sessions.size()};
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the backend's command in progress if it is {@code space}'s. */
    public boolean cancel(Space space) {
        return executing == space && space != null && backend.cancel();
    }

    /** Cancels whatever the backend runs now. */
    boolean cancelAny() { return executing != null && backend.cancel(); }

    /**
     * Runs one command (a whole TPM command, its size already checked against its header) for {@code space}. Never
     * throws: a backend failure is answered TPM_RC_FAILURE.
     */
    public byte[] execute(Space space, byte[] command, int locality) {
        lock.lock();
        executing = space;
        try {
            if (space.closed) return error(TpmRc.FAILURE);
            return executeLocked(space, command, locality);
        } catch (IOException e) {
            log.error("jtpm rm: backend " + backend.describe() + " failed: " + e.getMessage());
            return error(TpmRc.FAILURE);
        } catch (RuntimeException e) {
            log.error("jtpm rm: " + e);
            return error(TpmRc.FAILURE);
        } finally {
            executing = null;
            lock.unlock();
        }
    }

    /** Flushes everything {@code space} holds and forgets it. */
    public void closeSpace(Space space) {
        lock.lock();
        try {
            if (space.closed) return;
            space.closed = true;
            spaces.remove(space);
            String was = space.toString();
            space.objects.clear(); // contexts only: nothing of them is loaded between commands
            for (int real : space.pinned.values()) {
                try {
                    flush(real, 0);
                } catch (IOException e) {
                    log.info("jtpm rm: flushing object of " + space + ": " + e.getMessage());
                }
            }
            space.pinned.clear();
            for (int h : space.sessionHandles()) {
                sessionOwners.remove(h);
                try {
                    flush(h, 0);
                } catch (IOException e) {
                    log.info("jtpm rm: flushing session " + hex(h) + " of " + space + ": " + e.getMessage());
                }
            }
            space.sessions.clear();
            log.info("jtpm rm: " + was + " closed and flushed");
        } finally {
            lock.unlock();
        }
    }

    private byte[] executeLocked(Space space, byte[] cmd, int locality) throws IOException {
        backend.ensureOpen();
        if (backend.takeFresh()) clearBackend();
        if (cmd.length < 10) return error(new TpmRc(0x142)); // TPM_RC_COMMAND_SIZE
        int tag = BigEndian.u16(cmd, 0);
        int cc = BigEndian.u32(cmd, 6);
        CommandTable.Entry entry = table.get(cc);
        if (entry == null) return error(new TpmRc(0x143)); // TPM_RC_COMMAND_CODE
        int nHandles = entry.handleCount();
        if (cmd.length < 10 + 4 * nHandles) return backend.exchange(cmd, locality); // the TPM answers the short command
        switch (cc) {
            case TpmCc.FLUSH_CONTEXT -> {
                if (cmd.length == 14) return flushContext(space, cmd, locality);
            }
            case TpmCc.GET_CAPABILITY -> {
                byte[] r = handlesCapability(space, cmd, tag);
                if (r != null) return r;
            }
            default -> { }
        }
        // limits, checked before anything is loaded
        if (entry.responseHandles() == 1) {
            boolean session = cc == TpmCc.START_AUTH_SESSION
                    || (cc == TpmCc.CONTEXT_LOAD && cmd.length >= 22 && isSession(BigEndian.u32(cmd, 18)));
            if (session && space.sessions.size() >= limits.sessions()) return error(TpmRc.SESSION_MEMORY);
            if (!session && space.objects.size() >= limits.objects()) return error(TpmRc.OBJECT_MEMORY);
        }
        if (cc == TpmCc.CONTEXT_LOAD && cmd.length >= 22 && isSession(BigEndian.u32(cmd, 18))) {
            Space owner = sessionOwners.get(BigEndian.u32(cmd, 18));
            if (owner != null && owner != space) return error(TpmRc.HANDLE.atParameter(1));
        }
        byte[] mapped = cmd.clone();
        Map<Integer, Integer> loadedObjects = new LinkedHashMap<>(); // virtual → real
        List<Integer> usedSessions = new ArrayList<>();
        List<Integer> loadedSessions = new ArrayList<>();
        try {
            for (int i = 0; i < nHandles; i++) {
                int h = BigEndian.u32(cmd, 10 + 4 * i);
                int type = h >>> 24;
                if (type == HT_TRANSIENT) {
                    Integer real = loadedObjects.get(h);
                    if (real == null && space.pinned.containsKey(h)) {
                        real = space.pinned.get(h);
                        loadedObjects.put(h, real);
                    }
                    if (real == null) {
                        byte[] ctx = space.objects.get(h);
                        if (ctx == null) return error(TpmRc.HANDLE.atHandle(i + 1));
                        byte[] rsp = contextLoad(ctx);
                        int rc = rc(rsp);
                        if (rc != 0) {
                            if (!isWarning(rc)) space.objects.remove(h); // the saved context is no longer loadable
                            return rc == TpmRc.OBJECT_MEMORY.value() ? rsp : error(TpmRc.HANDLE.atHandle(i + 1));
                        }
                        real = BigEndian.u32(rsp, 10);
                        loadedObjects.put(h, real);
                    }
                    BigEndian.put32(mapped, 10 + 4 * i, real);
                } else if (type == HT_HMAC || type == HT_POLICY) {
                    if (!space.sessions.containsKey(h)) return error(new TpmRc(TpmRc.REFERENCE_H0.value() + i));
                    if (!usedSessions.contains(h)) usedSessions.add(h);
                }
            }
            if (tag == ST_SESSIONS) {
                List<Integer> auth = authSessions(cmd, 10 + 4 * nHandles);
                for (int i = 0; i < auth.size(); i++) {
                    int h = auth.get(i);
                    int type = h >>> 24;
                    if (type != HT_HMAC && type != HT_POLICY) continue;
                    if (!space.sessions.containsKey(h)) return error(new TpmRc(TpmRc.REFERENCE_S0.value() + i));
                    if (!usedSessions.contains(h)) usedSessions.add(h);
                }
            }
            for (int h : usedSessions) {
                byte[] rsp = contextLoad(space.sessions.get(h));
                int rc = rc(rsp);
                if (rc == 0) {
                    loadedSessions.add(h);
                } else {
                    if (!isWarning(rc)) {
                        space.sessions.remove(h);
                        sessionOwners.remove(h);
                    }
                    return isWarning(rc) ? rsp : error(TpmRc.REFERENCE_S0);
                }
            }
            byte[] rsp = backend.exchange(mapped, locality);
            for (int n = 0; rc(rsp) == TpmRc.CONTEXT_GAP.value() && n < MAX_REGAPS; n++) {
                if (!regapOldest(loadedSessions)) break;
                rsp = backend.exchange(mapped, locality);
            }
            int rc = rc(rsp);
            if (rc == 0 && entry.responseHandles() == 1 && rsp.length >= 14) {
                int real = BigEndian.u32(rsp, 10);
                int type = real >>> 24;
                if (type == HT_TRANSIENT) {
                    int v = allocateVirtual(space);
                    space.objects.put(v, null);
                    loadedObjects.put(v, real);
                    rsp = rsp.clone();
                    BigEndian.put32(rsp, 10, v);
                } else if (type == HT_HMAC || type == HT_POLICY) {
                    space.sessions.put(real, null);
                    sessionOwners.put(real, space);
                    if (!loadedSessions.contains(real)) loadedSessions.add(real);
                }
            }
            if (rc == 0 && cc == TpmCc.CONTEXT_SAVE && nHandles == 1) {
                int h = BigEndian.u32(cmd, 10);
                if (isSession(h)) { // the client holds the session now; ContextSave took it out of the TPM's slots
                    loadedSessions.remove((Integer) h);
                    space.sessions.remove(h);
                    sessionOwners.remove(h);
                }
            }
            return rsp;
        } finally {
            saveAll(space, loadedObjects, loadedSessions);
        }
    }

    /** After a command: objects saved and flushed, sessions saved; what can no longer be saved leaves the space. */
    private void saveAll(Space space, Map<Integer, Integer> objects, List<Integer> sessions) throws IOException {
        IOException failure = null;
        for (Map.Entry<Integer, Integer> e : objects.entrySet()) {
            int v = e.getKey(), real = e.getValue();
            try {
                byte[] rsp = contextSave(real);
                if (rc(rsp) == 0) {
                    space.objects.put(v, contextOf(rsp));
                    space.pinned.remove(v);
                    flush(real, 0);
                } else if (isEnded(rc(rsp))) {
                    space.objects.remove(v); // the command ended it (a sequence completed)
                    space.pinned.remove(v);
                } else { // the backend cannot save it: it stays loaded for this space
                    space.objects.put(v, null);
                    space.pinned.put(v, real);
                }
            } catch (IOException ex) {
                space.objects.remove(v);
                space.pinned.remove(v);
                failure = ex;
            }
        }
        for (int h : sessions) {
            try {
                byte[] rsp = contextSave(h);
                for (int n = 0; rc(rsp) == TpmRc.CONTEXT_GAP.value() && n < MAX_REGAPS; n++) {
                    if (!regapOldest(List.of(h))) break;
                    rsp = contextSave(h);
                }
                if (rc(rsp) == 0) {
                    space.sessions.put(h, contextOf(rsp));
                } else {
                    space.sessions.remove(h); // flushed by the command (continueSession clear), or unsavable
                    sessionOwners.remove(h);
                    if (!isEnded(rc(rsp))) flush(h, 0);
                }
            } catch (IOException ex) {
                space.sessions.remove(h);
                sessionOwners.remove(h);
                failure = ex;
            }
        }
        if (failure != null) throw failure;
    }

    /** The code of a save whose handle no longer exists (HANDLE, or REFERENCE_H0 for an empty slot). */
    private static boolean isEnded(int rc) {
        TpmRc r = new TpmRc(rc);
        return r.is(TpmRc.HANDLE) || (rc & ~0x7) == TpmRc.REFERENCE_H0.value();
    }

    /** TPM_RC_CONTEXT_GAP: loads the oldest saved session not in {@code busy} and saves it again (a new sequence). */
    private boolean regapOldest(List<Integer> busy) throws IOException {
        Space owner = null;
        int handle = 0;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<Integer, Space> e : sessionOwners.entrySet()) {
            if (busy.contains(e.getKey())) continue;
            byte[] ctx = e.getValue().sessions.get(e.getKey());
            if (ctx == null) continue;
            long seq = BigEndian.u64(ctx, 0);
            if (Long.compareUnsigned(seq, oldest) < 0) {
                oldest = seq;
                owner = e.getValue();
                handle = e.getKey();
            }
        }
        if (owner == null) return false;
        byte[] rsp = contextLoad(owner.sessions.get(handle));
        if (isWarning(rc(rsp))) return false; // no free slot now
        if (rc(rsp) != 0) {
            owner.sessions.remove(handle);
            sessionOwners.remove(handle);
            return true; // it is gone: the gap it held is gone too
        }
        rsp = contextSave(handle);
        if (rc(rsp) != 0) {
            owner.sessions.remove(handle);
            sessionOwners.remove(handle);
            flush(handle, 0);
            return true;
        }
        owner.sessions.put(handle, contextOf(rsp));
        log.info("jtpm rm: context gap: session " + hex(handle) + " of " + owner + " saved again");
        return true;
    }

    /** FlushContext: a virtual object is dropped here; a session of the space is flushed in the backend. */
    private byte[] flushContext(Space space, byte[] cmd, int locality) throws IOException {
        int h = BigEndian.u32(cmd, 10);
        int type = h >>> 24;
        if (type == HT_TRANSIENT) {
            if (!space.objects.containsKey(h)) return error(TpmRc.HANDLE.atParameter(1));
            space.objects.remove(h);
            Integer real = space.pinned.remove(h);
            if (real != null) flush(real, locality);
            return success();
        }
        if (type == HT_HMAC || type == HT_POLICY) {
            if (!space.sessions.containsKey(h)) return error(TpmRc.HANDLE.atParameter(1));
            byte[] rsp = backend.exchange(cmd, locality);
            space.sessions.remove(h);
            sessionOwners.remove(h);
            return rsp;
        }
        return backend.exchange(cmd, locality);
    }

    /**
     * GetCapability(TPM_CAP_HANDLES) for transient objects, loaded sessions or saved sessions, answered from the
     * space; null for anything else (forwarded). With sessions in the command it is refused (TPM_RC_AUTH_CONTEXT):
     * a response the RM makes up cannot carry a session's HMAC.
     */
    private byte[] handlesCapability(Space space, byte[] cmd, int tag) {
        if (cmd.length < 22 || BigEndian.u32(cmd, 10) != CAP_HANDLES) return null;
        int property = BigEndian.u32(cmd, 14);
        int type = property >>> 24;
        if (type != HT_TRANSIENT && type != HT_HMAC && type != HT_POLICY) return null;
        if (tag != ST_NO_SESSIONS) return error(TpmRc.AUTH_CONTEXT);
        long count = Integer.toUnsignedLong(BigEndian.u32(cmd, 18));
        List<Integer> all = new ArrayList<>();
        if (type == HT_TRANSIENT) {
            for (int h : space.objectHandles()) if (Integer.compareUnsigned(h, property) >= 0) all.add(h);
        } else if (type == HT_HMAC) { // loaded sessions: every session of the space is loaded as far as it can tell
            for (int h : space.sessionHandles()) if ((h & 0xFFFFFF) >= (property & 0xFFFFFF)) all.add(h);
        } // saved sessions (0x03): the space's sessions are all loaded to it; sessions it saved left it
        int n = (int) Math.min(Math.min(count, all.size()), 254);
        byte[] rsp = new byte[10 + 1 + 4 + 4 + 4 * n];
        BigEndian.put16(rsp, 0, ST_NO_SESSIONS);
        BigEndian.put32(rsp, 2, rsp.length);
        rsp[10] = (byte) (n < all.size() ? 1 : 0);
        BigEndian.put32(rsp, 11, CAP_HANDLES);
        BigEndian.put32(rsp, 15, n);
        for (int i = 0; i < n; i++) BigEndian.put32(rsp, 19 + 4 * i, all.get(i));
        return rsp;
    }

    /** The handles of an authorization area at {@code off}, in order; empty when it is malformed. */
    static List<Integer> authSessions(byte[] cmd, int off) {
        List<Integer> out = new ArrayList<>();
        if (cmd.length < off + 4) return out;
        long end = off + 4 + Integer.toUnsignedLong(BigEndian.u32(cmd, off));
        if (end > cmd.length) return List.of();
        int p = off + 4;
        while (p < end) {
            if (p + 4 + 2 > end) return List.of();
            out.add(BigEndian.u32(cmd, p));
            p += 4;
            p += 2 + BigEndian.u16(cmd, p);
            p += 1;
            if (p + 2 > end) return List.of();
            p += 2 + BigEndian.u16(cmd, p);
            if (p > end) return List.of();
        }
        return out;
    }

    private int allocateVirtual(Space space) {
        while (true) {
            int v = nextVirtual;
            nextVirtual = v == 0x80FFFFFF ? 0x80000000 : v + 1;
            if (!space.objects.containsKey(v)) return v;
        }
    }

    /** After (re)opening the backend: flushes what a previous RM or a lost connection left there. */
    private void clearBackend() throws IOException {
        for (int range : new int[] {0x80000000, 0x02000000, 0x03000000}) {
            byte[] cmd = new byte[22];
            BigEndian.put16(cmd, 0, ST_NO_SESSIONS);
            BigEndian.put32(cmd, 2, 22);
            BigEndian.put32(cmd, 6, TpmCc.GET_CAPABILITY);
            BigEndian.put32(cmd, 10, CAP_HANDLES);
            BigEndian.put32(cmd, 14, range);
            BigEndian.put32(cmd, 18, 254);
            byte[] rsp = backend.exchange(cmd, 0);
            if (rc(rsp) != 0 || rsp.length < 19) continue;
            int n = BigEndian.u32(rsp, 15);
            for (int i = 0; i < n && 19 + 4 * i + 4 <= rsp.length; i++) {
                int h = BigEndian.u32(rsp, 19 + 4 * i);
                // 0x02 lists loaded sessions of both types, 0x03 the saved ones as 0x02xxxxxx (ms-tpm): a session is
                // known by its index
                boolean session = h >>> 24 == 0x02 || h >>> 24 == 0x03;
                if (session ? range == 0x80000000 : h >>> 24 != range >>> 24) continue;
                if (session && ownsSessionIndex(h)) continue; // a live space's, kept over a reconnect
                if (!session && isPinned(h)) continue;
                flush(h, 0);
            }
        }
    }

    private boolean ownsSessionIndex(int handle) {
        int index = handle & 0x00FFFFFF;
        for (int h : sessionOwners.keySet()) if ((h & 0x00FFFFFF) == index) return true;
        return isPinned(handle) || isPinned(handle ^ 0x01000000);
    }

    private boolean isPinned(int real) {
        for (Space s : spaces) if (s.pinned.containsValue(real)) return true;
        return false;
    }

    private byte[] contextLoad(byte[] context) throws IOException {
        byte[] cmd = new byte[10 + context.length];
        BigEndian.put16(cmd, 0, ST_NO_SESSIONS);
        BigEndian.put32(cmd, 2, cmd.length);
        BigEndian.put32(cmd, 6, TpmCc.CONTEXT_LOAD);
        System.arraycopy(context, 0, cmd, 10, context.length);
        return backend.exchange(cmd, 0);
    }

    private byte[] contextSave(int handle) throws IOException {
        byte[] cmd = new byte[14];
        BigEndian.put16(cmd, 0, ST_NO_SESSIONS);
        BigEndian.put32(cmd, 2, 14);
        BigEndian.put32(cmd, 6, TpmCc.CONTEXT_SAVE);
        BigEndian.put32(cmd, 10, handle);
        return backend.exchange(cmd, 0);
    }

    private void flush(int handle, int locality) throws IOException {
        byte[] cmd = new byte[14];
        BigEndian.put16(cmd, 0, ST_NO_SESSIONS);
        BigEndian.put32(cmd, 2, 14);
        BigEndian.put32(cmd, 6, TpmCc.FLUSH_CONTEXT);
        BigEndian.put32(cmd, 10, handle);
        backend.exchange(cmd, locality);
    }

    /** The TPMS_CONTEXT of a ContextSave response (everything after the header). */
    private static byte[] contextOf(byte[] rsp) {
        return java.util.Arrays.copyOfRange(rsp, 10, rsp.length);
    }

    static boolean isSession(int h) {
        int t = h >>> 24;
        return t == HT_HMAC || t == HT_POLICY;
    }

    private static boolean isWarning(int rc) { return (rc & 0x980) == 0x900; }

    static int rc(byte[] rsp) { return BigEndian.u32(rsp, 6); }

    static byte[] error(TpmRc rc) {
        byte[] r = new byte[10];
        BigEndian.put16(r, 0, ST_NO_SESSIONS);
        BigEndian.put32(r, 2, 10);
        BigEndian.put32(r, 6, rc.value());
        return r;
    }

    private static byte[] success() { return error(TpmRc.SUCCESS); }

    private static String hex(int h) { return String.format("0x%08x", h); }

    @Override
    public void close() {
        lock.lock();
        try {
            for (Space s : List.copyOf(spaces)) closeSpace(s);
        } finally {
            lock.unlock();
        }
        backend.close();
    }
}
