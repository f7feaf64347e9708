package dev.jtpm.server;

import dev.jtpm.engine.TpmEngine;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.StateKey;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The life-cycle semantics of a served TPM, shared by every front-end (control channel, data
 * channel, mssim platform port), as swtpm's main loop keeps them: whether the TPM is running, the
 * global locality, the buffer size, state blobs pushed while stopped, and the automatic
 * TPM2_Shutdown before INIT, STOP, SHUTDOWN and at exit. All methods are serialized on this object.
 */
public final class TpmController {
    /** The smallest buffer size: sizeof(TPMS_CONTEXT) + 128 as libtpms computes it. */
    public static final int MIN_BUFFER_SIZE = 2808;
    /** The largest (and default) buffer size. */
    public static final int MAX_BUFFER_SIZE = TpmHeader.MAX_COMMAND_SIZE;
    /** Blobs larger than this are refused by SET_STATEBLOB. */
    public static final int MAX_STATE_BLOB = 512 * 1024;

    private final TpmEngine tpm;
    private final NvStore store;
    private final SwtpmFlags flags;
    private final ServerLog log;
    private final boolean rejectLocality4;
    private final Map<StateKind, byte[]> pushed = new EnumMap<>(StateKind.class);
    private boolean running;
    private int locality;
    private int bufferSize = MAX_BUFFER_SIZE;
    private Optional<StateKey> migrationKey = Optional.empty();
    private boolean incoming, releaseLockOutgoing;
    private int lockingRetries;
    private Runnable onLockFailure = () -> { };
    private CommandObserver observer;

    /** Told about every command the TPM executed (for metrics). */
    @FunctionalInterface
    public interface CommandObserver {
        /**
         * @param commandCode the command's TPM_CC (0 when the command was too short to have one)
         * @param responseCode the response's TPM_RC
         * @param nanos how long the TPM took
         */
        void executed(int commandCode, int responseCode, long nanos);
    }

    /** Sets the one observer of executed commands (null: none). */
    public synchronized void observe(CommandObserver o) {
        observer = o;
    }

    /** swtpm's DEFAULT_LOCKING_RETRIES: after a release, the next lock is retried this often, 10 ms apart. */
    public static final int DEFAULT_LOCKING_RETRIES = 300;

    /** A controller for a powered-off TPM whose state lives in {@code store}. */
    public TpmController(TpmEngine tpm, NvStore store, SwtpmFlags flags, boolean rejectLocality4, ServerLog log) {
        this.tpm = tpm;
        this.store = store;
        this.flags = flags;
        this.rejectLocality4 = rejectLocality4;
        this.log = log;
    }

    /**
     * Sets the migration key and swtpm's {@code --migration} behaviour: with {@code incoming} the
     * storage lock is taken only by SET_STATEBLOB, CMD_LOCK_STORAGE or the first TPM command (the store
     * was opened unlocked); with {@code releaseLockOutgoing} the lock is given up once the savestate
     * blob was read. {@code onLockFailure} runs when a TPM command cannot take the lock (swtpm exits).
     */
    public synchronized void configureMigration(Optional<StateKey> migrationKey, boolean incoming, boolean releaseLockOutgoing,
                                                Runnable onLockFailure) {
        this.migrationKey = migrationKey;
        this.incoming = incoming;
        this.releaseLockOutgoing = releaseLockOutgoing;
        this.onLockFailure = onLockFailure;
    }

    private Optional<StateKey> fileKey() {
        return store instanceof StateStore s ? s.fileKey() : Optional.empty();
    }

    /** PTM_CONFIG_FLAG_* for CMD_GET_CONFIG: which keys are set. */
    public synchronized int configFlags() {
        return (fileKey().isPresent() ? Ptm.CONFIG_FLAG_FILE_KEY : 0) | (migrationKey.isPresent() ? Ptm.CONFIG_FLAG_MIGRATION_KEY : 0);
    }

    /** swtpm's mainloop_ensure_locked_storage: true when the store holds its lock (taking it now if needed). */
    private boolean ensureLocked(int retries) {
        if (!(store instanceof StateStore s)) return true;
        try {
            if (!s.lock(retries)) {
                log.error("jtpm: could not lock the state storage: another process holds it");
                return false;
            }
        } catch (IOException e) {
            log.error("jtpm: could not lock the state storage: " + e.getMessage());
            return false;
        }
        lockingRetries = 0;
        incoming = false;
        return true;
    }

