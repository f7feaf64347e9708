package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmtHa;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcrExtendHandlerTest {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    private static PcrExtend extend(int pcr, TpmtHa... digests) {
        return new PcrExtend(pcr, new TpmlDigestValues(List.of(digests)));
    }

    @Test
    void pcrExtend_sha256_setsPcrToHashOfOldValueAndDigest_knownAnswer() {
        TestTpm t = TestTpm.started();
        t.run(extend(16, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).orThrow();
        // sha256(32 zero octets || sha256("abc")), computed outside Java
        assertThat(read(t, TpmAlg.SHA256, 16).toHex())
                .isEqualTo("589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
    }

    @Test
    void pcrExtend_twoBanks_extendsEachBankWithItsDigest() {
        TestTpm t = TestTpm.started();
        Bytes d1 = hash(TpmAlg.SHA1, ABC), d256 = hash(TpmAlg.SHA256, "x".getBytes());
        t.run(extend(7, new TpmtHa(TpmAlg.SHA1, d1), new TpmtHa(TpmAlg.SHA256, d256))).orThrow();
        t.run(extend(7, new TpmtHa(TpmAlg.SHA1, d1))).orThrow();

        Bytes sha1 = extended(TpmAlg.SHA1, extended(TpmAlg.SHA1, filled(TpmAlg.SHA1, 0), d1), d1);
        assertThat(read(t, TpmAlg.SHA1, 7)).isEqualTo(sha1);
        assertThat(read(t, TpmAlg.SHA256, 7)).isEqualTo(extended(TpmAlg.SHA256, filled(TpmAlg.SHA256, 0), d256));
    }

    @Test
    void pcrExtend_sha1_knownAnswer() {
        TestTpm t = TestTpm.started();
        t.run(extend(0, new TpmtHa(TpmAlg.SHA1, hash(TpmAlg.SHA1, ABC)))).orThrow();
        // sha1(20 zero octets || sha1("abc"))
        assertThat(read(t, TpmAlg.SHA1, 0).toHex()).isEqualTo("ccd5bd41458de644ac34a2478b58ff819bef5acf");
    }

    @Test
    void pcrExtend_drtmPcrAtLocality2_extendsFromAllOnes() {
        TestTpm t = TestTpm.started();
        t.locality = 2;
        Bytes d = hash(TpmAlg.SHA256, ABC);
        t.run(extend(21, new TpmtHa(TpmAlg.SHA256, d))).orThrow();
        assertThat(read(t, TpmAlg.SHA256, 21)).isEqualTo(extended(TpmAlg.SHA256, filled(TpmAlg.SHA256, 0xFF), d));
    }

    @Test
    void pcrExtend_digestForUnallocatedBank_isIgnored() {
        TestTpm t = TestTpm.started();   // SHA-1 and SHA-256 allocated, SHA-384 not
        int before = updateCounter(t);
        assertThat(t.run(extend(8, new TpmtHa(TpmAlg.SHA384, hash(TpmAlg.SHA384, ABC)))).ok()).isTrue();
        assertThat(read(t, TpmAlg.SHA1, 8)).isEqualTo(filled(TpmAlg.SHA1, 0));
        assertThat(read(t, TpmAlg.SHA256, 8)).isEqualTo(filled(TpmAlg.SHA256, 0));
        assertThat(updateCounter(t)).isEqualTo(before);
    }

    @Test
    void pcrExtend_nullHandle_changesNothing() {
        TestTpm t = TestTpm.started();
        int before = updateCounter(t);
        assertThat(t.run(extend(TpmRh.NULL, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).ok()).isTrue();
        for (int pcr = 0; pcr < 24; pcr++) {
            int fill = pcr >= 17 && pcr <= 22 ? 0xFF : 0;
            assertThat(read(t, TpmAlg.SHA256, pcr)).isEqualTo(filled(TpmAlg.SHA256, fill));
        }
        assertThat(updateCounter(t)).isEqualTo(before);
    }

    @Test
    void pcrExtend_emptyDigestList_succeedsWithoutChange() {
        TestTpm t = TestTpm.started();
        int before = updateCounter(t);
        assertThat(t.run(extend(3)).ok()).isTrue();
        assertThat(read(t, TpmAlg.SHA256, 3)).isEqualTo(filled(TpmAlg.SHA256, 0));
        assertThat(updateCounter(t)).isEqualTo(before);
    }

    @Test
    void pcrExtend_incrementsUpdateCounterOncePerBankChanged() {
        TestTpm t = TestTpm.started();
        int before = updateCounter(t);
        t.run(extend(7, new TpmtHa(TpmAlg.SHA1, hash(TpmAlg.SHA1, ABC)),
                new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).orThrow();
        assertThat(updateCounter(t)).isEqualTo(before + 2);
        t.run(extend(1, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).orThrow();
        assertThat(updateCounter(t)).isEqualTo(before + 3);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 21, 22, 23})
    void pcrExtend_pcrInNoIncrementGroup_doesNotIncrementUpdateCounter(int pcr) {
        TestTpm t = TestTpm.started();
        t.locality = 2;
        Bytes old = read(t, TpmAlg.SHA256, pcr);
        int before = updateCounter(t);
        t.run(extend(pcr, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).orThrow();
        assertThat(read(t, TpmAlg.SHA256, pcr)).isNotEqualTo(old);
        assertThat(updateCounter(t)).isEqualTo(before);
    }

    /**
     * What swtpm 0.7.1 (libtpms 0.9) does at locality 2, which may extend every PCR: one SHA-256
     * digest adds one to pcrUpdateCounter, except for PCRs 16, 21, 22 and 23 (PCR 20 counts).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
    void pcrExtend_atLocality2_countsEveryPcrButTheNoIncrementGroup_asLibtpms(int pcr) {
        TestTpm t = TestTpm.started();
        t.locality = 2;
        int before = updateCounter(t);
        t.run(extend(pcr, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).orThrow();
        boolean exempt = pcr == 16 || pcr == 21 || pcr == 22 || pcr == 23;
        assertThat(updateCounter(t)).isEqualTo(before + (exempt ? 0 : 1));
    }

    @Test
    void pcrExtend_ownerHandle_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(extend(TpmRh.OWNER, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void pcrExtend_pcr24_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(extend(24, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void pcrExtend_unimplementedHash_returnsHashOnParameter1() {
        TestTpm t = TestTpm.started();
        // count 1, TPM_ALG_SM3_256 (not implemented) and 32 octets
        byte[] cmd = command(true, "00000182 00000010 " + PASSWORD_SESSION + " 00000001 0012" + "00".repeat(32));
        assertThat(rcOf(t.raw(cmd))).isEqualTo(TpmRc.HASH.atParameter(1));
    }

    @Test
    void pcrExtend_moreThanHashCountDigests_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        String digest = "000b" + "00".repeat(32);
        byte[] cmd = command(true, "00000182 00000010 " + PASSWORD_SESSION + " 00000005" + digest.repeat(5));
        assertThat(rcOf(t.raw(cmd))).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    /** The PC Client extend localities, written out from the PTP table (not from the engine). */
    private static Set<Integer> expectedExtendLocalities(int pcr) {
        return switch (pcr) {
            case 17, 18 -> Set.of(2, 3, 4);
            case 19 -> Set.of(2, 3);
            case 20 -> Set.of(1, 2, 3);
            case 21, 22 -> Set.of(2);
            default -> Set.of(0, 1, 2, 3, 4);
        };
    }

    @ParameterizedTest(name = "PCR {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
    void pcrExtend_fromEachLocality_isAllowedExactlyAsThePcClientTableSays_elseReturnsLocality(int pcr) {
        TestTpm t = TestTpm.started();
        Set<Integer> allowed = new TreeSet<>();
        List<TpmRc> refusals = new ArrayList<>();
        for (int locality = 0; locality <= 4; locality++) {
            t.locality = locality;
            Bytes before = read(t, TpmAlg.SHA256, pcr);
            TpmRc rc = t.run(extend(pcr, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).rc();
            if (rc.equals(TpmRc.SUCCESS)) {
                allowed.add(locality);
                assertThat(read(t, TpmAlg.SHA256, pcr)).isEqualTo(extended(TpmAlg.SHA256, before, hash(TpmAlg.SHA256, ABC)));
            } else {
                refusals.add(rc);
                assertThat(read(t, TpmAlg.SHA256, pcr)).isEqualTo(before);
            }
        }
        assertThat(allowed).isEqualTo(new TreeSet<>(expectedExtendLocalities(pcr)));
        assertThat(refusals).allMatch(TpmRc.LOCALITY::equals);
    }

    @Test
    void pcrExtend_extendedLocality_returnsLocality() {
        TestTpm t = TestTpm.started();
        t.locality = 0x20;
        assertThat(t.run(extend(16, new TpmtHa(TpmAlg.SHA256, hash(TpmAlg.SHA256, ABC)))).rc()).isEqualTo(TpmRc.LOCALITY);
    }
}
