package dev.jtpm.engine.command.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmtHa;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupShutdownTest {

    private static void powerCycle(TestTpm t) {
        t.tpm.powerOff();
        t.tpm.init();
    }

    private static Bytes pcr(TestTpm t, int pcr) {
        return t.run(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, pcr)))))
                .orThrow().pcrValues().digests().get(0);
    }

    private static int counter(TestTpm t) {
        return t.run(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0))))).orThrow().pcrUpdateCounter();
    }

    @Test
    void startup_fromLocality1_returnsLocality() {
        TestTpm t = new TestTpm();
        t.locality = 1;
        assertThat(t.run(new Startup(TpmSu.CLEAR)).rc()).isEqualTo(TpmRc.LOCALITY);
    }

    @Test
    void startup_fromLocality3_recordsItInPcr0() {
        TestTpm t = new TestTpm();
        t.locality = 3;
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(pcr(t, 0).toHex()).isEqualTo("00".repeat(31) + "03");
    }

    @Test
    void resume_fromAnotherLocality_returnsLocality() {
        TestTpm t = TestTpm.started();
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        powerCycle(t);
        t.locality = 3;
        assertThat(t.run(new Startup(TpmSu.STATE)).rc()).isEqualTo(TpmRc.LOCALITY);
    }

    @Test
    void shutdownState_afterPcrAllocate_returnsTypeOnParameter1() {
        TestTpm t = TestTpm.started();
        t.run(new PcrAllocate(TpmRh.PLATFORM, new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA384,
                java.util.stream.IntStream.range(0, 24).toArray()))))).orThrow();
        assertThat(t.run(new Shutdown(TpmSu.STATE)).rc()).isEqualTo(TpmRc.TYPE.atParameter(1));
        assertThat(t.run(new Shutdown(TpmSu.CLEAR)).ok()).isTrue();
    }

    @Test
    void unknownShutdownType_returnsValueOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new Shutdown(7)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void resume_keepsPcr7AndUpdateCounter_restartResetsPcr7() {
        TestTpm t = TestTpm.started();
        t.run(new PcrExtend(7, new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, Bytes.zeros(32)))))).orThrow();
        Bytes pcr7 = pcr(t, 7);
        int before = counter(t);
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        powerCycle(t);
        t.run(new Startup(TpmSu.STATE)).orThrow();
        assertThat(pcr(t, 7)).isEqualTo(pcr7);
        assertThat(counter(t)).isEqualTo(before + 4);       // PCRs 17..20 re-initialized and counted (swtpm: +4)
        var clock = t.run(new ReadClock()).orThrow().currentTime().clockInfo();
        assertThat(clock.restartCount()).isEqualTo(1);
        assertThat(clock.resetCount()).isEqualTo(1);

        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        powerCycle(t);
        t.run(new Startup(TpmSu.CLEAR)).orThrow();           // a TPM Restart
        assertThat(pcr(t, 7)).isEqualTo(Bytes.zeros(32));
        assertThat(t.run(new ReadClock()).orThrow().currentTime().clockInfo().restartCount()).isEqualTo(2);
    }

    @Test
    void stateChangingCommandAfterShutdownState_voidsTheOrderlyState() {
        TestTpm t = TestTpm.started();
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        t.run(new PcrExtend(7, new TpmlDigestValues(List.of()))).orThrow();
        powerCycle(t);
        assertThat(t.run(new Startup(TpmSu.STATE)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
    }
}
