package dev.jtpm.tpm12;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a TPM 1.2 holds, grouped as TPM Main Part 2 groups it: TPM_PERMANENT_FLAGS and TPM_PERMANENT_DATA
 * (the {@code permall} blob), TPM_STCLEAR_FLAGS and TPM_STCLEAR_DATA (the PCRs; kept across TPM_SaveState /
 * TPM_Startup(ST_STATE) in the {@code savestate} blob), TPM_STANY_FLAGS and the loaded sessions and keys (lost at
 * _TPM_Init). One instance per TPM, no statics.
 */
final class Tpm12State {
    /** Number of PCRs (PC Client). */
    static final int NUM_PCR = 24;
    /** Key slots (libtpms' TPM_KEY_HANDLES as swtpm 0.7.1 reports it through TPM_CAP_PROP_MAX_KEYS). */
    static final int KEY_SLOTS = 20;
    /** Authorization session slots (TPM_CAP_PROP_MAX_AUTHSESS as libtpms reports it). */
    static final int AUTH_SLOTS = 16;

    // TPM_PERMANENT_FLAGS, wire order (Part 2, 7.1)
    static final int PF_DISABLE = 0, PF_OWNERSHIP = 1, PF_DEACTIVATED = 2, PF_READ_PUBEK = 3, PF_DISABLE_OWNER_CLEAR = 4,
            PF_ALLOW_MAINTENANCE = 5, PF_PP_LIFETIME_LOCK = 6, PF_PP_HW_ENABLE = 7, PF_PP_CMD_ENABLE = 8, PF_CEKP_USED = 9,
            PF_TPM_POST = 10, PF_TPM_POST_LOCK = 11, PF_FIPS = 12, PF_OPERATOR = 13, PF_ENABLE_REVOKE_EK = 14,
            PF_NV_LOCKED = 15, PF_READ_SRK_PUB = 16, PF_TPM_ESTABLISHED = 17, PF_MAINTENANCE_DONE = 18,
            PF_DISABLE_FULL_DA_LOGIC_INFO = 19, PF_COUNT = 20;

    /** Self-test states (libtpms' TPM_TEST_STATE_*). */
    static final int TEST_LIMITED = 1, TEST_FULL = 2, TEST_FAILURE = 3;

    // ---- permanent (permall)
    final boolean[] pf = new boolean[PF_COUNT];
    byte[] tpmProof = new byte[20];
    byte[] ownerAuth = new byte[20];
    boolean ownerInstalled;
    byte[] ekBlob;            // Key12.marshal of the EK, or null
    byte[] srkBlob;           // Key12.marshal of the SRK, or null
    transient Key12 srkCache; // srkBlob decoded
    byte[] authDir = new byte[20];
    int daFailures;
    /** TPM_PERMANENT_DATA operatorAuth (TPM_SetOperatorAuth); permanent blob version 2. */
    byte[] operatorAuth = new byte[20];
    final Map<Integer, NvIndex12> nv = new java.util.TreeMap<>(Integer::compareUnsigned);
    final CounterCommands.Counter[] counters = new CounterCommands.Counter[CounterCommands.SLOTS];
    int counterMax;
    /** TPM_STCLEAR_DATA.countID. */
    int activeCounter = CounterCommands.COUNT_ID_NULL;

    // ---- stclear (savestate)
    boolean sfDeactivated, sfDisableForceClear, sfPhysicalPresence, sfPhysicalPresenceLock, sfGlobalLock;
    final byte[][] pcrs = new byte[NUM_PCR][20];

    // ---- stany and volatile
    boolean postInitialise = true;
    boolean tosPresent;
    /** TPM_STANY_DATA.contextCount. */
    int contextCount;
    int locality;
    int testState = TEST_LIMITED;
    final Map<Integer, AuthSession> sessions = new LinkedHashMap<>();
    final Map<Integer, Key12> keys = new LinkedHashMap<>();

    /** A manufactured TPM as libtpms 0.9 leaves it (enabled, active, ownable, no EK). */
    static Tpm12State manufacture(java.util.Random rng) {
        Tpm12State s = new Tpm12State();
        s.pf[PF_OWNERSHIP] = true;
        s.pf[PF_READ_PUBEK] = true;
        s.pf[PF_ALLOW_MAINTENANCE] = true;
        s.pf[PF_ENABLE_REVOKE_EK] = true;
        rng.nextBytes(s.tpmProof);
        return s;
    }

    // PC Client PCR attributes (libtpms TPM_PCRAttributes_Init): bits TPM_LOC_ZERO=1 .. TPM_LOC_FOUR=0x10
    static boolean resettable(int pcr) { return pcr >= 16; }

    static int resetLocalities(int pcr) {
        return switch (pcr) {
            case 16, 23 -> 0x1f;
            case 17, 18, 19 -> 0x10;
            case 20 -> 0x14;
            case 21, 22 -> 0x04;
            default -> 0;
        };
    }

