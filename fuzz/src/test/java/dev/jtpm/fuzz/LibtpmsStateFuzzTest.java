package dev.jtpm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.libtpms.LibtpmsState;
import dev.jtpm.libtpms.StateImport;
import dev.jtpm.libtpms.UnsupportedStateException;
import dev.jtpm.types.TpmFailure;

/**
 * The libtpms import ({@code jtpm import-state}): libtpms' NVMarshal PERSISTENT_ALL payload (what swtpm's
 * {@code tpm2-00.permall} container holds) through {@link LibtpmsState#parse} and the mapping
 * {@link StateImport#toJtpm}. A payload jtpm cannot take must be refused with {@link UnsupportedStateException} (a
 * one-line reason), never another exception; what maps must serialize and parse again as jtpm state. Seeded with
 * the payload of a state swtpm_setup 0.7.1 made.
 */
class LibtpmsStateFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void permall(byte[] payload) {
        LibtpmsState state;
        PersistentState mapped;
        try {
            state = LibtpmsState.parse(payload);
            mapped = StateImport.toJtpm(state);
        } catch (UnsupportedStateException refused) {
            if (String.valueOf(refused.getMessage()).contains("\n")) throw new AssertionError("a refusal of more than one line");
            return;
        }
        byte[] blob = mapped.serialize();
        try {
            PersistentState.deserialize(blob);
        } catch (TpmFailure e) {
            throw new AssertionError("an imported state that jtpm cannot read back", e);
        }
    }
}
