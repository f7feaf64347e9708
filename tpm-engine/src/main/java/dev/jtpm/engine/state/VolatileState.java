package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.codec.Wire.U8;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The volatile state of a running TPM as a blob (swtpm's "volatilestate"), so that a TPM can be
 * stopped and resumed (or migrated) without a new TPM2_Startup: PCRs and their update counter,
 * Time and Clock, the null proof, the state-clear data (enables, platformAuth/Policy), the start-up facts later commands depend on
 * (TPMA_STARTUP_CLEAR.orderly, the Startup locality that Shutdown(STATE) records, whether an
 * H-CRTM event preceded Startup), the self-test progress, the commit state (nonce, counter, array), the PCR group's
 * authValue, the command audit digest and the RAM of orderly NV indices. Transient objects in flight (hash
 * sequences) are not carried: a resumed TPM starts with empty object slots.
 */
public final class VolatileState {
    private VolatileState() {}

    /** "JTPv" */
    static final int MAGIC = 0x4A545076;
    static final int VERSION = 4;

    record Blob(int magic, int version, boolean started, long time, long clock, List<Integer> allocation,
                int pcrUpdateCounter, List<Bytes> pcrValues, Bytes nullProof, StateClearData stateClear, boolean phEnable,
                boolean selfTestDone, @U16 List<Integer> testedAlgorithms, boolean orderlyStartup,
                @U8 int startupLocality, boolean drtmPreStartup, Bytes commit, Bytes pcrAuthValue,
                Bytes commandAuditDigest, List<NvIndex> nvRam) {}

    /** The volatile part of {@code s} as a blob. */
    public static byte[] serialize(TpmState s) {
        List<Bytes> values = new ArrayList<>();
        for (byte[][] bank : s.pcrs.snapshot()) for (byte[] v : bank) values.add(Bytes.wrap(v));
        return TpmCodec.encode(new Blob(MAGIC, VERSION, s.started, s.time(), s.clock(),
                Arrays.stream(s.pcrs.allocation()).boxed().toList(), s.pcrs.updateCounter(), values,
                s.nullProof.toBytes(), s.stateClear, s.phEnable, s.selfTestDone, List.copyOf(s.testedAlgorithms),
                s.orderlyStartup, s.startupLocality, s.drtmPreStartup, s.commit.toBytes(), s.pcrAuthValue.toBytes(),
                s.commandAuditDigest, List.copyOf(s.nvRam.values())));
    }

    /**
     * Restores the volatile part of {@code s} from a blob; a corrupt blob gives TPM_RC_FAILURE. A version-1
     * blob (before the commit state was kept) restores with a fresh commit state, as after a TPM Reset; a
     * version-1 or -2 blob (before the PCR authValue and the command audit digest) with both empty.
     */
    public static void restore(TpmState s, byte[] blob) {
        Blob b;
        int version = blob.length >= 8 ? java.nio.ByteBuffer.wrap(blob, 4, 4).getInt() : -1;
        boolean v1 = version == 1;
        // empty TPM2Bs for the fields a version lacks: v1 the commit, v1 and v2 pcrAuthValue and commandAuditDigest
        // and an empty list (four zero octets) for the orderly NV RAM, which version 4 added
        int missing = (version == 1 ? 6 : version == 2 ? 4 : 0) + (version < 4 ? 4 : 0);
        try {
            b = TpmCodec.decode(Blob.class, Arrays.copyOf(blob, blob.length + missing));
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.FAILURE);
        }
        int banks = b.allocation().size();
        if (b.magic() != MAGIC || version < 1 || version > VERSION || banks != 4 || b.pcrValues().size() != banks * PcrAttributes.COUNT)
            throw new TpmFailure(TpmRc.FAILURE);
        PcrBanks pcrs = new PcrBanks(b.allocation().stream().mapToInt(Integer::intValue).toArray());
        int i = 0;
        for (int alg : dev.jtpm.types.structure.TpmiAlgHash.IMPLEMENTED) {
            for (int p = 0; p < PcrAttributes.COUNT; p++) {
                Bytes v = b.pcrValues().get(i++);
                if (v.size() != dev.jtpm.types.TpmAlg.digestSize(alg)) throw new TpmFailure(TpmRc.FAILURE);
                pcrs.set(alg, p, v.unsafeArray());
            }
        }
        pcrs.setUpdateCounter(b.pcrUpdateCounter());
        s.pcrs = pcrs;
        s.started = b.started();
        s.initMillis = s.platform.millis().getAsLong() - b.time();
        s.setClock(b.clock());
        s.nullProof = Secret.of(b.nullProof());
        s.stateClear = b.stateClear();
        s.phEnable = b.phEnable();
        s.selfTestDone = b.selfTestDone();
        s.testedAlgorithms.clear();
        s.testedAlgorithms.addAll(b.testedAlgorithms());
        s.orderlyStartup = b.orderlyStartup();
        s.startupLocality = b.startupLocality();
        s.drtmPreStartup = b.drtmPreStartup();
        CommitState commit = v1 ? CommitState.reset(s.platform.entropy()) : CommitState.fromBytes(b.commit());
        if (commit == null) throw new TpmFailure(TpmRc.FAILURE);
        s.commit = commit;
        s.pcrAuthValue = Secret.of(b.pcrAuthValue());
        s.commandAuditDigest = b.commandAuditDigest();
        s.nvRam.clear();
        for (NvIndex nv : b.nvRam()) s.nvRam.put(nv.handle(), nv);
        s.objects.clear();
    }
}
