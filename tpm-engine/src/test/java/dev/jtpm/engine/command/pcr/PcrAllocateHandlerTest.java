package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.PcrAllocateResponse;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.PcrReadResponse;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PcrAllocateHandlerTest {
    private static final int[] ALL_PCRS = IntStream.range(0, 24).toArray();
    /** 24 PCRs of SHA-1, SHA-256, SHA-384 and SHA-512: 24 * (20 + 32 + 48 + 64). */
    private static final int SIZE_AVAILABLE = 3936;

    private static PcrAllocate allocate(TpmsPcrSelection... selections) {
        return new PcrAllocate(TpmRh.PLATFORM, new TpmlPcrSelection(List.of(selections)));
    }

    /** Shutdown(CLEAR), power cycle (_TPM_Init), Startup(CLEAR). */
    private static void reboot(TestTpm t) {
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        assertThat(t.tpm.init()).isTrue();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
    }

    /** The banks and PCRs PCR_Read reports as allocated (one read per bank, 8 PCRs at a time). */
    private static List<TpmsPcrSelection> allocated(TestTpm t) {
        List<TpmsPcrSelection> out = new java.util.ArrayList<>();
        for (int alg : new int[] {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512}) {
            java.util.List<Integer> pcrs = new java.util.ArrayList<>();
            for (int first = 0; first < 24; first += 8) {
                int[] group = IntStream.range(first, first + 8).toArray();
                PcrReadResponse r = t.run(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(alg, group))))).orThrow();
                TpmsPcrSelection sel = r.pcrSelectionOut().pcrSelections().get(0);
                for (int p : group) if (sel.isSelected(p)) pcrs.add(p);
            }
            out.add(TpmsPcrSelection.of(alg, pcrs.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    @Test
    void pcrAllocate_sha256Only_reportsSizesAndTakesEffectAfterShutdownInitStartup() {
        TestTpm t = TestTpm.started();
        PcrAllocateResponse r = t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1), TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS))).orThrow();
        assertThat(r).isEqualTo(new PcrAllocateResponse(true, 24, 24 * 32, SIZE_AVAILABLE));

        // the allocation in use does not change before the next _TPM_Init
        assertThat(allocated(t)).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA1, ALL_PCRS),
                TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS), TpmsPcrSelection.of(TpmAlg.SHA384), TpmsPcrSelection.of(TpmAlg.SHA512));

        reboot(t);
        assertThat(allocated(t)).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA1),
                TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS), TpmsPcrSelection.of(TpmAlg.SHA384), TpmsPcrSelection.of(TpmAlg.SHA512));
        // an event now changes only the SHA-256 bank
        int counter = updateCounter(t);
        t.run(new PcrEvent(8, Bytes.of((byte) 7))).orThrow();
        assertThat(updateCounter(t)).isEqualTo(counter + 1);
        assertThat(read(t, TpmAlg.SHA256, 8))
                .isEqualTo(extended(TpmAlg.SHA256, filled(TpmAlg.SHA256, 0), hash(TpmAlg.SHA256, new byte[] {7})));
    }

    @Test
    void pcrAllocate_addsSha384Bank_andKeepsBanksNotNamed() {
        TestTpm t = TestTpm.started();
        PcrAllocateResponse r = t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA384, 0, 17, 23))).orThrow();
        assertThat(r.sizeNeeded()).isEqualTo(24 * 20 + 24 * 32 + 3 * 48);
        reboot(t);
        assertThat(allocated(t)).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA1, ALL_PCRS),
                TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS), TpmsPcrSelection.of(TpmAlg.SHA384, 0, 17, 23),
                TpmsPcrSelection.of(TpmAlg.SHA512));
        assertThat(read(t, TpmAlg.SHA384, 17)).isEqualTo(filled(TpmAlg.SHA384, 0xFF));
    }

    @Test
    void pcrAllocate_bankNamedTwice_takesTheLastSelection() {
        TestTpm t = TestTpm.started();
        t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1, ALL_PCRS), TpmsPcrSelection.of(TpmAlg.SHA1, 1))).orThrow();
        reboot(t);
        assertThat(allocated(t).get(0)).isEqualTo(TpmsPcrSelection.of(TpmAlg.SHA1, 1));
    }

    @Test
    void pcrAllocate_twiceBeforeReset_lastCommandStartsFromTheAllocationInUse() {
        TestTpm t = TestTpm.started();
        t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1))).orThrow();
        t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA512, ALL_PCRS))).orThrow();
        reboot(t);
        assertThat(allocated(t)).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA1, ALL_PCRS),
                TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS), TpmsPcrSelection.of(TpmAlg.SHA384),
                TpmsPcrSelection.of(TpmAlg.SHA512, ALL_PCRS));
    }

    @Test
    void pcrAllocate_noBankWithPcr0_returnsPcr() {
        TestTpm t = TestTpm.started();
        int[] without0 = IntStream.range(1, 24).toArray();
        assertThat(t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1, without0), TpmsPcrSelection.of(TpmAlg.SHA256, without0))).rc())
                .isEqualTo(TpmRc.PCR);
    }

    @Test
    void pcrAllocate_noBankWithPcr17_returnsPcr() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1, 0), TpmsPcrSelection.of(TpmAlg.SHA256, 0, 16, 18))).rc())
                .isEqualTo(TpmRc.PCR);
    }

    @Test
    void pcrAllocate_noPcrAtAll_returnsPcrAndKeepsTheStoredAllocation() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1), TpmsPcrSelection.of(TpmAlg.SHA256))).rc())
                .isEqualTo(TpmRc.PCR);
        reboot(t);
        assertThat(allocated(t).get(1)).isEqualTo(TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS));
    }

    @Test
    void pcrAllocate_pcr0And17InDifferentBanks_isAccepted() {
        TestTpm t = TestTpm.started();
        PcrAllocateResponse r = t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA1, 0), TpmsPcrSelection.of(TpmAlg.SHA256, 17))).orThrow();
        assertThat(r).isEqualTo(new PcrAllocateResponse(true, 24, 20 + 32, SIZE_AVAILABLE));
    }

    @Test
    void pcrAllocate_ownerHandle_returnsValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PcrAllocate(TpmRh.OWNER, new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS))))).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void pcrAllocate_wrongPlatformPassword_returnsBadAuth() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(allocate(TpmsPcrSelection.of(TpmAlg.SHA256, ALL_PCRS)), List.of(Bytes.of((byte) 1))).rc())
                .isEqualTo(TpmRc.BAD_AUTH.atSession(1));
    }

    @Test
    void pcrAllocate_unimplementedHash_returnsHashOnParameter1() {
        TestTpm t = TestTpm.started();
        byte[] cmd = command(true, "0000012b 4000000c " + PASSWORD_SESSION + " 00000001 0012 03 ffffff");
        assertThat(rcOf(t.raw(cmd))).isEqualTo(TpmRc.HASH.atParameter(1));
    }

    @Test
    void pcrAllocate_sizeofSelectBelowMinimum_returnsValueOnParameter1() {
        TestTpm t = TestTpm.started();
        byte[] cmd = command(true, "0000012b 4000000c " + PASSWORD_SESSION + " 00000001 000b 01 ff");
        assertThat(rcOf(t.raw(cmd))).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void pcrAllocate_moreThanHashCountSelections_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        byte[] cmd = command(true, "0000012b 4000000c " + PASSWORD_SESSION + " 00000005" + "000b03ffffff".repeat(5));
        assertThat(rcOf(t.raw(cmd))).isEqualTo(TpmRc.SIZE.atParameter(1));
    }
}
