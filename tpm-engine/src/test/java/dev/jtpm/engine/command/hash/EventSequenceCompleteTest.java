package dev.jtpm.engine.command.hash;

import static dev.jtpm.engine.command.hash.HashTestSupport.data;
import static dev.jtpm.engine.command.hash.HashTestSupport.extended;
import static dev.jtpm.engine.command.hash.HashTestSupport.hash;
import static dev.jtpm.engine.command.hash.HashTestSupport.pcr;
import static dev.jtpm.engine.command.hash.HashTestSupport.pcrUpdateCounter;
import static dev.jtpm.engine.command.hash.HashTestSupport.start;
import static dev.jtpm.engine.command.hash.HashTestSupport.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.EventSequenceCompleteResponse;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.structure.TpmtHa;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TPM2_EventSequenceComplete (Part 3, 17.6). */
class EventSequenceCompleteTest {
    private static final int[] ALL = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512};

    @Test
    void eventSequence_extendsThePcrInEveryAllocatedBank_countsEachBank_andReturnsEveryDigest() {
        TestTpm t = TestTpm.started();
        Bytes sha1Before = pcr(t, TpmAlg.SHA1, 8), sha256Before = pcr(t, TpmAlg.SHA256, 8);
        int counter = pcrUpdateCounter(t);
        byte[] a = data(700, 1), b = data(1024, 2), c = data(3, 3);
        int h = start(t, TpmAlg.NULL);
        t.run(new SequenceUpdate(h, Bytes.of(a))).orThrow();
        t.run(new SequenceUpdate(h, Bytes.of(b))).orThrow();
        EventSequenceCompleteResponse r = t.run(new EventSequenceComplete(8, h, Bytes.of(c))).orThrow();

        List<TpmtHa> digests = r.results().digests();
        assertThat(digests).extracting(TpmtHa::hashAlg).containsExactly(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512);
        for (TpmtHa ha : digests) assertThat(ha.digest()).isEqualTo(hash(ha.hashAlg(), a, b, c));
        assertThat(pcr(t, TpmAlg.SHA1, 8)).isEqualTo(extended(TpmAlg.SHA1, sha1Before, hash(TpmAlg.SHA1, a, b, c)));
        assertThat(pcr(t, TpmAlg.SHA256, 8)).isEqualTo(extended(TpmAlg.SHA256, sha256Before, hash(TpmAlg.SHA256, a, b, c)));
        // SHA-384 and SHA-512 banks are not allocated by default: nothing to read or extend there
        assertThat(pcr(t, TpmAlg.SHA384, 8)).isNull();
        assertThat(state(t).pcrs.read(TpmAlg.SHA384, 8)).isEqualTo(Bytes.zeros(48));
        // one change per extended bank, as ms-tpm's PCRExtend counts
        assertThat(pcrUpdateCounter(t)).isEqualTo(counter + 2);
        // the sequence is flushed
        assertThat(state(t).objects.count()).isZero();
        // an empty object slot: TPM_RC_REFERENCE_H1, as libtpms
        assertThat(t.run(new EventSequenceComplete(8, h, Bytes.EMPTY)).rc()).isEqualTo(new TpmRc(TpmRc.REFERENCE_H0.value() + 1));
    }

    @Test
    void eventSequence_knownAnswer_abc() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.NULL);
        var r = t.run(new EventSequenceComplete(TpmRh.NULL, h, Bytes.of("abc".getBytes()))).orThrow();
        assertThat(r.results().digests().get(0).digest().toHex()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(r.results().digests().get(1).digest().toHex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void eventSequence_nullPcr_extendsNothing() {
        TestTpm t = TestTpm.started();
        Bytes before = pcr(t, TpmAlg.SHA256, 16);
        int counter = pcrUpdateCounter(t);
        int h = start(t, TpmAlg.NULL);
        var r = t.run(new EventSequenceComplete(TpmRh.NULL, h, Bytes.of(data(10, 1)))).orThrow();
        assertThat(r.results().digests()).hasSize(ALL.length);
        assertThat(pcr(t, TpmAlg.SHA256, 16)).isEqualTo(before);
        assertThat(pcrUpdateCounter(t)).isEqualTo(counter);
        assertThat(state(t).objects.count()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 21, 22, 23})
    void eventSequence_noIncrementPcr_doesNotCountTheChange(int pcrNumber) {
        TestTpm t = TestTpm.started();
        t.locality = 2;
        Bytes before = pcr(t, TpmAlg.SHA256, pcrNumber);
        int counter = pcrUpdateCounter(t);
        int h = start(t, TpmAlg.NULL);
        t.run(new EventSequenceComplete(pcrNumber, h, Bytes.EMPTY)).orThrow();
        assertThat(pcrUpdateCounter(t)).isEqualTo(counter);
        assertThat(pcr(t, TpmAlg.SHA256, pcrNumber)).isEqualTo(extended(TpmAlg.SHA256, before, hash(TpmAlg.SHA256)));
    }

    @Test
    void eventSequenceComplete_onHashSequence_returnsModeOnHandle2AndKeepsTheObject() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        assertThat(t.run(new EventSequenceComplete(16, h, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.MODE.atHandle(2));
        assertThat(t.run(new SequenceComplete(h, Bytes.EMPTY, TpmRh.NULL)).ok()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"17, 0", "17, 1", "19, 1", "20, 0", "21, 0", "21, 3", "22, 4"})
    void eventSequenceComplete_pcrNotExtendableFromLocality_returnsLocality(int pcr, int locality) {
        TestTpm t = TestTpm.started();
        t.locality = locality;
        Bytes before = pcr(t, TpmAlg.SHA256, pcr);
        int h = start(t, TpmAlg.NULL);
        assertThat(t.run(new EventSequenceComplete(pcr, h, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.LOCALITY);
        assertThat(pcr(t, TpmAlg.SHA256, pcr)).isEqualTo(before);
        assertThat(state(t).objects.get(h)).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({"17, 4", "18, 2", "19, 3", "20, 1", "21, 2", "0, 0", "23, 4"})
    void eventSequenceComplete_pcrExtendableFromLocality_extends(int pcr, int locality) {
        TestTpm t = TestTpm.started();
        t.locality = locality;
        Bytes before = pcr(t, TpmAlg.SHA256, pcr);
        int h = start(t, TpmAlg.NULL);
        t.run(new EventSequenceComplete(pcr, h, Bytes.of("x".getBytes()))).orThrow();
        assertThat(pcr(t, TpmAlg.SHA256, pcr)).isEqualTo(extended(TpmAlg.SHA256, before, hash(TpmAlg.SHA256, "x".getBytes())));
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmRh.OWNER, TpmRh.PLATFORM, 24, 0x0000FFFF})
    void eventSequenceComplete_pcrHandleNotAPcr_returnsValueOnHandle1(int pcrHandle) {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.NULL);
        assertThat(t.run(new EventSequenceComplete(pcrHandle, h, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(state(t).objects.get(h)).isNotNull();
    }

    @Test
    void eventSequenceComplete_wrongSequencePassword_returnsBadAuthOnSession2() {
        TestTpm t = TestTpm.started();
        Bytes pw = Bytes.of("ev".getBytes());
        int h = t.run(new HashSequenceStart(pw, TpmAlg.NULL)).orThrow().sequenceHandle();
        assertThat(t.run(new EventSequenceComplete(16, h, Bytes.EMPTY), List.of(Bytes.EMPTY, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.BAD_AUTH.atSession(2));
        assertThat(t.run(new SequenceUpdate(h, Bytes.EMPTY), List.of(Bytes.of("ew".getBytes()))).rc())
                .isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        t.run(new EventSequenceComplete(16, h, Bytes.EMPTY), List.of(Bytes.EMPTY, pw)).orThrow();
    }

    @Test
    void eventSequenceComplete_handleBeyondTheObjectSlots_returnsValueOnHandle2() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new EventSequenceComplete(16, 0x80000042, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.VALUE.atHandle(2));
    }
}
