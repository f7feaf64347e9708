package dev.jtpm.libtpms;

import dev.jtpm.engine.state.CommitState;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.StateClearData;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.VolatileState;
import dev.jtpm.engine.state.VolatileState.Blob;
import dev.jtpm.engine.state.VolatileState.StoredObject;
import dev.jtpm.engine.state.VolatileState.V5;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmiAlgHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Maps libtpms' volatile state ({@link LibtpmsVolatileState}) to jtpm's volatile blob (tpm-engine's
 * {@code VolatileState}, version 5) for the permanent state of the same TPM, so that jtpm resumes where swtpm
 * stopped: started or not, Time and Clock, the PCRs of every bank and their update counter, the null proof, the
 * state-clear data, phEnable, the start-up facts (orderly, locality 3, H-CRTM), the commit nonce and counter, the
 * PCR authValue, the command audit digest, the orderly NV RAM and the loaded objects at their handles. Refused with
 * one line: hash sequences (OpenSSL's internal layout), loaded sessions, failure mode, a volatile state of another
 * TPM (its seeds differ from the permanent state's).
 */
public final class VolatileImport {
    private VolatileImport() {}

    /**
     * jtpm's volatile blob for libtpms' volatile state {@code v} of the TPM whose jtpm permanent state is {@code p}.
     *
     * @throws UnsupportedStateException (one line) for what cannot be taken over
     */
    public static byte[] toJtpm(LibtpmsVolatileState v, PersistentState p) throws UnsupportedStateException {
        if (v.sequences() > 0) {
            throw new UnsupportedStateException("the volatile state holds a hash sequence (OpenSSL's internal hash state),"
                    + " which jtpm cannot take over: finish or flush it on swtpm first, or move the volatile state file away"
                    + " to start from the permanent state (as after a power loss)");
        }
        if (v.loadedSessions() > 0) {
            throw new UnsupportedStateException("the volatile state holds loaded authorization sessions, which jtpm cannot"
                    + " take over: flush them on swtpm first, or move the volatile state file away to start from the"
                    + " permanent state (as after a power loss)");
        }
        if (v.inFailureMode()) throw new UnsupportedStateException("the volatile state is of a TPM in failure mode");
        if (v.seeds().size() == 3 && !(v.seeds().get(0).equals(p.eps.toBytes()) && v.seeds().get(1).equals(p.sps.toBytes())
                && v.seeds().get(2).equals(p.pps.toBytes()))) {
            throw new UnsupportedStateException("the volatile state belongs to another TPM (its primary seeds differ from"
                    + " the permanent state's)");
        }
        List<Bytes> values = new ArrayList<>();
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            int size = TpmAlg.digestSize(alg);
            for (int pcr = 0; pcr < 24; pcr++) {
                Bytes value = pcr < v.pcrs().size() ? v.pcrs().get(pcr).get(alg) : null;
                if (value != null && value.size() != size) {
                    throw new UnsupportedStateException("PCR " + pcr + " of bank 0x" + Integer.toHexString(alg) + " has "
                            + value.size() + " octets");
                }
                values.add(value != null ? value : Bytes.wrap(new byte[size]));
            }
        }
        for (Map<Integer, Bytes> banks : v.pcrs()) {
            for (int alg : banks.keySet()) {
                if (!TpmiAlgHash.isImplemented(alg)) throw new UnsupportedStateException("a PCR bank of hash 0x"
                        + Integer.toHexString(alg) + ", which jtpm does not have");
            }
        }
        LibtpmsState.StateClear c = v.clear();
        LibtpmsState.StateReset r = v.reset();
        int platformAlg = c.platformAlg() == 0 ? TpmAlg.NULL : c.platformAlg();
        StateClearData stateClear = new StateClearData(c.shEnable(), c.ehEnable(), c.phEnableNV(), Secret.of(c.platformAuth()),
                platformAlg, c.platformPolicy());
        Bytes commit = Bytes.wrap(TpmCodec.encode(new CommitState.Blob(Secret.of(r.commitNonce()), r.commitCounter(), 0, 0)));
        Bytes pcrAuth = c.pcrAuthValues().isEmpty() ? Bytes.EMPTY : c.pcrAuthValues().getFirst();

        List<NvIndex> ram = new ArrayList<>();
        for (LibtpmsState.OrderlyRam e : v.orderlyRam()) {
            NvIndex nv = p.nvIndices.get(e.handle());
            if (nv == null) {
                throw new UnsupportedStateException("the orderly NV RAM holds index 0x" + Integer.toHexString(e.handle())
                        + ", which the permanent state does not define");
            }
            int size = nv.publicArea().dataSize();
            Bytes data = e.data().size() == size ? e.data() : Bytes.wrap(Arrays.copyOf(e.data().toArray(), size));
            NvIndex now = new NvIndex(nv.publicArea().withAttributes(e.attributes()), nv.authValue(), data);
            if (!now.consistent()) {
                throw new UnsupportedStateException("orderly NV index 0x" + Integer.toHexString(e.handle()) + " is not one jtpm can hold");
            }
            ram.add(now);
        }

        List<StoredObject> objects = new ArrayList<>();
        for (LibtpmsVolatileState.TransientObject o : v.objects()) {
            int hierarchy = o.eps() ? TpmRh.ENDORSEMENT : o.pps() ? TpmRh.PLATFORM : o.sps() ? TpmRh.OWNER : TpmRh.NULL;
            LibtpmsState.ObjectBody b = o.body();
            TpmObject object = new TpmObject(b.publicArea(), b.sensitive(), b.qualifiedName(), hierarchy, o.primary());
            int handle = TpmRh.TRANSIENT_FIRST + o.slot();
            if (!object.name().equals(b.name())) {
                throw new UnsupportedStateException("loaded object 0x" + Integer.toHexString(handle)
                        + ": its Name does not match its public area");
            }
            objects.add(new StoredObject(handle, false, Bytes.wrap(object.marshal())));
        }
        int prev = v.prevOrderlyState() & 0xFFFF;
        boolean orderly = prev != 0xFFFF && prev != 0xFFFE;
        V5 v5 = new V5(objects, 0, Bytes.EMPTY, Math.max(1, r.contextCounter()), TpmRh.UNASSIGNED, -1, -1);
        Blob blob = new Blob(VolatileState.MAGIC, VolatileState.VERSION, v.initialized(), v.time(), v.orderly().clock(),
                Arrays.stream(p.pcrAllocation).boxed().toList(), r.pcrCounter(), values, r.nullProof(), stateClear,
                v.phEnable(), true, List.of(), orderly, v.startupLocality3() ? 3 : 0, v.drtmPreStartup(), commit, pcrAuth,
                r.commandAuditDigest(), ram, v5);
        return TpmCodec.encode(blob);
    }
}
