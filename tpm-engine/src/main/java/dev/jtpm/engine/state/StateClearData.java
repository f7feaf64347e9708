package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Wire.U16;

/**
 * The state that TPM2_Startup(CLEAR) resets and Shutdown(STATE)/Startup(STATE) keep (Part 1,
 * 36.6 "state clear data"): the storage, endorsement and platform-NV enables, and platformAuth and
 * platformPolicy. Immutable; the TPM replaces it as a whole.
 *
 * @param shEnable the storage hierarchy is enabled
 * @param ehEnable the endorsement hierarchy is enabled
 * @param phEnableNV platform NV indices are enabled
 * @param platformAuth platformAuth
 * @param platformAlg the hash of platformPolicy, or TPM_ALG_NULL
 * @param platformPolicy platformPolicy, or empty
 */
public record StateClearData(boolean shEnable, boolean ehEnable, boolean phEnableNV, Secret platformAuth,
                             @U16 int platformAlg, Bytes platformPolicy) {
    /** The values after Startup(CLEAR). */
    public static final StateClearData INITIAL = new StateClearData(true, true, true, Secret.EMPTY, TpmAlg.NULL, Bytes.EMPTY);

    public StateClearData withShEnable(boolean v) { return new StateClearData(v, ehEnable, phEnableNV, platformAuth, platformAlg, platformPolicy); }

    public StateClearData withEhEnable(boolean v) { return new StateClearData(shEnable, v, phEnableNV, platformAuth, platformAlg, platformPolicy); }

    public StateClearData withPhEnableNV(boolean v) { return new StateClearData(shEnable, ehEnable, v, platformAuth, platformAlg, platformPolicy); }

    public StateClearData withPlatformAuth(Secret v) { return new StateClearData(shEnable, ehEnable, phEnableNV, v, platformAlg, platformPolicy); }

    public StateClearData withPlatformPolicy(int alg, Bytes policy) {
        return new StateClearData(shEnable, ehEnable, phEnableNV, platformAuth, alg, policy);
    }
}
