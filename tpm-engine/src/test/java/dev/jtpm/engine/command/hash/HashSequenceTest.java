package dev.jtpm.engine.command.hash;

import static dev.jtpm.engine.command.hash.HashTestSupport.concat;
import static dev.jtpm.engine.command.hash.HashTestSupport.data;
import static dev.jtpm.engine.command.hash.HashTestSupport.hash;
import static dev.jtpm.engine.command.hash.HashTestSupport.hashCheckHmac;
import static dev.jtpm.engine.command.hash.HashTestSupport.start;
import static dev.jtpm.engine.command.hash.HashTestSupport.state;
import static dev.jtpm.engine.command.hash.HashTestSupport.tpmGenerated;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.TransientObjects;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.HashResponse;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceCompleteResponse;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TPM2_HashSequenceStart, TPM2_SequenceUpdate and TPM2_SequenceComplete on hash sequences. */
class HashSequenceTest {

    private static SequenceCompleteResponse complete(TestTpm t, int handle, byte[] last, int hierarchy) {
        return t.run(new SequenceComplete(handle, Bytes.of(last), hierarchy)).orThrow();
    }

    private static void update(TestTpm t, int handle, byte[] block) {
        t.run(new SequenceUpdate(handle, Bytes.of(block))).orThrow();
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void sequence_severalUpdates_giveTheSameDigestAndTicketAsOneHash(int alg) {
        TestTpm t = TestTpm.started();
        byte[] msg = data(1000, alg);
        int h = start(t, alg);
        update(t, h, Arrays.copyOfRange(msg, 0, 4));
        update(t, h, Arrays.copyOfRange(msg, 4, 400));
        update(t, h, new byte[0]);
        update(t, h, Arrays.copyOfRange(msg, 400, 990));
        SequenceCompleteResponse seq = complete(t, h, Arrays.copyOfRange(msg, 990, 1000), TpmRh.OWNER);

        HashResponse once = t.run(new Hash(Bytes.of(msg), alg, TpmRh.OWNER)).orThrow();
        assertThat(seq.result()).isEqualTo(hash(alg, msg)).isEqualTo(once.outHash());
        assertThat(seq.validation()).isEqualTo(once.validation());
        assertThat(seq.validation().digest())
                .isEqualTo(hashCheckHmac(state(t).persistent.shProof, alg, hash(alg, msg)));
    }

    @Test
    void sequence_longerThanOneBuffer_matchesMessageDigest() {
        TestTpm t = TestTpm.started();
        byte[] a = data(1024, 1), b = data(1024, 2), c = data(1024, 3), d = data(17, 4);
        int h = start(t, TpmAlg.SHA256);
        update(t, h, a);
        update(t, h, b);
        update(t, h, c);
        assertThat(complete(t, h, d, TpmRh.ENDORSEMENT).result()).isEqualTo(hash(TpmAlg.SHA256, a, b, c, d));
    }

    @Test
    void sequence_withoutUpdates_hashesTheLastBuffer() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        SequenceCompleteResponse r = complete(t, h, "abc".getBytes(), TpmRh.NULL);
        assertThat(r.result().toHex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(r.validation()).isEqualTo(TpmtTkHashcheck.nullTicket());
    }

    @Test
    void sequenceComplete_flushesTheObject() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        complete(t, h, new byte[0], TpmRh.NULL);
        assertThat(state(t).objects.count()).isZero();
        assertThat(t.run(new SequenceUpdate(h, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.REFERENCE_H0);
        assertThat(t.run(new SequenceComplete(h, Bytes.EMPTY, TpmRh.NULL)).rc()).isEqualTo(TpmRc.REFERENCE_H0);
    }

    // ---------------------------------------------------------------- tickets

    @Test
    void sequence_firstBlockBeginningWithTpmGeneratedValue_returnsNullTicket() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        update(t, h, tpmGenerated(new byte[] {0x10, 0x20}));
        update(t, h, data(50, 9));
        SequenceCompleteResponse r = complete(t, h, data(5, 10), TpmRh.OWNER);
        assertThat(r.validation()).isEqualTo(TpmtTkHashcheck.nullTicket());
        assertThat(r.result()).isEqualTo(hash(TpmAlg.SHA256, tpmGenerated(new byte[] {0x10, 0x20}), data(50, 9), data(5, 10)));
    }

    @Test
    void sequence_tpmGeneratedValueInALaterBlock_stillGetsATicket() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        update(t, h, data(8, 1));
        update(t, h, tpmGenerated());
        SequenceCompleteResponse r = complete(t, h, tpmGenerated(), TpmRh.OWNER);
        assertThat(r.validation().hierarchy()).isEqualTo(TpmRh.OWNER);
        assertThat(r.validation().digest()).isEqualTo(hashCheckHmac(state(t).persistent.shProof, TpmAlg.SHA256, r.result()));
    }

    @Test
    void sequence_firstBlockShorterThanTpmGeneratedValue_returnsNullTicket() {
        // as ms-tpm's TicketIsSafe: a first block too short to be checked is not safe
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        update(t, h, new byte[] {1, 2, 3});
        update(t, h, data(100, 3));
        assertThat(complete(t, h, new byte[0], TpmRh.OWNER).validation()).isEqualTo(TpmtTkHashcheck.nullTicket());
    }

