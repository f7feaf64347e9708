package dev.jtpm.engine.session;

import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmHt;

/**
 * The Name of an entity (Part 1, 16): the handle itself for PCRs, permanent handles and sessions;
 * the Empty Buffer for sequence objects (they have no public area, and tpm2-tss hashes nothing
 * for them in cpHash); for loaded objects their Name, nameAlg || H(TPMT_PUBLIC); for NV indices
 * nameAlg || H(TPMS_NV_PUBLIC).
 */
public final class Names {
    private Names() {}

    public static Bytes of(TpmState s, int handle) {
        if (TpmHt.of(handle) == TpmHt.TRANSIENT || TpmHt.of(handle) == TpmHt.PERSISTENT) {
            if (s.objects.get(handle) instanceof HashSequence) return Bytes.EMPTY;
            if (s.objects.get(handle) instanceof dev.jtpm.engine.state.TpmObject o) return o.name();
        }
        if (TpmHt.of(handle) == TpmHt.NV_INDEX) {
            dev.jtpm.engine.state.NvIndex nv = dev.jtpm.engine.state.NvIndices.get(s, handle);
            if (nv != null) return nv.name();
        }
        return Bytes.wrap(new byte[] {(byte) (handle >>> 24), (byte) (handle >>> 16), (byte) (handle >>> 8), (byte) handle});
    }
}
