package dev.jtpm.libtpms;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.engine.state.CommitState;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.StateClearData;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmiAlgHash;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Takes over a swtpm TPM: reads a swtpm state directory (swtpm's container around libtpms' PERSISTENT_ALL) and
 * writes the same TPM as jtpm state (a {@link PersistentState} through {@link DirectoryStateStore}). What is
 * mapped and what is refused is listed in docs/libtpms-state.md.
 */
public final class StateImport {
    private StateImport() {}

    /** swtpm's TPM 2 permanent state file. */
    public static final String PERMALL = "tpm2-00.permall";
    /** swtpm's TPM 2 volatile state file (CMD_STORE_VOLATILE, or a server stopped with volatile state kept). */
    public static final String VOLATILE = "tpm2-00.volatilestate";

    /**
     * libtpms 0.9's implemented command codes in its command index order (s_ccAttr): the bit maps ppList and
     * auditCommands are indexed by position in this list. The same list TPM_CAP_COMMANDS reports.
     */
    static final int[] LIBTPMS_COMMANDS = {
        0x11f, 0x120, 0x121, 0x122, 0x124, 0x125, 0x126, 0x127, 0x128, 0x129, 0x12a, 0x12b,
        0x12c, 0x12d, 0x12e, 0x130, 0x131, 0x132, 0x133, 0x134, 0x135, 0x136, 0x137, 0x138,
        0x139, 0x13a, 0x13b, 0x13c, 0x13d, 0x13e, 0x13f, 0x140, 0x142, 0x143, 0x144, 0x145,
        0x146, 0x147, 0x148, 0x149, 0x14a, 0x14b, 0x14c, 0x14d, 0x14e, 0x14f, 0x150, 0x151,
        0x152, 0x153, 0x154, 0x155, 0x156, 0x157, 0x158, 0x159, 0x15b, 0x15c, 0x15d, 0x15e,
        0x160, 0x161, 0x162, 0x163, 0x164, 0x165, 0x167, 0x168, 0x169, 0x16a, 0x16b, 0x16c,
        0x16d, 0x16e, 0x16f, 0x170, 0x171, 0x172, 0x173, 0x174, 0x176, 0x177, 0x178, 0x17a,
        0x17b, 0x17c, 0x17d, 0x17e, 0x17f, 0x180, 0x181, 0x182, 0x183, 0x184, 0x185, 0x186,
        0x187, 0x188, 0x189, 0x18a, 0x18b, 0x18c, 0x18d, 0x18e, 0x18f, 0x190, 0x191, 0x192,
        0x193, 0x197,
    };

    /** What an import did, for the one line the command prints. */
    public record Summary(int nvIndices, int persistentObjects, boolean orderlyState, boolean volatileState,
                          int[] seedCompatLevels) {}

    /**
     * Imports {@code from} into {@code to}.
     *
     * @param overwrite replace jtpm state already in {@code to}
     * @param key the key of an encrypted state (swtpm's --key), also the key the jtpm state is written with
     * @throws UnsupportedStateException for state that cannot be taken over (nothing is written)
     */
    public static Summary run(Path from, Path to, boolean overwrite, Optional<StateKey> key)
            throws IOException, UnsupportedStateException {
        return run(from, to, DirectoryStateStore.DEFAULT_MODE, overwrite, false, key);
    }

    /**
     * As {@link #run(Path, Path, boolean, Optional)}, the jtpm state file written with permission bits {@code mode}. A
     * volatile state file is taken over too (the TPM resumes at CMD_INIT as swtpm would, {@link VolatileImport}); with
     * {@code discardVolatile} it is left out: the TPM is taken over as it is in NV, as swtpm starts after CMD_INIT with
     * PTM_INIT_FLAG_DELETE_VOLATILE (a start without orderly shutdown).
     */
    public static Summary run(Path from, Path to, int mode, boolean overwrite, boolean discardVolatile, Optional<StateKey> key)
            throws IOException, UnsupportedStateException {
        if (Files.isRegularFile(from)) return runLinear(from, to, mode, overwrite, discardVolatile, key);
        if (!Files.isDirectory(from)) throw new UnsupportedStateException(from + " is neither a directory nor a state file");
        Path permall = from.resolve(PERMALL);
        if (!Files.exists(permall)) {
            if (Files.exists(from.resolve("tpm-00.permall"))) {
                throw new UnsupportedStateException(from + " holds TPM 1.2 state (tpm-00.permall): jtpm is a TPM 2.0");
            }
            throw new UnsupportedStateException(from + " holds no swtpm TPM 2 state (" + PERMALL + ")");
        }
        LibtpmsState state;
        byte[] volatilePayload = null;
        // hold swtpm's lock on the source while reading it: a running swtpm holds it
        try (DirectoryStateStore source = openExisting(from, DirectoryStateStore.DEFAULT_MODE, Optional.empty(),
                "swtpm state directory")) {
            state = LibtpmsState.parse(payload(Files.readAllBytes(permall), key, permall));
            Path vol = from.resolve(VOLATILE);
            if (Files.exists(vol) && !discardVolatile) volatilePayload = payload(Files.readAllBytes(vol), key, vol);
        }
        return write(state, volatilePayload, to, mode, overwrite, key);
    }

