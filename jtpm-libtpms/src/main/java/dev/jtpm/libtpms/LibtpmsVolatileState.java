package dev.jtpm.libtpms;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * libtpms' TPM 2 volatile state as libtpms 0.9 marshals it (src/tpm2/NVMarshal.c, VolatileState_Marshal, magic
 * 0x45637889, versions 1 to 4, followed by a SHA-1 of it as VolatileState_Save appends one): what swtpm writes as {@code tpm2-00.volatilestate} (CMD_STORE_VOLATILE,
 * {@code swtpm_ioctl -v}) or hands out as the volatile blob of GET_STATEBLOB. Read into a record of what jtpm maps;
 * the layout and the mapping are in docs/libtpms-state.md. Hash sequences (OpenSSL's internal layout) and loaded
 * sessions are counted, not read: {@link VolatileImport} refuses a state holding them.
 */
public record LibtpmsVolatileState(int version, long time, boolean phEnable, boolean pcrReConfig, int drtmHandle,
                                   boolean drtmPreStartup, boolean startupLocality3, boolean daUsed, int prevOrderlyState,
                                   LibtpmsState.OrderlyData orderly, LibtpmsState.StateClear clear,
                                   LibtpmsState.StateReset reset, boolean initialized, List<LibtpmsState.OrderlyRam> orderlyRam,
                                   List<TransientObject> objects, int sequences, List<Map<Integer, Bytes>> pcrs,
                                   int loadedSessions, boolean inFailureMode, boolean tpmEstablished, List<Bytes> seeds) {

    static final int PCR_MAGIC = 0xe95f0387;
    static final int SESSION_SLOT_MAGIC = 0x3664aebc;

    /** A loaded object in slot {@code slot} (handle 0x80000000 + slot); {@code sensitive} null when public only. */
    public record TransientObject(int slot, int attributes, LibtpmsState.ObjectBody body) {
        public boolean eps() { return (attributes & 0x2) != 0; }
        public boolean pps() { return (attributes & 0x4) != 0; }
        public boolean sps() { return (attributes & 0x8) != 0; }
        public boolean primary() { return (attributes & 0x20) != 0; }
    }

    /** True when {@code payload} starts with libtpms' volatile-state NV_HEADER (its magic at octet 2). */
    public static boolean recognises(byte[] payload) {
        return payload.length >= 6 && ByteBuffer.wrap(payload, 2, 4).getInt() == LibtpmsState.VOLATILE_STATE_MAGIC;
    }

    /** Parses libtpms' volatile state. */
    public static LibtpmsVolatileState parse(byte[] payload) throws UnsupportedStateException {
        if (!recognises(payload)) {
            throw new UnsupportedStateException("not libtpms TPM 2 volatile state (no magic 0x45637889)");
        }
        // VolatileState_Save appends a SHA-1 of the marshalled state; VolatileState_Load checks it (TPM_RC_HASH)
        if (payload.length < 26) throw new UnsupportedStateException("volatile state: truncated");
        byte[] state = java.util.Arrays.copyOf(payload, payload.length - 20);
        try {
            byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(state);
            if (!java.security.MessageDigest.isEqual(sha1, java.util.Arrays.copyOfRange(payload, state.length, payload.length))) {
                throw new UnsupportedStateException("volatile state: its SHA-1 checksum does not match (damaged)");
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        NvCursor c = new NvCursor(state, "volatile state");
        int version = c.header(LibtpmsState.VOLATILE_STATE_MAGIC, 4, "volatile state");
        c.u32(); // g_exclusiveAuditSession: a session, and sessions are not taken over
        long time = c.u64();
        boolean phEnable = c.bool(), pcrReConfig = c.bool();
        int drtmHandle = c.u32();
        boolean drtmPreStartup = c.bool(), locality3 = c.bool();
        NvCursor da = c.block("g_daUsed");
        boolean daUsed = da != null && da.bool();
        c.bool(); // g_powerWasLost
        int prevOrderlyState = c.u16();
        c.bool(); // g_nvOk
        c.tpm2b(); // g_platformUniqueDetails
        LibtpmsState.OrderlyData orderly = LibtpmsState.orderlyData(c);
        LibtpmsState.StateClear clear = LibtpmsState.stateClear(c);
        LibtpmsState.StateReset reset = LibtpmsState.stateReset(c);
        c.bool(); // g_manufactured
        boolean initialized = c.bool();
        c.skipBlock("s_sessionHandles"); // per-command session bookkeeping: nothing survives a command
        c.skipBlock("s_selfHealTimer"); // jtpm restarts the DA timers at the restored Clock
        List<LibtpmsState.OrderlyRam> ram = new ArrayList<>();
        NvCursor nv = c.block("s_evictNvEnd");
        if (nv != null) {
            nv.u32(); // s_evictNvEnd
            ram = orderlyRam(nv.bytes(nv.u16()));
            nv.u64(); // s_maxCounter (also in the permanent state)
        }
        List<TransientObject> objects = new ArrayList<>();
        int sequences = 0;
        NvCursor obj = c.block("s_objects");
        if (obj != null) {
            int n = obj.u16();
            for (int i = 0; i < n; i++) {
                int av = obj.header(LibtpmsState.ANY_OBJECT_MAGIC, 2, "ANY_OBJECT");
                int attributes = obj.u32();
                boolean occupied = (attributes & 0x8000) != 0;
                if (occupied && (attributes & 0x700) != 0) {
                    // a hash, HMAC or event sequence: OpenSSL's internal hash state; the rest of the state is not read
                    sequences++;
                    break;
                }
                if (occupied) objects.add(new TransientObject(i, attributes, LibtpmsState.objectBody(obj, (attributes & 1) != 0)));
                if (av >= 2) obj.skipBlock("ANY_OBJECT");
            }
        }
        if (sequences > 0) {
            return new LibtpmsVolatileState(version, time, phEnable, pcrReConfig, drtmHandle, drtmPreStartup, locality3,
                    daUsed, prevOrderlyState, orderly, clear, reset, initialized, ram, objects, sequences, List.of(), 0,
                    false, false, List.of());
        }
        List<Map<Integer, Bytes>> pcrs = new ArrayList<>();
        NvCursor pcr = c.block("s_pcrs");
        if (pcr != null) {
            int n = pcr.u16();
            for (int i = 0; i < n; i++) {
                int pv = pcr.header(PCR_MAGIC, 2, "PCR");
                Map<Integer, Bytes> banks = new LinkedHashMap<>();
                for (int alg = pcr.u16(); alg != TpmAlg.NULL; alg = pcr.u16()) banks.put(alg, pcr.bytes(pcr.u16()));
                if (pv >= 2) pcr.skipBlock("PCR");
                pcrs.add(banks);
            }
        }
        int sessions = 0;
        NvCursor ses = c.block("s_sessions");
        if (ses != null) {
            int n = ses.u16();
            for (int i = 0; i < n && sessions == 0; i++) {
                ses.header(SESSION_SLOT_MAGIC, 2, "SESSION_SLOT");
                if (ses.bool()) sessions++; // the session itself is not read: it is not taken over
            }
        }
        if (sessions > 0) {
            return new LibtpmsVolatileState(version, time, phEnable, pcrReConfig, drtmHandle, drtmPreStartup, locality3,
                    daUsed, prevOrderlyState, orderly, clear, reset, initialized, ram, objects, 0, pcrs, sessions,
                    false, false, List.of());
        }
        boolean failure = c.bool();
        boolean established = c.bool();
        c.skipBlock("s_failFunction");
        c.skipBlock("s_realTimePrevious");
        c.bool(); // s_timerReset
        c.bool(); // s_timerStopped
        c.u32(); // s_adjustRate
        c.u64(); // the host's time when the state was written
        List<Bytes> seeds = new ArrayList<>();
        if (version >= 2) {
            NvCursor v3 = c.block("volatile state v3");
            if (v3 != null && version >= 3) {
                for (int i = 0; i < 3; i++) seeds.add(v3.tpm2b()); // EPSeed, SPSeed, PPSeed: which TPM this is
                v3.skipBlock("volatile state v4"); // libtpms' host clock bookkeeping
            }
        }
        if (c.u32() != LibtpmsState.VOLATILE_STATE_MAGIC) throw new UnsupportedStateException("volatile state: no closing magic");
        return new LibtpmsVolatileState(version, time, phEnable, pcrReConfig, drtmHandle, drtmPreStartup, locality3,
                daUsed, prevOrderlyState, orderly, clear, reset, initialized, ram, objects, 0, pcrs, 0, failure,
                established, seeds);
    }

    /**
     * s_indexOrderlyRam as libtpms copies it: the machine's own layout (little-endian on the x86-64 and arm64 hosts
     * swtpm runs on), entries {@code u32 size (header included), u32 handle, u32 TPMA_NV, data} until a size of 0.
     */
    private static List<LibtpmsState.OrderlyRam> orderlyRam(Bytes raw) throws UnsupportedStateException {
        ByteBuffer b = ByteBuffer.wrap(raw.toArray()).order(ByteOrder.LITTLE_ENDIAN);
        List<LibtpmsState.OrderlyRam> out = new ArrayList<>();
        while (b.remaining() >= 4) {
            int size = b.getInt();
            if (size == 0) break;
            if (size < 12 || size - 4 > b.remaining()) {
                throw new UnsupportedStateException("volatile state: orderly NV RAM entry of " + size + " octets");
            }
            int handle = b.getInt(), attributes = b.getInt();
            byte[] data = new byte[size - 12];
            b.get(data);
            out.add(new LibtpmsState.OrderlyRam(handle, attributes, Bytes.wrap(data)));
        }
        return out;
    }
}