    /** CMD_LOCK_STORAGE: takes the storage lock, retrying {@code retries} times 10 ms apart. */
    public synchronized int lockStorage(int retries) {
        return ensureLocked(retries) ? Ptm.TPM_SUCCESS : Ptm.TPM_FAIL;
    }

    /** The TPM behind this controller. */
    public TpmEngine tpm() { return tpm; }

    /** The flags in effect. */
    public SwtpmFlags flags() { return flags; }

    /** swtpm's "tpm_running": initialized by CMD_INIT (or at start) and not stopped since. */
    public synchronized boolean isRunning() { return running; }

    /** The global locality used for data-channel commands. */
    public synchronized int locality() { return locality; }

    /** The buffer size: the largest command the data channel accepts. */
    public synchronized int bufferSize() { return bufferSize; }

    /**
     * Applies {@code --flags} once, at main-loop start: initializes the TPM when it need not wait for
     * CMD_INIT, then sends the TPM2_Startup asked for.
     *
     * @return the TPM_RC of the automatic TPM2_Startup (0 when none was sent), or -1 when init failed
     */
    public synchronized int applyStartupFlags() {
        if (!flags.initAtStart()) return 0;
        if (init(0) != Ptm.TPM_SUCCESS) return -1;
        return switch (flags.startup()) {
            case NONE -> 0;
            case CLEAR -> TpmHeader.responseCode(tpm.execute(tpm.startupCommand(false), locality));
            case STATE -> TpmHeader.responseCode(tpm.execute(tpm.startupCommand(true), locality));
        };
    }

    /**
     * Runs one data-channel command. Before INIT (or after STOP) the answer is the 10-byte
     * TPM_RC_FAILURE response, as swtpm gives it. A non-negative {@code envelopeLocality} (from a
     * TPM_SEND_COMMAND envelope) sets the global locality first.
     */
    public byte[] execute(byte[] command, int envelopeLocality) {
        java.util.concurrent.CountDownLatch gate = startGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return executeNow(command, envelopeLocality);
    }

    /**
     * Holds data-channel commands ({@link #execute}) until {@link #releaseCommands}: {@code TpmInstance} serves its
     * channels before it applies the start-up flags, and a client that connected at once would otherwise meet a TPM
     * not yet initialized or started (TPM_RC_FAILURE / TPM_RC_INITIALIZE, found by the kill torture) — swtpm applies
     * them before its main loop. Control requests are not held.
     */
    public void holdCommands() { startGate = new java.util.concurrent.CountDownLatch(1); }

    /** Lets held and later commands through. */
    public void releaseCommands() {
        java.util.concurrent.CountDownLatch gate = startGate;
        startGate = null;
        if (gate != null) gate.countDown();
    }

    private volatile java.util.concurrent.CountDownLatch startGate;

    private synchronized byte[] executeNow(byte[] command, int envelopeLocality) {
        if (envelopeLocality >= 0) locality = envelopeLocality;
        long t0 = observer == null ? 0 : System.nanoTime();
        byte[] rsp;
        if (!ensureLocked(lockingRetries)) {
            onLockFailure.run();
            rsp = tpm.errorResponse(tpm.fatalErrorCode());
        } else if (!running) {
            rsp = tpm.errorResponse(tpm.fatalErrorCode());
        } else {
            rsp = tpm.execute(command, locality);
        }
        if (observer != null) {
            observer.executed(command.length >= 10 ? dev.jtpm.wire.BigEndian.u32(command, 6) : 0, TpmHeader.responseCode(rsp),
                    System.nanoTime() - t0);
        }
        return rsp;
    }

    /**
     * CMD_INIT: automatic shutdown, terminate, write blobs pushed with SET_STATEBLOB, start the TPM
     * (which reads its state from the store), then delete the volatile state when asked.
     *
     * @return TPM_SUCCESS, or TPM_RC_FAILURE (0x101) when the TPM cannot start, as swtpm answers
     */
    public synchronized int init(int initFlags) {
        autoShutdown();
        tpm.powerOff();
        running = false;
        if (!incoming && !ensureLocked(0)) return Ptm.TPM_FAIL;
        try {
            for (Map.Entry<StateKind, byte[]> e : pushed.entrySet()) {
                if (e.getValue().length == 0) store.delete(e.getKey());
                else store.store(e.getKey(), e.getValue());
            }
            pushed.clear();
        } catch (IOException e) {
            log.error("jtpm: could not write pushed state: " + e.getMessage());
            return Ptm.TPM_FAIL;
        }
        if (!tpm.init()) {
            log.error("Error: Could not initialize the TPM");
            return tpm.fatalErrorCode();
        }
        running = true;
        if ((initFlags & Ptm.INIT_FLAG_DELETE_VOLATILE) != 0) {
            try {
                store.delete(StateKind.VOLATILE);
            } catch (IOException e) {
                log.error("jtpm: could not delete the volatile state: " + e.getMessage());
            }
        }
        return Ptm.TPM_SUCCESS;
    }

