package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import dev.jtpm.engine.state.TransientObjects;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import java.util.List;
import java.util.Map;

/**
 * _TPM_Hash_Start, _TPM_Hash_Data and _TPM_Hash_End (Part 1, 34 "Dynamic Root of Trust
 * Measurement"; Part 3, 6.3–6.5): the locality-4 event sequence of a D-RTM, or, before
 * TPM2_Startup, of an H-CRTM. These are platform indications, not commands: they have no response
 * code and never fail.
 *
 * <ul>
 *   <li>{@link #start}: abandons a sequence still in progress and loads a new event sequence
 *       object (empty authValue). When every object slot is taken, the object with the lowest
 *       handle is flushed to make room, as the reference implementation does.</li>
 *   <li>{@link #data}: adds data to every digest of the sequence; ignored without a sequence.</li>
 *   <li>{@link #end}: completes the digests and flushes the object. After TPM2_Startup (D-RTM),
 *       PCRs resettable from locality 4 (17..22) are set to zero, each allocated bank of PCR 17 is
 *       extended with that bank's digest, so PCR 17 = H(0…0 || H(data)), and restartCount is
 *       incremented. Before TPM2_Startup (H-CRTM), each allocated bank of PCR 0 is set to 0…04 and
 *       extended with the digest: PCR 0 = H(0…04 || H(data)).</li>
 *   <li>{@link #abort}: a command received while a sequence is in progress ends it without a
 *       measurement (ms-tpm's ObjectTerminateEvent, called at the start of ExecuteCommand).</li>
 * </ul>
 */
public final class Drtm {
    private Drtm() {}

    /** The PCR a D-RTM sequence extends (DRTM_PCR). */
    public static final int DRTM_PCR = 17;
    /** The PCR an H-CRTM sequence (before TPM2_Startup) sets (HCRTM_PCR). */
    public static final int HCRTM_PCR = 0;
    /** The locality whose PCRs a D-RTM resets (bit 4 of the reset attribute). */
    private static final int LOCALITY_4 = 1 << 4;

    /** _TPM_Hash_Start: begins a new D-RTM event sequence. */
    public static void start(TpmState s) {
        abort(s);
        if (s.objects.count() >= TransientObjects.MAX_LOADED) {
            s.objects.remove(s.objects.all().firstKey());
        }
        HashSequence seq = HashSequence.event(Secret.EMPTY);
        s.objects.add(seq);
        s.drtmSequence = seq;
    }

    /** _TPM_Hash_Data: more data for the sequence; ignored when no sequence is in progress. */
    public static void data(TpmState s, byte[] data) {
        HashSequence seq = active(s);
        if (seq != null) seq.update(data);
    }

    /**
     * _TPM_Hash_End: completes the sequence and records it in PCR 17 (or PCR 0 before
     * TPM2_Startup). Does nothing without a sequence in progress.
     *
     * @return true when a sequence was completed (the TPM-established flag is then set)
     */
    public static boolean end(TpmState s) {
        HashSequence seq = active(s);
        if (seq == null) return false;
        release(s);
        int pcr;
        if (s.started) {
            for (int p = 0; p < PcrAttributes.COUNT; p++) {
                if ((PcrAttributes.resetLocalities(p) & LOCALITY_4) != 0) s.pcrs.fill(p, 0);
            }
            pcr = DRTM_PCR;
            s.persistent.restartCount++;
        } else {
            pcr = HCRTM_PCR;
            s.drtmPreStartup = true;
        }
        int[] algs = seq.algs();
        List<Bytes> digests = seq.finishAll(Bytes.EMPTY);
        for (int i = 0; i < algs.length; i++) {
            if (!s.pcrs.isAllocated(algs[i], pcr)) continue;
            byte[] initial = new byte[TpmAlg.digestSize(algs[i])];
            if (!s.started) initial[initial.length - 1] = 4;
            s.pcrs.set(algs[i], pcr, initial);
            HashSupport.extend(s, pcr, algs[i], digests.get(i));
        }
        return true;
    }

    /**
     * Ends a sequence in progress without a measurement, flushing its object. The command pipeline
     * calls this before every command, as the reference implementation does.
     */
    public static void abort(TpmState s) {
        if (s.drtmSequence != null) release(s);
    }

    /** The sequence in progress, or null (also when its object was flushed or the slots cleared). */
    private static HashSequence active(TpmState s) {
        HashSequence seq = s.drtmSequence;
        if (seq == null) return null;
        if (handleOf(s, seq) == null) {
            s.drtmSequence = null;
            return null;
        }
        return seq;
    }

    private static void release(TpmState s) {
        Integer h = handleOf(s, s.drtmSequence);
        if (h != null) s.objects.remove(h);
        s.drtmSequence = null;
    }

    private static Integer handleOf(TpmState s, HashSequence seq) {
        for (Map.Entry<Integer, TransientObject> e : s.objects.all().entrySet()) {
            if (e.getValue() == seq) return e.getKey();
        }
        return null;
    }
}