    /** swtpm's magic of a linear ("file://") state file: "swtpmlin", little-endian. */
    static final long LINEAR_MAGIC = 0x737774706d6c696eL;

    /**
     * swtpm's single-file backend ({@code --tpmstate backend-uri=file://…}, swtpm 0.7+): a little-endian header (magic,
     * version 1, header size 192, 15 entries of offset, data length, section length; entry 0 the permanent state,
     * 1 the volatile state), each entry the same container as a state file.
     */
    private static Summary runLinear(Path from, Path to, int mode, boolean overwrite, boolean discardVolatile,
                                     Optional<StateKey> key) throws IOException, UnsupportedStateException {
        byte[] f = Files.readAllBytes(from);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (f.length < 192 || b.getLong(0) != LINEAR_MAGIC) {
            throw new UnsupportedStateException(from + " is not a swtpm linear state file (no \"swtpmlin\" magic)");
        }
        if (f[8] != 1 || (b.getShort(10) & 0xFFFF) != 192) {
            throw new UnsupportedStateException(from + ": linear state file version " + f[8] + " is not known");
        }
        byte[] blob = entry(f, b, 0, from);
        if (blob == null) throw new UnsupportedStateException(from + " holds no TPM 2 permanent state");
        byte[] vol = discardVolatile ? null : entry(f, b, 1, from);
        return write(LibtpmsState.parse(payload(blob, key, from)), vol == null ? null : payload(vol, key, from), to, mode,
                overwrite, key);
    }

    /** Entry {@code i} of a linear state file (its offset 0: none). */
    private static byte[] entry(byte[] f, java.nio.ByteBuffer b, int i, Path from) throws UnsupportedStateException {
        long offset = b.getInt(12 + 12 * i) & 0xFFFFFFFFL, length = b.getInt(16 + 12 * i) & 0xFFFFFFFFL;
        if (offset == 0) return null;
        if (offset + length > f.length) throw new UnsupportedStateException(from + ": state entry " + i + " beyond the file's end");
        return java.util.Arrays.copyOfRange(f, (int) offset, (int) (offset + length));
    }

    /**
     * Writes the jtpm state, encrypted with {@code key} when given (so that jtpm starts on it with the same --key): the
     * permanent state, and the volatile state when libtpms' is given ({@link VolatileImport}).
     */
    private static Summary write(LibtpmsState state, byte[] volatilePayload, Path to, int mode, boolean overwrite,
                                 Optional<StateKey> key) throws IOException, UnsupportedStateException {
        PersistentState p = toJtpm(state);
        byte[] volatileBlob = volatilePayload == null ? null
                : VolatileImport.toJtpm(LibtpmsVolatileState.parse(volatilePayload), p);
        try (DirectoryStateStore target = openExisting(to, mode, key, "target")) {
            boolean hasState = Stream.of(StateKind.values()).anyMatch(k -> Files.exists(target.fileOf(k)));
            if (hasState && !overwrite) {
                throw new UnsupportedStateException(to + " already holds TPM state: give --overwrite to replace it");
            }
            target.delete(StateKind.VOLATILE);
            target.delete(StateKind.SAVESTATE);
            target.store(StateKind.PERMANENT, p.serialize());
            if (volatileBlob != null) target.store(StateKind.VOLATILE, volatileBlob);
        }
        LibtpmsState.PersistentData pd = state.persistent();
        return new Summary(p.nvIndices.size(), p.persistentObjects.size(), p.orderlyState == TpmSu.STATE, volatileBlob != null,
                new int[] {pd.epSeedCompatLevel(), pd.spSeedCompatLevel(), pd.ppSeedCompatLevel()});
    }