    @Test
    void sequence_noUpdate_ticketDependsOnTheCompletingBuffer() {
        TestTpm t = TestTpm.started();
        int h1 = start(t, TpmAlg.SHA256);
        assertThat(complete(t, h1, tpmGenerated(new byte[] {1}), TpmRh.OWNER).validation())
                .isEqualTo(TpmtTkHashcheck.nullTicket());
        int h2 = start(t, TpmAlg.SHA256);
        assertThat(complete(t, h2, data(4, 1), TpmRh.PLATFORM).validation().hierarchy()).isEqualTo(TpmRh.PLATFORM);
        int h3 = start(t, TpmAlg.SHA256);
        assertThat(complete(t, h3, new byte[0], TpmRh.OWNER).validation()).isEqualTo(TpmtTkHashcheck.nullTicket());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void hashSequenceStart_allSlotsTaken_returnsObjectMemory() {
        TestTpm t = TestTpm.started();
        int[] handles = new int[TransientObjects.MAX_LOADED];
        for (int i = 0; i < handles.length; i++) handles[i] = start(t, i == 0 ? TpmAlg.NULL : TpmAlg.SHA256);
        assertThat(Arrays.stream(handles).distinct().count()).isEqualTo(handles.length);
        assertThat(t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).rc()).isEqualTo(TpmRc.OBJECT_MEMORY);
        assertThat(t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.NULL)).rc()).isEqualTo(TpmRc.OBJECT_MEMORY);

        complete(t, handles[1], new byte[0], TpmRh.NULL);
        assertThat(t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).ok()).isTrue();
    }

    @Test
    void sequence_wrongPassword_returnsBadAuthOnSession1() {
        TestTpm t = TestTpm.started();
        Bytes pw = Bytes.of("secret".getBytes());
        int h = t.run(new HashSequenceStart(pw, TpmAlg.SHA256)).orThrow().sequenceHandle();
        List<Bytes> wrong = List.of(Bytes.of("Secret".getBytes()));
        assertThat(t.run(new SequenceUpdate(h, Bytes.of(data(10, 1))), wrong).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.run(new SequenceUpdate(h, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.run(new SequenceComplete(h, Bytes.EMPTY, TpmRh.NULL), wrong).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));

        // the failed attempts changed nothing; the right password works
        t.run(new SequenceUpdate(h, Bytes.of(data(10, 1))), List.of(pw)).orThrow();
        var r = t.run(new SequenceComplete(h, Bytes.EMPTY, TpmRh.NULL), List.of(pw)).orThrow();
        assertThat(r.result()).isEqualTo(hash(TpmAlg.SHA256, data(10, 1)));
    }

    @Test
    void sequence_authWithTrailingZeros_matchesTheTrimmedPassword() {
        TestTpm t = TestTpm.started();
        int h = t.run(new HashSequenceStart(Bytes.fromHex("70770000"), TpmAlg.SHA1)).orThrow().sequenceHandle();
        assertThat(state(t).objects.get(h).authValue().size()).isEqualTo(2);
        t.run(new SequenceUpdate(h, Bytes.EMPTY), List.of(Bytes.fromHex("7077"))).orThrow();
        t.run(new SequenceUpdate(h, Bytes.EMPTY), List.of(Bytes.fromHex("707700"))).orThrow();
        assertThat(t.run(new SequenceUpdate(h, Bytes.EMPTY), List.of(Bytes.fromHex("70"))).rc())
                .isEqualTo(TpmRc.BAD_AUTH.atSession(1));
    }

    @Test
    void sequenceComplete_onEventSequence_returnsModeOnHandle1AndKeepsTheObject() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.NULL);
        update(t, h, "abc".getBytes());
        assertThat(t.run(new SequenceComplete(h, Bytes.EMPTY, TpmRh.OWNER)).rc()).isEqualTo(TpmRc.MODE.atHandle(1));
        var r = t.run(new EventSequenceComplete(TpmRh.NULL, h, Bytes.EMPTY)).orThrow();
        assertThat(r.results().digests().get(1).digest()).isEqualTo(hash(TpmAlg.SHA256, "abc".getBytes()));
    }

    @Test
    void sequenceComplete_notAHierarchy_returnsValueOnParameter2() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        assertThat(t.run(new SequenceComplete(h, Bytes.EMPTY, TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(state(t).objects.get(h)).isNotNull();
    }

    @Test
    void sequenceCommands_bufferLongerThan1024_returnSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.SHA256);
        Bytes big = Bytes.wrap(new byte[1025]);
        assertThat(t.run(new SequenceUpdate(h, big)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new SequenceComplete(h, big, TpmRh.NULL)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        int e = start(t, TpmAlg.NULL);
        assertThat(t.run(new EventSequenceComplete(TpmRh.NULL, e, big)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SM3_256, TpmAlg.SHA3_256, TpmAlg.RSA, 0x0000})
    void hashSequenceStart_unimplementedHash_returnsHashOnParameter2(int alg) {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new HashSequenceStart(Bytes.EMPTY, alg)).rc()).isEqualTo(TpmRc.HASH.atParameter(2));
    }

    @Test
    void hashSequenceStart_authLongerThan64_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new HashSequenceStart(Bytes.wrap(new byte[65]), TpmAlg.SHA256)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new HashSequenceStart(Bytes.wrap(new byte[64]), TpmAlg.SHA256)).ok()).isTrue();
    }

    @Test
    void sequenceUpdate_handleBeyondTheObjectSlots_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new SequenceUpdate(0x80000123, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void sequenceUpdate_eventSequence_updatesEveryBank() {
        TestTpm t = TestTpm.started();
        int h = start(t, TpmAlg.NULL);
        byte[] a = data(300, 1), b = data(20, 2);
        update(t, h, a);
        var r = t.run(new EventSequenceComplete(TpmRh.NULL, h, Bytes.of(b))).orThrow();
        assertThat(r.results().digests()).hasSize(4);
        for (var ha : r.results().digests()) assertThat(ha.digest()).isEqualTo(hash(ha.hashAlg(), concat(a, b)));
    }
}