    static int extendLocalities(int pcr) {
        return switch (pcr) {
            case 17, 18 -> 0x1c;
            case 19 -> 0x0c;
            case 20 -> 0x0e;
            case 21, 22 -> 0x04;
            default -> 0x1f;
        };
    }

    /** TPM_PCR_Reset's value: 0 for 16 and 23, all ones for 17..22 unless a TOS is present, 0 below 16. */
    static byte[] resetValue(int pcr, boolean tosPresent) {
        byte[] v = new byte[20];
        if (pcr >= 17 && pcr <= 22 && !tosPresent) Arrays.fill(v, (byte) 0xff);
        return v;
    }

    void resetPcrs() {
        for (int i = 0; i < NUM_PCR; i++) pcrs[i] = resetValue(i, false);
    }

    boolean hasOwner() { return ownerInstalled; }

    static int countersUsed(Tpm12State st) {
        int n = 0;
        for (CounterCommands.Counter k : st.counters) if (k != null) n++;
        return n;
    }

    // ---- blobs

    private static final int PERMANENT_VERSION = 2, SAVESTATE_VERSION = 1;

    byte[] permanentBlob() {
        return write(out -> {
            out.writeInt(PERMANENT_VERSION);
            for (boolean b : pf) out.writeBoolean(b);
            out.write(tpmProof);
            out.write(ownerAuth);
            out.writeBoolean(ownerInstalled);
            writeOpt(out, ekBlob);
            writeOpt(out, srkBlob);
            out.write(authDir);
            out.writeInt(daFailures);
            out.writeInt(counterMax);
            for (CounterCommands.Counter k : counters) {
                out.writeBoolean(k != null);
                if (k != null) {
                    out.write(k.label());
                    out.writeInt(k.value());
                    out.write(k.auth());
                }
            }
            out.writeInt(nv.size());
            for (NvIndex12 n : nv.values()) {
                byte[] b = n.marshal();
                out.writeInt(b.length);
                out.write(b);
            }
            out.write(operatorAuth);
        });
    }

    void readPermanent(byte[] blob) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
        int version = in.readInt();
        if (version != 1 && version != PERMANENT_VERSION) throw new IOException("unknown TPM 1.2 permanent state version");
        for (int i = 0; i < pf.length; i++) pf[i] = in.readBoolean();
        in.readFully(tpmProof);
        in.readFully(ownerAuth);
        ownerInstalled = in.readBoolean();
        ekBlob = readOpt(in);
        srkBlob = readOpt(in);
        in.readFully(authDir);
        daFailures = in.readInt();
        counterMax = in.readInt();
        for (int i = 0; i < counters.length; i++) {
            if (in.readBoolean()) {
                byte[] label = new byte[4], auth = new byte[20];
                in.readFully(label);
                int value = in.readInt();
                in.readFully(auth);
                counters[i] = new CounterCommands.Counter(label, value, auth);
            }
        }
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            NvIndex12 n = NvIndex12.unmarshal(new CommandReader(b, 0, b.length));
            nv.put(n.index, n);
        }
        if (version >= 2) in.readFully(operatorAuth);
    }

    /** TPM_SaveState's blob: the STCLEAR flags and data. */
    byte[] saveStateBlob() {
        return write(out -> {
            out.writeInt(SAVESTATE_VERSION);
            out.writeBoolean(sfDeactivated);
            out.writeBoolean(sfDisableForceClear);
            out.writeBoolean(sfPhysicalPresence);
            out.writeBoolean(sfPhysicalPresenceLock);
            out.writeBoolean(sfGlobalLock);
            for (byte[] p : pcrs) out.write(p);
        });
    }

    void readSaveState(byte[] blob) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
        if (in.readInt() != SAVESTATE_VERSION) throw new IOException("unknown TPM 1.2 save state version");
        sfDeactivated = in.readBoolean();
        sfDisableForceClear = in.readBoolean();
        sfPhysicalPresence = in.readBoolean();
        sfPhysicalPresenceLock = in.readBoolean();
        sfGlobalLock = in.readBoolean();
        for (byte[] p : pcrs) in.readFully(p);
    }

    /** The volatile blob: the save state plus what TPM_STANY holds (sessions and keys are not carried yet). */
    byte[] volatileBlob() {
        byte[] save = saveStateBlob();
        return write(out -> {
            out.writeInt(1);
            out.writeBoolean(postInitialise);
            out.writeInt(testState);
            out.writeInt(save.length);
            out.write(save);
        });
    }

    void readVolatile(byte[] blob) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
        if (in.readInt() != 1) throw new IOException("unknown TPM 1.2 volatile state version");
        postInitialise = in.readBoolean();
        testState = in.readInt();
        byte[] save = new byte[in.readInt()];
        in.readFully(save);
        readSaveState(save);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bo)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    private static void writeOpt(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) out.write(b);
    }

    private static byte[] readOpt(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        if (n > 1 << 20) throw new IOException("bad length");
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