    /** The directory's store with its lock (swtpm's fcntl lock), without reading the files in it. */
    private static DirectoryStateStore openExisting(Path dir, int mode, Optional<StateKey> key, String what)
            throws IOException, UnsupportedStateException {
        DirectoryStateStore s = DirectoryStateStore.open(dir, mode, key, false);
        if (!s.lock(0)) {
            s.close();
            throw new UnsupportedStateException(what + " " + dir + " is in use by a running TPM (its .lock is held)");
        }
        return s;
    }

    /** The libtpms payload of a swtpm state file. */
    static byte[] payload(byte[] file, Optional<StateKey> key, Path path) throws UnsupportedStateException {
        StateBlob blob;
        try {
            blob = StateBlob.decode(file);
        } catch (StateBlobException e) {
            byte[] legacy = headerless(file, key);
            if (legacy != null) return legacy;
            throw new UnsupportedStateException(path + ": not a swtpm state file: " + e.getMessage());
        }
        if ((blob.flags() & StateBlob.BLOB_FLAG_ENCRYPTED) != 0 && key.isEmpty()) {
            throw new UnsupportedStateException(path + " is encrypted: give its --key");
        }
        try {
            return StateBlob.decodeFile(file, key);
        } catch (StateBlobException e) {
            throw new UnsupportedStateException("cannot read " + path + ": " + e.getMessage());
        }
    }

    /**
     * A file without swtpm's blob header, which swtpm reads as a version-1 payload (libtpms' bytes as they are, or
     * with a key AES-CBC under a zero IV behind a SHA-256 of the data): taken only when the payload then starts with
     * a libtpms magic (and, encrypted, its hash matched), else null.
     */
    static byte[] headerless(byte[] file, Optional<StateKey> key) {
        if (file.length < 6 || file.length > Integer.MAX_VALUE - StateBlob.HEADER_SIZE) return null;
        byte[] v1 = new byte[file.length + StateBlob.HEADER_SIZE];
        v1[0] = 1;
        v1[1] = 1;
        v1[3] = StateBlob.HEADER_SIZE;
        java.nio.ByteBuffer.wrap(v1, 6, 4).putInt(v1.length);
        System.arraycopy(file, 0, v1, StateBlob.HEADER_SIZE, file.length);
        try {
            byte[] payload = StateBlob.decodeFile(v1, key);
            if (payload.length < 6) return null;
            int magic = java.nio.ByteBuffer.wrap(payload, 2, 4).getInt();
            return magic == LibtpmsState.PERSISTENT_ALL_MAGIC || magic == LibtpmsState.VOLATILE_STATE_MAGIC ? payload : null;
        } catch (StateBlobException e) {
            return null;
        }
    }

