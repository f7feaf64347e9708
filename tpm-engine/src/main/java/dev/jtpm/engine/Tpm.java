package dev.jtpm.engine;

import dev.jtpm.engine.platform.Platform;

/**
 * One TPM 2.0 instance. It owns all of its state (no statics), runs one command at a time and never
 * throws from {@link #execute}: bad input gets the specification's response code, an internal error
 * puts the TPM into failure mode.
 *
 * <p>Life cycle, as a platform drives it: {@link #init()} is _TPM_Init (power on or reset; loads the
 * state from the platform's store, manufacturing it on first use), then TPM2_Startup arrives as a
 * command. {@link #powerOff()} drops the volatile state.
 */
public final class Tpm implements TpmEngine {
    // body supplied by the engine; see TpmCore
    private final TpmCore core;

    /**
     * Initializes the engine's classes (the command table and the handlers: most of a cold {@code new Tpm}) in the
     * calling thread. A server calls it on a background thread at start, so that this work overlaps with option
     * parsing, reading the state and binding sockets. Idempotent and thread-safe.
     */
    public static void prepare() {
        TpmCore.HANDLERS.table();
    }

    /** A powered-off TPM on the given platform; call {@link #init()} to power it on. */
    public Tpm(Platform platform) {
        this(platform, TpmProfile.DEFAULT);
    }

    /** A powered-off TPM that, if it has no stored state yet, is manufactured with {@code profile}. */
    public Tpm(Platform platform, TpmProfile profile) {
        this.core = new TpmCore(platform, profile);
    }

    /**
     * _TPM_Init: powers the TPM on (or resets it if on). Loads the permanent state (manufacturing and
     * storing it when there is none) and, if the store holds a volatile blob, resumes from it so no
     * TPM2_Startup is needed.
     *
     * @return false if the stored state could not be loaded; the TPM is then in failure mode
     */
    @Override
    public synchronized boolean init() { return core.init(); }

    @Override
    public synchronized void setBufferSize(int size) { core.bufferSize = size; }

    /** Powers the TPM off: volatile state is lost (nothing is written). */
    @Override
    public synchronized void powerOff() { core.powerOff(); }

    /** True between {@link #init()} and {@link #powerOff()}. */
    @Override
    public synchronized boolean isPoweredOn() { return core.isPoweredOn(); }

    /** True once TPM2_Startup has succeeded since the last {@link #init()} (or a volatile resume). */
    public synchronized boolean isStarted() { return core.isStarted(); }

    /**
     * Executes one command. Before {@link #init()} it answers the 10-byte TPM_RC_FAILURE response.
     * Never throws.
     */
    @Override
    public synchronized byte[] execute(byte[] command, int locality) { return core.execute(command, locality); }

    /** The command code of the last command executed (0 if none): swtpm sends an automatic
     *  Shutdown only when the last command was not one. */
    @Override
    public synchronized int lastCommandCode() { return core.lastCommandCode(); }

    /** _TPM_Hash_Start (Part 1, 34.2): locality 4 D-RTM hash sequence begins. */
    @Override
    public synchronized void hashStart() { core.hashStart(); }

    /** _TPM_Hash_Data: more data for the D-RTM sequence (ignored when none is active). */
    @Override
    public synchronized void hashData(byte[] data) { core.hashData(data); }

    /** _TPM_Hash_End: extends PCR 17 as Part 1 defines and sets the TPM-established flag. */
    @Override
    public synchronized void hashEnd() { core.hashEnd(); }

    /** The TPM-established flag (TPMA_PERMANENT.tpmGeneratedEPS is unrelated). */
    @Override
    public synchronized boolean tpmEstablished() { return core.tpmEstablished(); }

    /**
     * Clears the TPM-established flag as the TIS register write from {@code locality} would.
     *
     * @return false if that locality may not reset it (only 3 and 4 may)
     */
    @Override
    public synchronized boolean resetEstablished(int locality) { return core.resetEstablished(locality); }

    /** Writes the complete volatile state to the platform store (swtpm CMD_STORE_VOLATILE). */
    @Override
    public synchronized void storeVolatile() throws java.io.IOException { core.storeVolatile(); }

    /** The complete volatile state as a blob (null when powered off). */
    @Override
    public synchronized byte[] volatileState() { return core.volatileState(); }

    /** The permanent state as a blob (as it would be stored now). */
    @Override
    public synchronized byte[] permanentState() { return core.permanentState(); }

    /** The live state, for tests in this package's test tree (not part of the API). */
    dev.jtpm.engine.state.TpmState state() { return core.state(); }

    /** Asks a long-running command to stop (best effort; commands here are short). */
    @Override
    public void cancel() { core.cancel(); }

    /** TPM2_Startup(TPM_SU_CLEAR or TPM_SU_STATE) without sessions. */
    @Override
    public byte[] startupCommand(boolean state) {
        return java.nio.ByteBuffer.allocate(12).putShort((short) 0x8001).putInt(12).putInt(0x144)
                .putShort((short) (state ? 1 : 0)).array();
    }

    /** A TPM_ST_NO_SESSIONS response carrying only {@code rc}. */
    @Override
    public byte[] errorResponse(int rc) {
        return java.nio.ByteBuffer.allocate(10).putShort((short) 0x8001).putInt(10).putInt(rc).array();
    }

    /** TPM_RC_FAILURE. */
    @Override
    public int fatalErrorCode() { return 0x101; }
}
