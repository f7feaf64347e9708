package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrEventResponse;
import dev.jtpm.types.structure.TpmtHa;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcrEventHandlerTest {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final int[] ALL_HASHES = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512};

    private static List<TpmtHa> expectedDigests(byte[] data) {
        return java.util.Arrays.stream(ALL_HASHES).mapToObj(a -> new TpmtHa(a, hash(a, data))).toList();
    }

    @Test
    void pcrEvent_returnsDigestOfEventDataForEveryImplementedHash() {
        TestTpm t = TestTpm.started();
        PcrEventResponse r = t.run(new PcrEvent(16, Bytes.of(ABC))).orThrow();
        assertThat(r.digests().digests()).containsExactlyElementsOf(expectedDigests(ABC));
        assertThat(r.digests().digests().get(1).digest().toHex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void pcrEvent_extendsTheDigestsIntoTheAllocatedBanks() {
        TestTpm t = TestTpm.started();
        t.run(new PcrEvent(16, Bytes.of(ABC))).orThrow();
        // sha256(32 zero octets || sha256("abc")) and sha1(20 zero octets || sha1("abc"))
        assertThat(read(t, TpmAlg.SHA256, 16).toHex())
                .isEqualTo("589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
        assertThat(read(t, TpmAlg.SHA1, 16).toHex()).isEqualTo("ccd5bd41458de644ac34a2478b58ff819bef5acf");
        t.run(new PcrEvent(16, Bytes.of("next".getBytes()))).orThrow();
        Bytes once = Bytes.fromHex("589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
        assertThat(read(t, TpmAlg.SHA256, 16)).isEqualTo(extended(TpmAlg.SHA256, once, hash(TpmAlg.SHA256, "next".getBytes())));
    }

    @Test
    void pcrEvent_incrementsUpdateCounterOncePerAllocatedBank() {
        TestTpm t = TestTpm.started();   // two banks allocated
        int before = updateCounter(t);
        t.run(new PcrEvent(4, Bytes.of(ABC))).orThrow();
        assertThat(updateCounter(t)).isEqualTo(before + 2);
    }

    @Test
    void pcrEvent_nullHandle_returnsDigestsWithoutExtending() {
        TestTpm t = TestTpm.started();
        int before = updateCounter(t);
        PcrEventResponse r = t.run(new PcrEvent(TpmRh.NULL, Bytes.of(ABC))).orThrow();
        assertThat(r.digests().digests()).containsExactlyElementsOf(expectedDigests(ABC));
        assertThat(updateCounter(t)).isEqualTo(before);
        for (int pcr = 0; pcr < 24; pcr++) {
            assertThat(read(t, TpmAlg.SHA1, pcr)).isEqualTo(filled(TpmAlg.SHA1, pcr >= 17 && pcr <= 22 ? 0xFF : 0));
        }
    }

    @Test
    void pcrEvent_emptyEventData_hashesTheEmptyString() {
        TestTpm t = TestTpm.started();
        PcrEventResponse r = t.run(new PcrEvent(9, Bytes.EMPTY)).orThrow();
        assertThat(r.digests().digests()).containsExactlyElementsOf(expectedDigests(new byte[0]));
        assertThat(read(t, TpmAlg.SHA256, 9)).isEqualTo(extended(TpmAlg.SHA256, filled(TpmAlg.SHA256, 0), hash(TpmAlg.SHA256)));
    }

    @Test
    void pcrEvent_eventDataOf1024Octets_isAccepted() {
        TestTpm t = TestTpm.started();
        byte[] data = new byte[1024];
        java.util.Arrays.fill(data, (byte) 0x5A);
        PcrEventResponse r = t.run(new PcrEvent(10, Bytes.of(data))).orThrow();
        assertThat(r.digests().digests()).containsExactlyElementsOf(expectedDigests(data));
    }

    @Test
    void pcrEvent_eventDataOf1025Octets_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        byte[] cmd = command(true, "0000013c 0000000a " + PASSWORD_SESSION + " 0401" + "00".repeat(1025));
        assertThat(rcOf(t.raw(cmd))).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void pcrEvent_pcr17AtLocality0_returnsLocalityAndChangesNothing() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrEvent(17, Bytes.of(ABC))).rc()).isEqualTo(TpmRc.LOCALITY);
        assertThat(read(t, TpmAlg.SHA256, 17)).isEqualTo(filled(TpmAlg.SHA256, 0xFF));
    }

    @Test
    void pcrEvent_pcr17AtLocality4_extends() {
        TestTpm t = TestTpm.started();
        t.locality = 4;
        t.run(new PcrEvent(17, Bytes.of(ABC))).orThrow();
        assertThat(read(t, TpmAlg.SHA256, 17))
                .isEqualTo(extended(TpmAlg.SHA256, filled(TpmAlg.SHA256, 0xFF), hash(TpmAlg.SHA256, ABC)));
    }

    @Test
    void pcrEvent_platformHandle_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrEvent(TpmRh.PLATFORM, Bytes.of(ABC))).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }
}
