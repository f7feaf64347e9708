package dev.jtpm.engine;

import dev.jtpm.types.TpmDevice;
import java.io.IOException;

/**
 * What a front-end (swtpm's control and data channels, the device front-ends, mssim) drives: a TPM's life cycle, its
 * command path, the _TPM_Hash_* signals and its state blobs. Implemented by the TPM 2.0 engine ({@link Tpm}) and by the
 * TPM 1.2 engine ({@code dev.jtpm.tpm12.Tpm12}); the front-end asks {@link #isTpm2()} only where swtpm itself asks
 * which TPM it serves (the automatic TPM2_Shutdown, the Startup of {@code --flags}, error frames, control capabilities).
 */
public interface TpmEngine extends TpmDevice {

    /** _TPM_Init: powers the TPM on (or resets it); false when the stored state cannot be loaded. */
    boolean init();

    /** Powers the TPM off: volatile state is lost. */
    void powerOff();

    /** True between {@link #init()} and {@link #powerOff()}. */
    boolean isPoweredOn();

    /** Executes one command; never throws. */
    @Override
    byte[] execute(byte[] command, int locality);

    /** The command code (ordinal) of the last command executed, 0 if none. */
    int lastCommandCode();

    /** _TPM_Hash_Start. */
    void hashStart();

    /** _TPM_Hash_Data. */
    void hashData(byte[] data);

    /** _TPM_Hash_End. */
    void hashEnd();

    /** The TPM-established flag. */
    boolean tpmEstablished();

    /** Clears the TPM-established flag from {@code locality}; false if that locality may not. */
    boolean resetEstablished(int locality);

    /** Writes the complete volatile state to the platform store (swtpm CMD_STORE_VOLATILE). */
    void storeVolatile() throws IOException;

    /** The complete volatile state as a blob (null when powered off). */
    byte[] volatileState();

    /** The permanent state as a blob. */
    byte[] permanentState();

    /** Asks a long-running command to stop (best effort). */
    void cancel();

    /**
     * swtpm's CMD_SET_BUFFERSIZE (TPMLIB_SetBufferSize) while the TPM is off: the buffer size the front-end now uses,
     * which a TPM 2.0 reports as TPM_PT_MAX_COMMAND_SIZE and TPM_PT_MAX_RESPONSE_SIZE from the next {@link #init()}, as
     * libtpms does. The default does nothing.
     */
    default void setBufferSize(int size) {}

    /** True for a TPM 2.0, false for a TPM 1.2. */
    default boolean isTpm2() { return true; }

    /**
     * The Startup command swtpm's {@code --flags startup-clear|startup-state} sends to this TPM
     * ({@code tpmlib_create_startup_cmd}).
     *
     * @param state ST_STATE / TPM_SU_STATE instead of ST_CLEAR / TPM_SU_CLEAR
     */
    byte[] startupCommand(boolean state);

    /** The 10-byte error response of this TPM family with {@code rc} (swtpm's tpmlib_write_error_response). */
    byte[] errorResponse(int rc);

    /** The code swtpm answers while the TPM is not running: TPM_RC_FAILURE (2.0) or TPM_FAIL (1.2). */
    int fatalErrorCode();
}
