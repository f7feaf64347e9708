package dev.jtpm.engine.command.startup;

import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * What Shutdown(STATE) saves for the next Startup: the PCR update counter, the locality of the
 * Startup that began this cycle, and PCRs 0..15 of every bank.
 */
final class OrderlyData {
    private OrderlyData() {}

    static Bytes save(TpmState s) {
        TpmWriter w = new TpmWriter(2048);
        w.u32(s.pcrs.updateCounter()).u8(s.startupLocality);
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                if (PcrAttributes.stateSave(pcr)) w.sized(s.pcrs.read(alg, pcr));
            }
        }
        return Bytes.wrap(w.toByteArray());
    }

    static int updateCounter(Bytes data) { return new TpmReader(data.unsafeArray()).u32(); }

    static int startupLocality(Bytes data) {
        TpmReader r = new TpmReader(data.unsafeArray());
        r.u32();
        return r.u8();
    }

    /** Puts the saved PCRs 0..15 back. */
    static void restorePcrs(TpmState s, Bytes data) {
        TpmReader r = new TpmReader(data.unsafeArray());
        r.u32();
        r.u8();
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                if (PcrAttributes.stateSave(pcr)) s.pcrs.set(alg, pcr, r.bytes(r.u16()).unsafeArray());
            }
        }
    }
}
