package dev.jtpm.engine.command.hash;

import static dev.jtpm.engine.command.hash.HashTestSupport.concat;
import static dev.jtpm.engine.command.hash.HashTestSupport.data;
import static dev.jtpm.engine.command.hash.HashTestSupport.extended;
import static dev.jtpm.engine.command.hash.HashTestSupport.hash;
import static dev.jtpm.engine.command.hash.HashTestSupport.pcr;
import static dev.jtpm.engine.command.hash.HashTestSupport.start;
import static dev.jtpm.engine.command.hash.HashTestSupport.state;
import static dev.jtpm.engine.command.hash.HashTestSupport.zerosEndingWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObjects;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.command.SequenceUpdate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** _TPM_Hash_Start / _TPM_Hash_Data / _TPM_Hash_End (Part 1, 34), driven as swtpm's CMD_HASH_* do. */
class DrtmTest {
    private static final int[] BANKS = {TpmAlg.SHA1, TpmAlg.SHA256};

    private static int restartCount(TestTpm t) {
        return t.run(new ReadClock()).orThrow().currentTime().clockInfo().restartCount();
    }

    @Test
    void drtm_afterStartup_setsPcr17ToTheHashOfZerosAndTheDigest() {
        TestTpm t = TestTpm.started();
        assertThat(pcr(t, TpmAlg.SHA256, 17).toHex()).isEqualTo("ff".repeat(32));
        int restarts = restartCount(t);
        byte[] a = data(5000, 1), b = data(3, 2);

        t.tpm.hashStart();
        t.tpm.hashData(a);
        t.tpm.hashData(b);
        assertThat(t.tpm.tpmEstablished()).as("libtpms sets the flag at _TPM_Hash_Start").isTrue();
        t.tpm.hashEnd();

        for (int alg : BANKS) {
            assertThat(pcr(t, alg, 17)).as("bank %d", alg).isEqualTo(extended(alg, zerosEndingWith(alg, 0), hash(alg, a, b)));
            for (int p = 18; p <= 22; p++) assertThat(pcr(t, alg, p)).isEqualTo(zerosEndingWith(alg, 0));
        }
        assertThat(pcr(t, TpmAlg.SHA256, 17).toHex()).isEqualTo(
                hash(TpmAlg.SHA256, new byte[32], hash(TpmAlg.SHA256, concat(a, b)).toArray()).toHex());
        assertThat(t.tpm.tpmEstablished()).isTrue();
        assertThat(restartCount(t)).isEqualTo(restarts + 1);
        assertThat(state(t).objects.count()).isZero();
        assertThat(state(t).drtmSequence).isNull();
    }

