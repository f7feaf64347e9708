package dev.jtpm.engine.command.nv;

import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.NvIndices;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmaNv;

/**
 * What the NV commands share (ms-tpm NV_spt.c): the read and write access checks that follow authorization.
 * The pipeline has already checked that the index exists and the authorization itself.
 */
public final class NvSupport {
    private NvSupport() {}

    /** The index at {@code handle}, which the handle stage found. */
    public static NvIndex index(TpmState s, int handle) {
        NvIndex nv = NvIndices.get(s, handle);
        if (nv == null) throw new IllegalStateException("NV index " + Integer.toHexString(handle) + " vanished");
        return nv;
    }

    /**
     * ms-tpm NvReadAccessChecks: TPM_RC_NV_LOCKED when read-locked; TPM_RC_NV_AUTHORIZATION when the owner
     * authorized without OWNERREAD, the platform without PPREAD, or another index authorized; then
     * TPM_RC_NV_UNINITIALIZED when not written. Null when the read may proceed.
     */
    public static TpmRc readAccess(int authHandle, NvIndex nv) {
        if (nv.has(TpmaNv.READLOCKED)) return TpmRc.NV_LOCKED;
        if (authHandle == TpmRh.OWNER) {
            if (!nv.has(TpmaNv.OWNERREAD)) return TpmRc.NV_AUTHORIZATION;
        } else if (authHandle == TpmRh.PLATFORM) {
            if (!nv.has(TpmaNv.PPREAD)) return TpmRc.NV_AUTHORIZATION;
        } else if (authHandle != nv.handle()) {
            return TpmRc.NV_AUTHORIZATION;
        }
        if (!nv.has(TpmaNv.WRITTEN)) return TpmRc.NV_UNINITIALIZED;
        return null;
    }

    /**
     * ms-tpm NvWriteAccessChecks: TPM_RC_NV_LOCKED when write-locked; TPM_RC_NV_AUTHORIZATION when the owner
     * authorized without OWNERWRITE, the platform without PPWRITE, or another index authorized. Null when the write
     * may proceed.
     */
    public static TpmRc writeAccess(int authHandle, NvIndex nv) {
        if (nv.has(TpmaNv.WRITELOCKED)) return TpmRc.NV_LOCKED;
        if (authHandle == TpmRh.OWNER) {
            if (!nv.has(TpmaNv.OWNERWRITE)) return TpmRc.NV_AUTHORIZATION;
        } else if (authHandle == TpmRh.PLATFORM) {
            if (!nv.has(TpmaNv.PPWRITE)) return TpmRc.NV_AUTHORIZATION;
        } else if (authHandle != nv.handle()) {
            return TpmRc.NV_AUTHORIZATION;
        }
        return null;
    }

    /** Throws the code of {@link #readAccess}, if any. */
    public static void checkRead(int authHandle, NvIndex nv) {
        TpmRc rc = readAccess(authHandle, nv);
        if (rc != null) throw new TpmFailure(rc);
    }

    /** Throws the code of {@link #writeAccess}, if any. */
    static void checkWrite(int authHandle, NvIndex nv) {
        TpmRc rc = writeAccess(authHandle, nv);
        if (rc != null) throw new TpmFailure(rc);
    }

    /** The digest size of a hash algorithm. */
    static int digestSize(int alg) { return dev.jtpm.types.TpmAlg.digestSize(alg); }
}