    /** The jtpm permanent state of a libtpms state. */
    public static PersistentState toJtpm(LibtpmsState st) throws UnsupportedStateException {
        LibtpmsState.PersistentData pd = st.persistent();
        PersistentState p = new PersistentState();
        p.eps = Secret.of(pd.epSeed());
        p.sps = Secret.of(pd.spSeed());
        p.pps = Secret.of(pd.ppSeed());
        p.phProof = Secret.of(pd.phProof());
        p.shProof = Secret.of(pd.shProof());
        p.ehProof = Secret.of(pd.ehProof());
        p.ownerAuth = Secret.of(pd.ownerAuth());
        p.endorsementAuth = Secret.of(pd.endorsementAuth());
        p.lockoutAuth = Secret.of(pd.lockoutAuth());
        p.ownerAlg = pd.ownerAlg();
        p.ownerPolicy = pd.ownerPolicy();
        p.endorsementAlg = pd.endorsementAlg();
        p.endorsementPolicy = pd.endorsementPolicy();
        p.lockoutAlg = pd.lockoutAlg();
        p.lockoutPolicy = pd.lockoutPolicy();
        p.disableClear = pd.disableClear();
        p.pcrAllocation = allocation(pd.pcrAllocated());
        p.resetCount = pd.resetCount();
        p.failedTries = pd.failedTries();
        p.maxTries = pd.maxTries();
        p.recoveryTime = pd.recoveryTime();
        p.lockoutRecovery = pd.lockoutRecovery();
        p.lockoutAuthEnabled = pd.lockoutAuthEnabled();
        p.pcrPolicyAlg = pd.pcrPolicyAlg();
        p.pcrPolicy = pd.pcrPolicy();
        if (!dev.jtpm.types.structure.TpmiAlgHash.isImplemented(pd.auditHashAlg())) {
            // libtpms starts it at SHA-512 and only SetCommandCodeAuditStatus changes it, to an implemented hash
            throw new UnsupportedStateException("command audit hash algorithm 0x" + Integer.toHexString(pd.auditHashAlg())
                    + " is not a hash jtpm implements");
        }
        p.auditHashAlg = pd.auditHashAlg();
        p.auditCounter = pd.auditCounter();
        p.auditCommands = commands(pd.auditCommands(), "auditCommands");
        p.ppCommands = commands(pd.ppList(), "ppList");
        p.algorithmSet = pd.algorithmSet();
        p.epsDerivation = derivation(pd.epSeedCompatLevel());
        p.spsDerivation = derivation(pd.spSeedCompatLevel());
        p.ppsDerivation = derivation(pd.ppSeedCompatLevel());
        p.clock = st.orderly().clock();
        p.clockSafe = st.orderly().clockSafe();

        int su = pd.orderlyState();
        int value = su & ~(LibtpmsState.PRE_STARTUP_FLAG | LibtpmsState.STARTUP_LOCALITY_3) & 0xFFFF;
        if (su == 0xFFFF) {
            p.orderlyState = PersistentState.SU_NONE;
        } else if (su == 0xFFFE) { // TPM_SU_DA_USED: not orderly, and a DA-protected authorization was attempted
            p.orderlyState = PersistentState.SU_NONE;
            p.daUsed = true;
        } else if (value == TpmSu.CLEAR) {
            p.orderlyState = TpmSu.CLEAR;
        } else if (value == TpmSu.STATE) {
            if (st.reset() == null || st.clear() == null) {
                throw new UnsupportedStateException("orderlyState is TPM_SU_STATE but the saved state is missing");
            }
            p.orderlyState = TpmSu.STATE;
            p.orderlyData = orderlyData(st, (su & LibtpmsState.STARTUP_LOCALITY_3) != 0 ? 3 : 0);
        } else {
            throw new UnsupportedStateException("unknown orderlyState 0x" + Integer.toHexString(su));
        }
        if (st.reset() != null) p.restartCount = st.reset().restartCount();

        for (LibtpmsState.NvEntry e : st.nvIndices()) {
            TpmsNvPublic pub = e.publicArea();
            Bytes data = e.data();
            LibtpmsState.OrderlyRam ram = st.orderlyRam().get(pub.nvIndex());
            if ((pub.attributes() & TpmaNv.ORDERLY) != 0 && ram != null) {
                pub = pub.withAttributes(ram.attributes());
                data = ram.data();
            }
            NvIndex nv = new NvIndex(pub, Secret.of(trimZeros(e.authValue())), sized(data, pub.dataSize()));
            // jtpm refuses to load an index its commands cannot use (a counter without 8 octets, an unimplemented
            // nameAlg): refuse it here rather than write a state jtpm cannot read back (bounded fuzz run in CI)
            if (!nv.consistent()) {
                throw new UnsupportedStateException("NV index 0x" + Integer.toHexString(pub.nvIndex())
                        + " is not one jtpm can hold (its nameAlg, type and data size do not agree)");
            }
            p.nvIndices.put(pub.nvIndex(), nv);
        }
        p.nvMaxCounter = st.maxCount();

        for (LibtpmsState.PersistentObject o : st.objects()) {
            int hierarchy = o.eps() ? TpmRh.ENDORSEMENT : o.pps() ? TpmRh.PLATFORM : TpmRh.OWNER;
            TpmObject object = new TpmObject(o.publicArea(), o.sensitive(), o.qualifiedName(), hierarchy, o.primary());
            if (!object.name().equals(o.name())) {
                throw new UnsupportedStateException("persistent object 0x" + Integer.toHexString(o.handle())
                        + ": its Name does not match its public area");
            }
            p.persistentObjects.put(o.handle(), Bytes.wrap(object.marshal()));
        }
        return p;
    }

