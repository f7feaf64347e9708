package dev.jtpm.tpm12;

import dev.jtpm.engine.TpmEngine;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import java.io.IOException;

/**
 * One TPM 1.2 instance (TCG TPM Main Specification 1.2 rev 116, libtpms' TPM 1.2 as the reference), on the same
 * {@link Platform} as the TPM 2.0 engine. It owns its state (no statics), runs one command at a time and never throws
 * from {@link #execute}: bad input gets the specification's TPM_RESULT, an internal error puts the TPM into failure
 * mode (TPM_FAIL, then TPM_FAILEDSELFTEST).
 *
 * <p>State blobs: {@link StateKind#PERMANENT} (flags, owner, EK, SRK), {@link StateKind#SAVESTATE} (TPM_SaveState)
 * and {@link StateKind#VOLATILE} (CMD_STORE_VOLATILE); a directory store names them {@code tpm-00.permall},
 * {@code tpm-00.savestate} and {@code tpm-00.volatilestate} as swtpm does for a TPM 1.2.
 */
public final class Tpm12 implements TpmEngine {
    private final Tpm12Core core;

    /** A powered-off TPM 1.2 on {@code platform}; {@link #init()} powers it on. */
    public Tpm12(Platform platform) {
        this.core = new Tpm12Core(platform);
    }

    @Override
    public synchronized boolean init() {
        boolean ok = core.init();
        try {
            core.stateSaved = core.platform.nv().load(StateKind.SAVESTATE) != null;
        } catch (IOException e) {
            core.stateSaved = false;
        }
        return ok;
    }

    @Override
    public synchronized void powerOff() { core.powerOff(); }

    @Override
    public synchronized boolean isPoweredOn() { return core.isPoweredOn(); }

    @Override
    public synchronized byte[] execute(byte[] command, int locality) { return core.execute(command, locality); }

    @Override
    public synchronized int lastCommandCode() { return core.lastOrdinal(); }

    @Override
    public synchronized void hashStart() { core.hashStart(); }

    @Override
    public synchronized void hashData(byte[] data) { core.hashData(data); }

    @Override
    public synchronized void hashEnd() { core.hashEnd(); }

    @Override
    public synchronized boolean tpmEstablished() { return core.tpmEstablished(); }

    @Override
    public synchronized boolean resetEstablished(int locality) { return core.resetEstablished(locality); }

    @Override
    public synchronized void storeVolatile() throws IOException {
        if (core.st != null) core.platform.nv().store(StateKind.VOLATILE, core.st.volatileBlob());
    }

    @Override
    public synchronized byte[] volatileState() { return core.st == null ? null : core.st.volatileBlob(); }

    @Override
    public synchronized byte[] permanentState() {
        if (core.st != null) return core.st.permanentBlob();
        try {
            return core.platform.nv().load(StateKind.PERMANENT);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void cancel() { }

    @Override
    public boolean isTpm2() { return false; }

    /** TPM_Startup(ST_CLEAR or ST_STATE), as swtpm's tpmlib_create_startup_cmd builds it for a TPM 1.2. */
    @Override
    public byte[] startupCommand(boolean state) {
        return new ResponseWriter().u16(Ordinal.TAG_RQU_COMMAND).u32(12).u32(Ordinal.Startup)
                .u16(state ? AdminCommands.ST_STATE : AdminCommands.ST_CLEAR).toByteArray();
    }

    @Override
    public byte[] errorResponse(int rc) { return Tpm12Core.error(rc); }

    /** TPM_FAIL. */
    @Override
    public int fatalErrorCode() { return Tpm12Rc.FAIL; }
}
