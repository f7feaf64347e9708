package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrReset;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcrResetHandlerTest {

    @Test
    void pcrReset_pcr16_setsZeroInEveryAllocatedBank() {
        TestTpm t = TestTpm.started();
        t.run(new PcrEvent(16, Bytes.of((byte) 1))).orThrow();
        assertThat(read(t, TpmAlg.SHA1, 16)).isNotEqualTo(filled(TpmAlg.SHA1, 0));
        t.run(new PcrReset(16)).orThrow();
        assertThat(read(t, TpmAlg.SHA1, 16)).isEqualTo(filled(TpmAlg.SHA1, 0));
        assertThat(read(t, TpmAlg.SHA256, 16)).isEqualTo(filled(TpmAlg.SHA256, 0));
    }

    @Test
    void pcrReset_pcr20AtLocality2_setsZeroFromAllOnes() {
        TestTpm t = TestTpm.started();
        t.locality = 2;
        assertThat(read(t, TpmAlg.SHA256, 20)).isEqualTo(filled(TpmAlg.SHA256, 0xFF));
        t.run(new PcrReset(20)).orThrow();
        assertThat(read(t, TpmAlg.SHA256, 20)).isEqualTo(filled(TpmAlg.SHA256, 0));
        assertThat(read(t, TpmAlg.SHA1, 20)).isEqualTo(filled(TpmAlg.SHA1, 0));
    }

    @Test
    void pcrReset_pcr0_returnsLocality() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrReset(0)).rc()).isEqualTo(TpmRc.LOCALITY);
    }

    @Test
    void pcrReset_pcr17AtLocality4_returnsLocality() {
        TestTpm t = TestTpm.started();
        t.locality = 4;
        assertThat(t.run(new PcrReset(17)).rc()).isEqualTo(TpmRc.LOCALITY);
        assertThat(read(t, TpmAlg.SHA256, 17)).isEqualTo(filled(TpmAlg.SHA256, 0xFF));
    }

    @Test
    void pcrReset_incrementsUpdateCounterOnceUnlessPcrIsInNoIncrementGroup() {
        // as measured on swtpm: resetting 16 or 23 (locality 0) or 21, 22 (locality 2) leaves the
        // counter alone; resetting 20 (locality 2) adds one, whatever the number of banks
        TestTpm t = TestTpm.started();
        int before = updateCounter(t);
        t.run(new PcrReset(16)).orThrow();
        t.run(new PcrReset(23)).orThrow();
        assertThat(updateCounter(t)).isEqualTo(before);
        t.locality = 2;
        t.run(new PcrReset(21)).orThrow();
        t.run(new PcrReset(22)).orThrow();
        assertThat(updateCounter(t)).isEqualTo(before);
        t.run(new PcrReset(20)).orThrow();
        assertThat(updateCounter(t)).isEqualTo(before + 1);
    }

    @Test
    void pcrReset_nullHandle_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrReset(TpmRh.NULL)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void pcrReset_lockoutHandle_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrReset(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    /**
     * Localities from which TPM2_PCR_Reset may reset a PCR: the PC Client table's reset column,
     * without locality 4 (D-RTM PCRs are reset by _TPM_Hash_Start), as ms-tpm-20-ref does.
     */
    private static Set<Integer> expectedResetLocalities(int pcr) {
        return switch (pcr) {
            case 16, 23 -> Set.of(0, 1, 2, 3);
            case 20, 21, 22 -> Set.of(2);
            default -> Set.of();
        };
    }

    @ParameterizedTest(name = "PCR {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
    void pcrReset_fromEachLocality_isAllowedExactlyAsThePcClientTableSays_elseReturnsLocality(int pcr) {
        TestTpm t = TestTpm.started();
        Set<Integer> allowed = new TreeSet<>();
        for (int locality = 0; locality <= 4; locality++) {
            t.locality = locality;
            TpmRc rc = t.run(new PcrReset(pcr)).rc();
            if (rc.equals(TpmRc.SUCCESS)) allowed.add(locality);
            else assertThat(rc).isEqualTo(TpmRc.LOCALITY);
        }
        assertThat(allowed).isEqualTo(new TreeSet<>(expectedResetLocalities(pcr)));
    }
}
