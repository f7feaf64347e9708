package dev.jtpm.engine.session;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;

/**
 * The Name of an entity (Part 1, 16): the handle itself for PCRs, permanent handles and sessions,
 * and for objects whose nameAlg is TPM_ALG_NULL, such as sequence objects.
 */
public final class Names {
    private Names() {}

    public static Bytes of(TpmState s, int handle) {
        return Bytes.wrap(new byte[] {(byte) (handle >>> 24), (byte) (handle >>> 16), (byte) (handle >>> 8), (byte) handle});
    }
}
