package dev.jtpm.cros;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * vtpm's {@code RealTpmHandleManager} (reference §3.2): which guest handles exist and what they are on the host.
 * Virtual persistent handles are key blobs loaded fresh under the host SRK for every use; transient handles pass
 * through unchanged but only once a Load through vtpm made them; permanent handles and policy sessions pass through.
 * A parent loaded for a Load stays loaded while children loaded under it are tracked ({@code child_parent_table_},
 * {@code child_count_table_}). Not thread-safe: the virtualizer serializes commands.
 */
final class HandleManager {
    static final int HT_PCR = 0x00, HT_NV_INDEX = 0x01, HT_HMAC_SESSION = 0x02, HT_POLICY_SESSION = 0x03,
            HT_PERMANENT = 0x40, HT_TRANSIENT = 0x80, HT_PERSISTENT = 0x81;

    private final HostTpm host;
    private final NvSpaceManager nv;
    private final TreeMap<Integer, Blob> persistent;
    private final TreeMap<Integer, List<Integer>> childParent = new TreeMap<>(Integer::compareUnsigned);
    private final Map<Integer, Integer> childCount = new java.util.HashMap<>();
    /** HMAC sessions the guest started through vtpm (jtpm's addition, see {@link #dropSession}). */
    private final java.util.Set<Integer> hmacSessions = new java.util.HashSet<>();

    HandleManager(HostTpm host, NvSpaceManager nv, Map<Integer, Blob> persistent) {
        this.host = host;
        this.nv = nv;
        this.persistent = new TreeMap<>(Integer::compareUnsigned);
        this.persistent.putAll(persistent);
    }

    /** A translated handle: the host value, and the transient copy to flush afterwards (or -1). */
    record Scoped(int hostHandle, int toFlush) {}

    /** {@code IsHandleTypeSuppoerted} (sic). */
    static boolean isHandleTypeSupported(int handle) {
        return switch (handle >>> 24) {
            case HT_PERSISTENT, HT_TRANSIENT, HT_PERMANENT, HT_POLICY_SESSION, HT_NV_INDEX -> true;
            default -> false;
        };
    }

    /** {@code GetHandleList}: the handles of {@code startHandle}'s type from it upwards. */
    List<Integer> handleList(int startHandle) throws VtpmException {
        return switch (startHandle >>> 24) {
            case HT_PERSISTENT -> {
                List<Integer> out = new ArrayList<>();
                for (var e : persistent.tailMap(startHandle, true).entrySet()) {
                    e.getValue().get(); // the reference makes or fetches each listed key first; any failure fails the listing
                    out.add(e.getKey());
                }
                yield out;
            }
            case HT_TRANSIENT -> new ArrayList<>(childParent.tailMap(startHandle, true).keySet());
            case HT_NV_INDEX -> nv.listHandles();
            default -> throw new VtpmException(VtpmRc.HANDLE);
        };
    }

    /** {@code TranslateHandle}. */
    Scoped translate(int handle) throws VtpmException {
        return switch (handle >>> 24) {
            case HT_PERMANENT, HT_POLICY_SESSION -> new Scoped(handle, -1);
            case HT_TRANSIENT -> {
                if (!childParent.containsKey(handle)) throw new VtpmException(VtpmRc.HANDLE);
                yield new Scoped(handle, -1);
            }
            case HT_PERSISTENT, HT_NV_INDEX -> {
                Blob blob = persistent.get(handle);
                if (blob == null) throw new VtpmException(VtpmRc.HANDLE);
                int loaded = host.loadKey(blob.get());
                yield new Scoped(loaded, loaded);
            }
            default -> throw new VtpmException(VtpmRc.HANDLE);
        };
    }

    /** The end of a {@code ScopedHostKeyHandle}: flushes its copy unless children hold it. */
    void release(Scoped s) {
        if (s.toFlush() != -1) flushHostHandle(s.toFlush());
    }

    /** {@code FlushHostHandle}: nothing while children loaded under {@code h} are tracked. */
    void flushHostHandle(int h) {
        if (childCount.containsKey(h)) return;
        host.flush(h);
    }

    /** {@code OnLoad}. */
    void onLoad(int parent, int child) {
        childParent.computeIfAbsent(child, k -> new ArrayList<>()).add(parent);
        childCount.merge(parent, 1, Integer::sum);
    }

    /** {@code OnUnload}: an unknown handle (a session, a vSRK copy) is ignored. */
    void onUnload(int handle) {
        List<Integer> parents = childParent.get(handle);
        if (parents == null) return;
        for (int parent : parents) {
            int left = childCount.merge(parent, -1, Integer::sum);
            if (left <= 0) {
                childCount.remove(parent);
                flushHostHandle(parent);
            }
        }
        childParent.remove(handle);
    }

    /** Records an HMAC session a forwarded StartAuthSession created on the host. */
    void onSessionStarted(int handle) {
        if (handle >>> 24 == HT_HMAC_SESSION) hmacSessions.add(handle);
    }

    /**
     * jtpm's addition: the guest's FlushContext of an HMAC session it started is TPM_RC_HANDLE, as in the reference
     * (0x02 handles are never translated), but the session is flushed on the host too. The reference leaves it there:
     * behind trunksd's resource manager that costs one of 64 active sessions per flush; on a host without one (3
     * session slots) every later StartAuthSession would fail — and tpm2-tools 5.4 starts and flushes an HMAC session
     * in most tools. True when {@code handle} was such a session.
     */
    boolean dropSession(int handle) {
        if (!hmacSessions.remove(handle)) return false;
        host.flush(handle);
        return true;
    }

    /** Tracked children (tests). */
    java.util.Set<Integer> children() { return java.util.Collections.unmodifiableSet(childParent.keySet()); }

    /** Parents held for children, with their counts (tests). */
    Map<Integer, Integer> parentCounts() { return java.util.Collections.unmodifiableMap(childCount); }
}