    /** CMD_STOP: automatic shutdown, then the TPM is terminated; the process stays. */
    public synchronized void stop() {
        autoShutdown();
        tpm.powerOff();
        running = false;
    }

    /** A power loss (mssim POWER_OFF): no automatic shutdown. */
    public synchronized void powerOff() {
        tpm.powerOff();
        running = false;
    }

    /** mssim POWER_ON: _TPM_Init when off; nothing when already on. */
    public synchronized void powerOn() {
        if (!running) init(0);
    }

    /** mssim RESET / RESTART: _TPM_Init again when on. */
    public synchronized void reset() {
        if (!running) return;
        if (tpm.init()) running = true;
        else running = false;
    }

    /**
     * Sends TPM2_Shutdown(SU_STATE), falling back to SU_CLEAR, when the TPM runs, automatic shutdown
     * is enabled, and the last command was not a TPM2_Shutdown. A TPM 1.2 gets nothing, as from swtpm.
     */
    public synchronized void autoShutdown() {
        if (!tpm.isTpm2() || !running || flags.disableAutoShutdown() || tpm.lastCommandCode() == TpmHeader.CC_SHUTDOWN) return;
        int rc = TpmHeader.responseCode(tpm.execute(TpmHeader.shutdown(TpmHeader.SU_STATE), locality));
        if (rc != TpmHeader.RC_SUCCESS) tpm.execute(TpmHeader.shutdown(TpmHeader.SU_CLEAR), locality);
    }

    /** CMD_SHUTDOWN and process exit: automatic shutdown, then the TPM is terminated. */
    public synchronized void terminate() {
        stop();
    }

    /** CMD_SET_LOCALITY: a TPM_BAD_LOCALITY for 5 and above (and 4 when rejected), else success. */
    public synchronized int setLocality(int loc) {
        if (loc > 4 || loc == 4 && rejectLocality4) return Ptm.TPM_BAD_LOCALITY;
        locality = loc;
        return Ptm.TPM_SUCCESS;
    }

    /** CMD_RESET_TPMESTABLISHED at {@code loc}; the global locality is left as it was. */
    public synchronized int resetEstablished(int loc) {
        if (loc > 4) return Ptm.TPM_BAD_LOCALITY;
        return tpm.resetEstablished(loc) ? Ptm.TPM_SUCCESS : Ptm.TPM_BAD_LOCALITY;
    }

    /**
     * CMD_SET_BUFFERSIZE: 0 queries; any other value (only while stopped) is clamped to
     * [{@value #MIN_BUFFER_SIZE}, {@value #MAX_BUFFER_SIZE}].
     *
     * @return the size in effect, or -1 when a change is asked while running
     */
    public synchronized int setBufferSize(int requested) {
        if (requested == 0) return bufferSize;
        if (running) return -1;
        bufferSize = Math.clamp(Integer.toUnsignedLong(requested), MIN_BUFFER_SIZE, MAX_BUFFER_SIZE);
        return bufferSize;
    }

    /** CMD_STORE_VOLATILE. */
    public synchronized int storeVolatile() {
        try {
            tpm.storeVolatile();
            return Ptm.TPM_SUCCESS;
        } catch (IOException e) {
            log.error("jtpm: could not store the volatile state: " + e.getMessage());
            return Ptm.TPM_FAIL;
        }
    }

    /**
     * A migration blob and whether it is still encrypted with the file key (PTM_STATE_FLAG_ENCRYPTED).
     *
     * @param blob the swtpm blob
     * @param encrypted still file-key encrypted
     */
    public record MigrationBlob(byte[] blob, boolean encrypted) {}

