package dev.jtpm.tpm12;

import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The TPM 1.2 command pipeline and life cycle, in the shape of libtpms' TPM_Process: header (tag, paramSize equal to
 * the octets received, else TPM_BAD_PARAM_SIZE), preprocessing (an ordinal outside the self-test subset runs the
 * actions of ContinueSelfTest first; any ordinal but Startup invalidates a saved state), the handler (unknown
 * ordinals TPM_BAD_ORDINAL), then the sessions (terminated on error or without continueAuthSession, else a new
 * nonceEven), the response (success: the request tag + 3, outputs and auth trailers; error: TPM_TAG_RSP_COMMAND and
 * the code) and the permanent state, written once when the command changed it. Any exception other than a
 * {@link Tpm12Failure} is a bug: the TPM enters failure mode and answers TPM_FAIL.
 */
final class Tpm12Core {
    private static final Logger LOG = Logger.getLogger(Tpm12Core.class.getName());
    /** libtpms' TPM_LOCKOUT_THRESHOLD. */
    static final int LOCKOUT_THRESHOLD = 5;
    /** The response buffer (TPM_BUFFER_MAX). */
    static final int BUFFER_MAX = 4096;

    final Platform platform;
    private final Map<Integer, Handler> handlers = Handlers.table();
    Tpm12State st;
    private boolean poweredOn;
    private int lastOrdinal;
    private int authFailCount;
    private long authFailMillis;
    // the _TPM_Hash_* sequence
    private java.security.MessageDigest hashSequence;

    /** One ordinal's processing. */
    @FunctionalInterface
    interface Handler {
        void run(Command c);
    }

    Tpm12Core(Platform platform) {
        this.platform = platform;
    }

    /** The SHA-1 thread of TPM_SHA1Start, or null. */
    java.security.MessageDigest sha1Thread;

    /** TPM_GetTicks' start (the platform clock at _TPM_Init) and its tickNonce, new at every _TPM_Init. */
    long tickStart;
    byte[] tickNonce = new byte[20];
    /** New at every _TPM_Init: binds saved session contexts to this boot. */
    byte[] bootNonce = new byte[20];

