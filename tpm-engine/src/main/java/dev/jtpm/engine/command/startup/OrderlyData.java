package dev.jtpm.engine.command.startup;

import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.StateClearData;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * What Shutdown(STATE) saves for the next Startup: the PCR update counter, the locality of the
 * Startup that began this cycle, PCRs 0..15 of every bank, and the state-clear data (hierarchy
 * enables, platformAuth, platformPolicy) a Resume restores, and the commit state (nonce, counter, array of
 * TPM2_Commit/TPM2_EC_Ephemeral), which a Restart and a Resume keep (ms-tpm saves gr at Shutdown(STATE)),
 * then the PCR group's authValue (state-clear data, for a Resume) and the command audit digest (kept by
 * Restart and Resume). Fields are only ever appended; a reader takes the defaults for what older data lacks.
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
        TpmCodec.of(StateClearData.class).write(w, s.stateClear);
        w.sized(s.commit.toBytes());
        w.sized(s.pcrAuthValue.toBytes());
        w.sized(s.commandAuditDigest);
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
        readPcrs(new TpmReader(data.unsafeArray()), s);
    }

    /** The saved state-clear data. */
    static StateClearData stateClear(Bytes data) {
        TpmReader r = new TpmReader(data.unsafeArray());
        readPcrs(r, null);
        return TpmCodec.of(StateClearData.class).read(r);
    }

    /** The saved commit state, or null (data saved before it was kept here, or malformed). */
    static dev.jtpm.engine.state.CommitState commit(Bytes data) {
        TpmReader r = new TpmReader(data.unsafeArray());
        readPcrs(r, null);
        TpmCodec.of(StateClearData.class).read(r);
        if (r.remaining() < 2) return null;
        return dev.jtpm.engine.state.CommitState.fromBytes(r.bytes(r.u16()));
    }

    /** The saved authValue of the PCR group, or empty. */
    static dev.jtpm.types.Secret pcrAuthValue(Bytes data) {
        TpmReader r = afterCommit(data);
        return r == null || r.remaining() < 2 ? dev.jtpm.types.Secret.EMPTY : dev.jtpm.types.Secret.of(r.bytes(r.u16()));
    }

    /** The saved command audit digest, or empty. */
    static Bytes commandAuditDigest(Bytes data) {
        TpmReader r = afterCommit(data);
        if (r == null || r.remaining() < 2) return Bytes.EMPTY;
        r.bytes(r.u16());
        return r.remaining() < 2 ? Bytes.EMPTY : r.bytes(r.u16());
    }

    private static TpmReader afterCommit(Bytes data) {
        TpmReader r = new TpmReader(data.unsafeArray());
        readPcrs(r, null);
        TpmCodec.of(StateClearData.class).read(r);
        if (r.remaining() < 2) return null;
        r.bytes(r.u16());
        return r;
    }

    private static void readPcrs(TpmReader r, TpmState into) {
        r.u32();
        r.u8();
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                if (!PcrAttributes.stateSave(pcr)) continue;
                Bytes v = r.bytes(r.u16());
                if (into != null) into.pcrs.set(alg, pcr, v.unsafeArray());
            }
        }
    }
}
