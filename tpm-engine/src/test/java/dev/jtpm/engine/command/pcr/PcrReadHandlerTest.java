package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.PcrReadResponse;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmtHa;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PcrReadHandlerTest {
    private static final int[] ALL_PCRS = IntStream.range(0, 24).toArray();

    private static PcrReadResponse read(TestTpm t, TpmsPcrSelection... selections) {
        return t.run(new PcrRead(new TpmlPcrSelection(List.of(selections)))).orThrow();
    }

    @Test
    void pcrRead_afterStartupClear_returnsZerosAndAllOnesForDrtmPcrs() {
        TestTpm t = TestTpm.started();
        for (int alg : new int[] {TpmAlg.SHA1, TpmAlg.SHA256}) {
            for (int pcr = 0; pcr < 24; pcr++) {
                int fill = pcr >= 17 && pcr <= 22 ? 0xFF : 0;
                assertThat(PcrTestSupport.read(t, alg, pcr)).as("PCR %d", pcr).isEqualTo(filled(alg, fill));
            }
        }
    }

    @Test
    void pcrRead_severalPcrs_returnsValuesInPcrOrderWithTheSelectionEchoed() {
        TestTpm t = TestTpm.started();
        int before = updateCounter(t);
        Bytes d = hash(TpmAlg.SHA256, "m".getBytes());
        t.run(new PcrExtend(5, new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, d))))).orThrow();
        PcrReadResponse r = read(t, TpmsPcrSelection.of(TpmAlg.SHA256, 17, 5, 0));
        assertThat(r.pcrSelectionOut().pcrSelections()).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 5, 17));
        assertThat(r.pcrValues().digests()).containsExactly(filled(TpmAlg.SHA256, 0),
                extended(TpmAlg.SHA256, filled(TpmAlg.SHA256, 0), d), filled(TpmAlg.SHA256, 0xFF));
        assertThat(r.pcrUpdateCounter()).isEqualTo(before + 1);
    }

    @Test
    void pcrRead_moreThanEightPcrs_returnsEightAndTruncatesTheSelection() {
        TestTpm t = TestTpm.started();
        PcrReadResponse r = read(t, TpmsPcrSelection.of(TpmAlg.SHA1, ALL_PCRS), TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS));
        assertThat(r.pcrValues().digests()).hasSize(8).allMatch(v -> v.size() == 20);
        assertThat(r.pcrSelectionOut().pcrSelections()).containsExactly(
                TpmsPcrSelection.of(TpmAlg.SHA1, 0, 1, 2, 3, 4, 5, 6, 7), TpmsPcrSelection.of(TpmAlg.SHA256));
    }

    @Test
    void pcrRead_truncationInTheSecondBank_keepsTheFirstBankWhole() {
        TestTpm t = TestTpm.started();
        PcrReadResponse r = read(t, TpmsPcrSelection.of(TpmAlg.SHA1, 3, 20, 23), TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS));
        assertThat(r.pcrSelectionOut().pcrSelections()).containsExactly(
                TpmsPcrSelection.of(TpmAlg.SHA1, 3, 20, 23), TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4));
        List<Bytes> expected = new ArrayList<>(List.of(filled(TpmAlg.SHA1, 0), filled(TpmAlg.SHA1, 0xFF), filled(TpmAlg.SHA1, 0)));
        for (int i = 0; i < 5; i++) expected.add(filled(TpmAlg.SHA256, 0));
        assertThat(r.pcrValues().digests()).containsExactlyElementsOf(expected);
    }

    @Test
    void pcrRead_exactlyEightPcrsThenMore_clearsEveryLaterSelection() {
        TestTpm t = TestTpm.started();
        PcrReadResponse r = read(t, TpmsPcrSelection.of(TpmAlg.SHA256, 8, 9, 10, 11, 12, 13, 14, 15),
                TpmsPcrSelection.of(TpmAlg.SHA1, 0), TpmsPcrSelection.of(TpmAlg.SHA384, 0));
        assertThat(r.pcrValues().digests()).hasSize(8);
        assertThat(r.pcrSelectionOut().pcrSelections()).containsExactly(
                TpmsPcrSelection.of(TpmAlg.SHA256, 8, 9, 10, 11, 12, 13, 14, 15),
                TpmsPcrSelection.of(TpmAlg.SHA1), TpmsPcrSelection.of(TpmAlg.SHA384));
    }

    @Test
    void pcrRead_unallocatedBank_keepsItsEntryWithAnEmptyBitMap() {
        TestTpm t = TestTpm.started();   // SHA-384 and SHA-512 are not allocated
        PcrReadResponse r = read(t, TpmsPcrSelection.of(TpmAlg.SHA384, 0, 1), TpmsPcrSelection.of(TpmAlg.SHA256, 0),
                TpmsPcrSelection.of(TpmAlg.SHA512, ALL_PCRS));
        assertThat(r.pcrSelectionOut().pcrSelections()).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA384),
                TpmsPcrSelection.of(TpmAlg.SHA256, 0), TpmsPcrSelection.of(TpmAlg.SHA512));
        assertThat(r.pcrValues().digests()).containsExactly(filled(TpmAlg.SHA256, 0));
    }

    @Test
    void pcrRead_emptySelectionList_returnsNothingButTheCounter() {
        TestTpm t = TestTpm.started();
        t.run(new PcrExtend(2, new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA1, hash(TpmAlg.SHA1)))))).orThrow();
        int afterExtend = read(t, TpmsPcrSelection.of(TpmAlg.SHA1, 2)).pcrUpdateCounter();
        PcrReadResponse r = t.run(new PcrRead(new TpmlPcrSelection(List.of()))).orThrow();
        assertThat(r.pcrSelectionOut().pcrSelections()).isEmpty();
        assertThat(r.pcrValues().digests()).isEmpty();
        assertThat(r.pcrUpdateCounter()).isEqualTo(afterExtend).isPositive();
    }

    @Test
    void pcrRead_sameBankTwice_readsItTwice() {
        TestTpm t = TestTpm.started();
        PcrReadResponse r = read(t, TpmsPcrSelection.of(TpmAlg.SHA1, 1), TpmsPcrSelection.of(TpmAlg.SHA1, 1));
        assertThat(r.pcrValues().digests()).hasSize(2);
    }

    @Test
    void pcrRead_wireBytes_matchTheSpecLayout() {
        TestTpm t = TestTpm.started();
        // TPML_PCR_SELECTION { count 1, { TPM_ALG_SHA1, 3, 01 00 00 } }
        byte[] response = t.raw(command(false, "0000017e 00000001 0004 03 010000"));
        assertThat(HEX.formatHex(response)).isEqualTo("8001" + "00000032" + "00000000" + "00000014" // 20 PCRs counted by Startup, as on swtpm
                + "00000001" + "0004" + "03" + "010000" + "00000001" + "0014" + "00".repeat(20));
    }

    @Test
    void pcrRead_unimplementedHash_returnsHashOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(command(false, "0000017e 00000001 0012 03 ffffff")))).isEqualTo(TpmRc.HASH.atParameter(1));
    }

    @Test
    void pcrRead_sizeofSelectBelowMinimum_returnsValueOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(command(false, "0000017e 00000001 000b 02 ffff")))).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void pcrRead_sizeofSelectAboveMaximum_returnsValueOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(command(false, "0000017e 00000001 000b 04 ffffffff")))).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void pcrRead_moreThanHashCountSelections_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(command(false, "0000017e 00000005" + "000b03010000".repeat(5)))))
                .isEqualTo(TpmRc.SIZE.atParameter(1));
    }
}