    boolean init() {
        poweredOn = false;
        tickStart = platform.millis().getAsLong();
        platform.entropy().nextBytes(tickNonce);
        platform.entropy().nextBytes(bootNonce);
        hashSequence = null;
        sha1Thread = null;
        try {
            Tpm12State s = new Tpm12State();
            byte[] perm = platform.nv().load(StateKind.PERMANENT);
            if (perm == null) {
                s = Tpm12State.manufacture(platform.entropy());
                platform.nv().store(StateKind.PERMANENT, s.permanentBlob());
            } else {
                s.readPermanent(perm);
            }
            s.resetPcrs();
            byte[] vol = platform.nv().load(StateKind.VOLATILE);
            if (vol != null && vol.length > 0) s.readVolatile(vol);
            st = s;
            authFailCount = 0;
            poweredOn = true;
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "TPM 1.2 state could not be loaded", e);
            st = new Tpm12State();
            st.testState = Tpm12State.TEST_FAILURE;
            poweredOn = true;
            return false;
        }
    }

    void powerOff() {
        poweredOn = false;
        st = null;
    }

    boolean isPoweredOn() { return poweredOn; }

    int lastOrdinal() { return lastOrdinal; }

    byte[] execute(byte[] cmd, int locality) {
        if (!poweredOn || st == null) return error(Tpm12Rc.FAIL);
        try {
            return process(cmd, locality);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "TPM 1.2 internal error; entering failure mode", e);
            st.testState = Tpm12State.TEST_FAILURE;
            return error(Tpm12Rc.FAIL);
        }
    }

    private byte[] process(byte[] cmd, int locality) throws RuntimeException {
        if (cmd.length < 10) return error(Tpm12Rc.BAD_PARAM_SIZE);
        CommandReader hdr = new CommandReader(cmd, 0, cmd.length);
        int tag = hdr.u16();
        long size = Integer.toUnsignedLong(hdr.u32());
        int ordinal = hdr.u32();
        if (size != cmd.length) return error(Tpm12Rc.BAD_PARAM_SIZE);
        lastOrdinal = ordinal;
        int rc = preprocess(ordinal);
        if (rc != 0) return error(rc);
        st.locality = locality;
        Handler h = handlers.get(ordinal);
        if (h == null) return error(Tpm12Rc.BAD_ORDINAL);
        if (ordinal != Ordinal.SHA1Update && ordinal != Ordinal.SHA1Complete && ordinal != Ordinal.SHA1CompleteExtend) {
            sha1Thread = null; // any other ordinal ends a TPM_SHA1Start thread (libtpms' TPM_Check_SHA1Context)
        }
        Command c = new Command(this, st, tag, ordinal, locality, new CommandReader(cmd, 10, cmd.length));
        try {
            h.run(c);
            rc = 0;
        } catch (Tpm12Failure f) {
            rc = f.rc();
        }
        byte[] trailers = finishSessions(c, rc);
        if (rc == 0 && c.permanentChanged) rc = storePermanent();
        if (rc != 0) {
            if (Tpm12Rc.isFatal(rc)) st.testState = Tpm12State.TEST_FAILURE;
            return error(rc);
        }
        byte[] handlesOut = c.outHandles.toByteArray(), params = c.out.toByteArray();
        int total = 10 + handlesOut.length + params.length + trailers.length;
        if (total > BUFFER_MAX) return error(Tpm12Rc.SIZE);
        return new ResponseWriter().u16(tag + 3).u32(total).u32(0).bytes(handlesOut).bytes(params).bytes(trailers).toByteArray();
    }

    /** TPM_Process_Preprocess. */
    private int preprocess(int ordinal) {
        if (st.testState == Tpm12State.TEST_LIMITED && !selfTestFree(ordinal)) continueSelfTest();
        if (ordinal != Ordinal.Startup && stateSaved) {
            stateSaved = false;
            try {
                platform.nv().delete(StateKind.SAVESTATE);
            } catch (IOException e) {
                return Tpm12Rc.FAIL;
            }
        }
        return 0;
    }

    /** The ordinals a TPM in limited operation runs without self-testing first (libtpms' list). */
    private static boolean selfTestFree(int o) {
        return o == Ordinal.Startup || o == 0xA0 || o == 0xA1 || o == 0xA2 || o == 0xA3 || o == Ordinal.Extend
                || o == Ordinal.ContinueSelfTest || o == Ordinal.GetCapability || o == Ordinal.SelfTestFull
                || o == Ordinal.GetTestResult || o == Ordinal.TSC_PhysicalPresence || o == Ordinal.TSC_ResetEstablishmentBit;
    }

    /** TPM_ContinueSelfTestCmd: the self-test passes (the JCA primitives are the ones tested). */
    void continueSelfTest() {
        if (st.testState != Tpm12State.TEST_FAILURE) st.testState = Tpm12State.TEST_FULL;
    }

    /** Whether a TPM_SaveState blob exists (set by SaveState and at init when one is stored). */
    boolean stateSaved;

    /** Rolls the nonces of verified sessions that continue and terminates the others (libtpms' rules). */
    private byte[] finishSessions(Command c, int rc) {
        ResponseWriter w = new ResponseWriter();
        List<byte[]> outs = new ArrayList<>();
        byte[] outDigest = rc == 0 ? Crypto12.sha1(Command.u32(0), Command.u32(c.ordinal), c.out.toByteArray()) : null;
        if (rc != 0 && c.authsValid && rc != Tpm12Rc.DEFEND_LOCK_RUNNING) {
            for (Command.Auth a : c.auths) st.sessions.remove(a.handle);
            return w.toByteArray();
        }
        for (Command.Auth a : c.auths) {
            AuthSession s = a.session;
            if (s == null) continue;
            if (rc != 0 || !a.continueSession || !a.verified) {
                st.sessions.remove(a.handle);
                if (rc != 0 || !a.verified) continue;
            }
            byte[] nonceEven = random(20);
            s.nonceEven = nonceEven;
            byte[] cont = {(byte) (a.continueSession ? 1 : 0)};
            byte[] resAuth = Crypto12.hmac(a.key, outDigest, nonceEven, a.nonceOdd, cont);
            outs.add(new ResponseWriter().bytes(nonceEven).bytes(cont).bytes(resAuth).toByteArray());
        }
        if (rc == 0) for (byte[] o : outs) w.bytes(o);
        return w.toByteArray();
    }

    int storePermanent() {
        try {
            platform.nv().store(StateKind.PERMANENT, st.permanentBlob());
            return 0;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "TPM 1.2 permanent state could not be written", e);
            return Tpm12Rc.FAIL;
        }
    }

    void storeSaveState() throws IOException {
        platform.nv().store(StateKind.SAVESTATE, st.saveStateBlob());
        stateSaved = true;
    }

    byte[] loadSaveState() throws IOException { return platform.nv().load(StateKind.SAVESTATE); }

    void deleteSaveState() {
        stateSaved = false;
        try {
            platform.nv().delete(StateKind.SAVESTATE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "TPM 1.2 save state could not be deleted", e);
        }
    }

    // ---- dictionary attack (libtpms TPM_Authdata_Fail / GetState: after 5 failures, 1 s doubling per failure)

    void authFailed() {
        authFailCount++;
        if (authFailCount > LOCKOUT_THRESHOLD) authFailMillis = platform.millis().getAsLong();
    }

    boolean lockedOut() {
        if (authFailCount <= LOCKOUT_THRESHOLD) return false;
        int over = Math.min(authFailCount - LOCKOUT_THRESHOLD - 1, 30);
        long waitMillis = 1000L << over;
        return platform.millis().getAsLong() - authFailMillis < waitMillis;
    }

    void resetLockout() {
        authFailCount = 0;
        disableResetLock = false;
    }

    /** TPM_STCLEAR_DATA disableResetLock: set by a failed TPM_ResetLockValue, until the next clear. */
    boolean disableResetLock;

    /** Seconds left in the lockout, 0 when none. */
    long lockoutSecondsLeft() {
        if (!lockedOut()) return 0;
        int over = Math.min(authFailCount - LOCKOUT_THRESHOLD - 1, 30);
        long left = (1000L << over) - (platform.millis().getAsLong() - authFailMillis);
        return Math.max(0, (left + 999) / 1000);
    }

    int authFailCount() { return authFailCount; }

    byte[] random(int n) {
        byte[] b = new byte[n];
        platform.entropy().nextBytes(b);
        return b;
    }

    /** A fresh handle that is neither 0, nor a reserved 0x40xxxxxx key handle, nor in use. */
    int newHandle(java.util.Set<Integer> used) {
        while (true) {
            int h = platform.entropy().nextInt();
            if (h != 0 && (h & 0xff000000) != 0x40000000 && !used.contains(h)) return h;
        }
    }

    // ---- the _TPM_Hash_* interface (TPM Main Part 1, 11.x; libtpms TPM_IO_Hash_*)

    /** TPM12_IO_Hash_Start: after a Startup only; tpmEstablished and TOSPresent set, PCRs 17..22 zeroed. */
    boolean hashStart() {
        if (st == null || st.postInitialise) {
            if (st != null) st.testState = Tpm12State.TEST_FAILURE;
            return false;
        }
        try {
            hashSequence = java.security.MessageDigest.getInstance("SHA-1");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        st.tosPresent = true;
        for (int i = 17; i <= 22; i++) st.pcrs[i] = new byte[20];
        if (!st.pf[Tpm12State.PF_TPM_ESTABLISHED]) {
            st.pf[Tpm12State.PF_TPM_ESTABLISHED] = true;
            storePermanent();
        }
        return true;
    }

    /** TPM12_IO_Hash_Data: without a sequence, failure mode (TPM_SHA_THREAD). */
    boolean hashData(byte[] data) {
        if (st == null) return false;
        if (hashSequence == null) {
            st.testState = Tpm12State.TEST_FAILURE;
            return false;
        }
        hashSequence.update(data);
        return true;
    }

    /** TPM12_IO_Hash_End: PCR 17 := SHA-1(0^20 || SHA-1(data)). */
    boolean hashEnd() {
        if (st == null) return false;
        if (hashSequence == null) {
            st.testState = Tpm12State.TEST_FAILURE;
            return false;
        }
        byte[] h = hashSequence.digest();
        hashSequence = null;
        st.pcrs[17] = Crypto12.sha1(new byte[20], h);
        return true;
    }

    /** TPM12_IO_TpmEstablished_Reset: localities 3 and 4 only. */
    boolean resetEstablished(int locality) {
        if (st == null || locality < 3) return false;
        if (st.pf[Tpm12State.PF_TPM_ESTABLISHED]) {
            st.pf[Tpm12State.PF_TPM_ESTABLISHED] = false;
            storePermanent();
        }
        return true;
    }

    boolean tpmEstablished() { return st != null && st.pf[Tpm12State.PF_TPM_ESTABLISHED]; }

    static byte[] error(int rc) {
        return new ResponseWriter().u16(Ordinal.TAG_RSP_COMMAND).u32(10).u32(rc).toByteArray();
    }
}