    private static int derivation(int seedCompatLevel) {
        return seedCompatLevel == 0 ? PersistentState.DERIVATION_LIBTPMS_ORIGINAL : PersistentState.DERIVATION_LIBTPMS;
    }

    /** jtpm's allocation: one PCR bit map per implemented hash, in {@link TpmiAlgHash#IMPLEMENTED} order. */
    private static int[] allocation(Map<Integer, Bytes> selections) throws UnsupportedStateException {
        int[] a = new int[TpmiAlgHash.IMPLEMENTED.length];
        for (Map.Entry<Integer, Bytes> e : selections.entrySet()) {
            int bits = 0;
            byte[] sel = e.getValue().toArray();
            for (int i = 0; i < sel.length && i < 4; i++) bits |= (sel[i] & 0xFF) << (8 * i);
            int idx = -1;
            for (int i = 0; i < a.length; i++) if (TpmiAlgHash.IMPLEMENTED[i] == e.getKey()) idx = i;
            if (idx < 0) {
                if (bits != 0) throw new UnsupportedStateException("PCR bank of hash 0x" + Integer.toHexString(e.getKey())
                        + " is allocated; jtpm has no such bank");
                continue;
            }
            a[idx] = bits;
        }
        return a;
    }

    /** Command codes from a libtpms bit map indexed by command index. */
    private static SortedSet<Integer> commands(Bytes bitmap, String what) throws UnsupportedStateException {
        SortedSet<Integer> s = new TreeSet<>();
        byte[] b = bitmap.toArray();
        for (int i = 0; i < b.length * 8; i++) {
            if ((b[i / 8] >> (i % 8) & 1) == 0) continue;
            if (i >= LIBTPMS_COMMANDS.length) {
                throw new UnsupportedStateException(what + " names command index " + i + ", unknown to libtpms 0.9");
            }
            s.add(LIBTPMS_COMMANDS[i]);
        }
        return s;
    }

    /** The orderly data jtpm's Startup(STATE) restores (the layout of engine OrderlyData.save). */
    private static Bytes orderlyData(LibtpmsState st, int startupLocality) throws UnsupportedStateException {
        LibtpmsState.StateReset r = st.reset();
        LibtpmsState.StateClear c = st.clear();
        TpmWriter w = new TpmWriter(4096);
        w.u32(r.pcrCounter()).u8(startupLocality);
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            int size = dev.jtpm.crypto.Hashes.digestSize(alg);
            Bytes saved = c.pcrSave().get(alg);
            if (saved != null && saved.size() != 16 * size) {
                throw new UnsupportedStateException("PCR_SAVE: bank 0x" + Integer.toHexString(alg) + " of " + saved.size() + " octets");
            }
            for (int pcr = 0; pcr < 24; pcr++) {
                if (pcr >= 16) continue;
                byte[] v = saved == null ? new byte[size] : Arrays.copyOfRange(saved.unsafeArray(), pcr * size, (pcr + 1) * size);
                w.u16(v.length).bytes(v);
            }
        }
        int platformAlg = c.platformAlg() == 0 ? TpmAlg.NULL : c.platformAlg();
        TpmCodec.of(StateClearData.class).write(w, new StateClearData(c.shEnable(), c.ehEnable(), c.phEnableNV(),
                Secret.of(c.platformAuth()), platformAlg, c.platformPolicy()));
        // the commit state: nonce and counter; no count is left outstanding (libtpms' commitArray is not mapped)
        Bytes commit = Bytes.wrap(TpmCodec.encode(new CommitState.Blob(Secret.of(r.commitNonce()), r.commitCounter(), 0, 0)));
        w.u16(commit.size()).bytes(commit);
        Bytes pcrAuth = c.pcrAuthValues().isEmpty() ? Bytes.EMPTY : c.pcrAuthValues().getFirst();
        w.u16(pcrAuth.size()).bytes(pcrAuth);
        w.u16(r.commandAuditDigest().size()).bytes(r.commandAuditDigest());
        return Bytes.wrap(w.toByteArray());
    }

    private static byte[] trimZeros(Bytes b) {
        byte[] a = b.toArray();
        int n = a.length;
        while (n > 0 && a[n - 1] == 0) n--;
        return Arrays.copyOf(a, n);
    }

    private static Bytes sized(Bytes data, int size) {
        if (data.size() == size) return data;
        return Bytes.wrap(Arrays.copyOf(data.toArray(), size));
    }
}