    /**
     * The state blob of a kind for CMD_GET_STATEBLOB in swtpm's migration format: file-key encrypted
     * unless {@code stateFlags} has PTM_STATE_FLAG_DECRYPTED (or there is no file key), then encrypted
     * with the migration key when one is set. Once a SAVESTATE blob is read, the storage lock is given
     * up when {@code --migration release-lock-outgoing} was given.
     *
     * @throws StateBlobException TPM_RETRY when there is no such blob, TPM_FAIL for an unknown type
     */
    public synchronized MigrationBlob stateBlob(int blobType, int stateFlags) throws StateBlobException {
        try {
            byte[] payload = statePayload(blobType);
            Optional<StateKey> fk = fileKey();
            boolean decrypted = (stateFlags & Ptm.STATE_FLAG_DECRYPTED) != 0;
            byte[] blob = StateBlob.encodeMigration(payload, fk, migrationKey, decrypted);
            return new MigrationBlob(blob, fk.isPresent() && !decrypted);
        } finally {
            // swtpm releases it once the savestate answer is sent, also when that answer is TPM_RETRY (no blob)
            if (blobType == Ptm.BLOB_TYPE_SAVESTATE && releaseLockOutgoing && store instanceof StateStore s) {
                try {
                    s.unlock();
                    lockingRetries = DEFAULT_LOCKING_RETRIES;
                } catch (IOException e) {
                    log.error("jtpm: could not release the state storage lock: " + e.getMessage());
                }
            }
        }
    }

    /** {@link #stateBlob(int, int)} with no flags, the blob only. */
    public synchronized byte[] stateBlob(int blobType) throws StateBlobException {
        return stateBlob(blobType, 0).blob();
    }

    private byte[] statePayload(int blobType) throws StateBlobException {
        StateKind kind = StateKind.ofBlobType(blobType);
        if (kind == null) throw new StateBlobException(Ptm.TPM_FAIL, "unknown blob type " + blobType);
        byte[] payload;
        try {
            payload = switch (kind) {
                case PERMANENT -> {
                    byte[] p = store.load(kind);
                    yield p != null ? p : tpm.permanentState();
                }
                case VOLATILE -> {
                    byte[] v = tpm.volatileState();
                    store.delete(StateKind.VOLATILE);
                    yield v;
                }
                case SAVESTATE -> store.load(kind);
            };
        } catch (IOException e) {
            throw new StateBlobException(Ptm.TPM_FAIL, e.getMessage());
        }
        if (payload == null || payload.length == 0) throw new StateBlobException(Ptm.TPM_RETRY, "no " + kind + " blob");
        return payload;
    }

    /**
     * CMD_SET_STATEBLOB (only while stopped): takes the storage lock (swtpm exits when it cannot),
     * decrypts the blob as swtpm does (migration key when the header says so, then the file key when
     * the header or PTM_STATE_FLAG_ENCRYPTED says so; PTM_STATE_FLAG_DECRYPTED is ignored, as by swtpm)
     * and keeps it until the next INIT writes it to the store. An empty blob clears that state. A blob
     * that does not decrypt changes nothing.
     *
     * @return a {@link Ptm} result
     */
    public synchronized int pushStateBlob(int blobType, int stateFlags, byte[] blob) {
        if (running) return Ptm.TPM_BAD_ORDINAL;
        if (!ensureLocked(lockingRetries)) {
            onLockFailure.run();
            return Ptm.TPM_IOERROR;
        }
        StateKind kind = StateKind.ofBlobType(blobType);
        if (kind == null || blob.length > MAX_STATE_BLOB) return Ptm.TPM_FAIL;
        if (blob.length == 0) {
            pushed.put(kind, blob);
            return Ptm.TPM_SUCCESS;
        }
        try {
            byte[] payload = StateBlob.decodeMigration(blob, (stateFlags & Ptm.STATE_FLAG_ENCRYPTED) != 0, fileKey(),
                    migrationKey);
            // a blob from a swtpm host (libtpms' format) becomes jtpm's; the volatile one needs the permanent state
            byte[] permanent = kind == StateKind.PERMANENT || ForeignStates.recognise(kind, payload) == null ? null
                    : pushed.containsKey(StateKind.PERMANENT) ? pushed.get(StateKind.PERMANENT) : store.load(StateKind.PERMANENT);
            pushed.put(kind, ForeignStates.toJtpm(kind, payload, permanent));
            return Ptm.TPM_SUCCESS;
        } catch (StateBlobException e) {
            log.error("jtpm: SET_STATEBLOB " + kind + ": " + e.getMessage());
            return e.ptmResult();
        } catch (IOException e) {
            log.error("jtpm: SET_STATEBLOB " + kind + ": " + e.getMessage());
            return Ptm.TPM_FAIL;
        }
    }
}