    @Test
    void drtm_withoutData_extendsTheEmptyDigest() {
        TestTpm t = TestTpm.started();
        t.tpm.hashStart();
        t.tpm.hashEnd();
        // SHA-256("") = e3b0c442...
        assertThat(pcr(t, TpmAlg.SHA256, 17)).isEqualTo(hash(TpmAlg.SHA256, new byte[32],
                Bytes.fromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").toArray()));
    }

    @Test
    void hcrtm_beforeStartup_setsPcr0ToTheHashOf4AndTheDigest() {
        TestTpm t = new TestTpm();
        byte[] crtm = data(2000, 3);
        t.tpm.hashStart();
        t.tpm.hashData(crtm);
        t.tpm.hashEnd();

        TpmState s = state(t);
        for (int alg : BANKS) {
            assertThat(s.pcrs.read(alg, 0)).isEqualTo(extended(alg, zerosEndingWith(alg, 4), hash(alg, crtm)));
            assertThat(s.pcrs.read(alg, 17)).isEqualTo(zerosEndingWith(alg, 0));
        }
        assertThat(s.pcrs.read(TpmAlg.SHA384, 0)).as("unallocated bank").isEqualTo(Bytes.zeros(48));
        assertThat(s.persistent.restartCount).isZero();
        assertThat(s.objects.count()).isZero();
        assertThat(t.tpm.tpmEstablished()).isTrue();
    }

    @Test
    void hashStart_allSlotsTaken_flushesTheLowestHandle() {
        TestTpm t = TestTpm.started();
        List<Integer> handles = new ArrayList<>();
        for (int i = 0; i < TransientObjects.MAX_LOADED; i++) handles.add(start(t, TpmAlg.SHA256));

        t.tpm.hashStart();
        TpmState s = state(t);
        assertThat(s.objects.count()).isEqualTo(TransientObjects.MAX_LOADED);
        // the D-RTM sequence takes the freed slot, and so its handle (ms-tpm's _TPM_Hash_Start)
        assertThat(s.objects.get(handles.get(0))).isSameAs(s.drtmSequence);
        assertThat(s.objects.get(handles.get(1))).isNotNull();
        assertThat(s.objects.get(handles.get(2))).isNotNull();

        t.tpm.hashData(data(10, 1));
        t.tpm.hashEnd();
        assertThat(s.objects.count()).isEqualTo(TransientObjects.MAX_LOADED - 1);
        assertThat(t.run(new SequenceUpdate(handles.get(0), Bytes.EMPTY)).rc()).isEqualTo(TpmRc.REFERENCE_H0);
        assertThat(t.run(new SequenceUpdate(handles.get(1), Bytes.EMPTY)).ok()).isTrue();
        assertThat(pcr(t, TpmAlg.SHA256, 17)).isEqualTo(extended(TpmAlg.SHA256, Bytes.zeros(32), hash(TpmAlg.SHA256, data(10, 1))));
    }

    @Test
    void hashEnd_withoutHashStart_changesNothing() {
        TestTpm t = TestTpm.started();
        int restarts = restartCount(t);
        t.tpm.hashData(data(10, 1));
        t.tpm.hashEnd();
        assertThat(pcr(t, TpmAlg.SHA256, 17).toHex()).isEqualTo("ff".repeat(32));
        assertThat(t.tpm.tpmEstablished()).isFalse();
        assertThat(restartCount(t)).isEqualTo(restarts);
    }

    @Test
    void secondHashStart_discardsTheFirstSequence() {
        TestTpm t = TestTpm.started();
        t.tpm.hashStart();
        t.tpm.hashData(data(100, 1));
        t.tpm.hashStart();
        t.tpm.hashData(data(100, 2));
        t.tpm.hashEnd();
        assertThat(state(t).objects.count()).isZero();
        assertThat(pcr(t, TpmAlg.SHA256, 17)).isEqualTo(extended(TpmAlg.SHA256, Bytes.zeros(32), hash(TpmAlg.SHA256, data(100, 2))));
        // a second _TPM_Hash_End has no sequence to complete
        Bytes after = pcr(t, TpmAlg.SHA256, 17);
        t.tpm.hashEnd();
        assertThat(pcr(t, TpmAlg.SHA256, 17)).isEqualTo(after);
    }

    @Test
    void abort_endsTheSequenceWithoutAMeasurement() {
        TestTpm t = TestTpm.started();
        t.tpm.hashStart();
        TpmState s = state(t);
        assertThat(s.objects.count()).isEqualTo(1);
        Drtm.abort(s);
        assertThat(s.objects.count()).isZero();
        t.tpm.hashData(data(1, 1));
        t.tpm.hashEnd();
        assertThat(pcr(t, TpmAlg.SHA256, 17).toHex()).isEqualTo("ff".repeat(32));
    }

    @Test
    void drtmSequenceObjectFlushedBehindItsBack_endDoesNothing() {
        TestTpm t = TestTpm.started();
        t.tpm.hashStart();
        TpmState s = state(t);
        s.objects.clear();
        t.tpm.hashEnd();
        assertThat(pcr(t, TpmAlg.SHA256, 17).toHex()).isEqualTo("ff".repeat(32));
        assertThat(s.drtmSequence).isNull();
    }

    @Test
    void drtm_pcr17ThenExtendedByEventSequenceAtLocality4() {
        TestTpm t = TestTpm.started();
        t.tpm.hashStart();
        t.tpm.hashEnd();
        Bytes afterDrtm = pcr(t, TpmAlg.SHA256, 17);
        t.locality = 4;
        int h = start(t, TpmAlg.NULL);
        t.run(new EventSequenceComplete(17, h, Bytes.of("mle".getBytes()))).orThrow();
        assertThat(pcr(t, TpmAlg.SHA256, 17)).isEqualTo(extended(TpmAlg.SHA256, afterDrtm, hash(TpmAlg.SHA256, "mle".getBytes())));
    }
}
