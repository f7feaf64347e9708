package dev.jtpm.engine.command.pcr;

import static dev.jtpm.engine.command.pcr.PcrTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How PCR values live through Shutdown and Startup (Part 1, PCR initialization; PC Client profile). */
class PcrStartupStateTest {

    /** Puts an event into every PCR the locality may extend and returns the SHA-256 values. */
    private static Map<Integer, Bytes> measureEverything(TestTpm t) {
        Map<Integer, Bytes> values = new HashMap<>();
        for (int pcr = 0; pcr < 24; pcr++) {
            t.locality = pcr >= 17 ? 2 : 0;   // locality 2 may extend 17..22
            t.run(new PcrEvent(pcr, Bytes.of((byte) pcr))).orThrow();
            values.put(pcr, read(t, TpmAlg.SHA256, pcr));
        }
        t.locality = 0;
        return values;
    }

    private static void powerCycle(TestTpm t, int shutdown, int startup) {
        t.run(new Shutdown(shutdown)).orThrow();
        t.tpm.powerOff();
        assertThat(t.tpm.init()).isTrue();
        t.run(new Startup(startup)).orThrow();
    }

    @Test
    void shutdownStateThenStartupState_keepsPcr0To15AndResetsPcr16To23() {
        TestTpm t = TestTpm.started();
        Map<Integer, Bytes> before = measureEverything(t);
        powerCycle(t, TpmSu.STATE, TpmSu.STATE);
        for (int pcr = 0; pcr < 24; pcr++) {
            Bytes expected = pcr < 16 ? before.get(pcr) : filled(TpmAlg.SHA256, pcr >= 17 && pcr <= 22 ? 0xFF : 0);
            assertThat(read(t, TpmAlg.SHA256, pcr)).as("PCR %d", pcr).isEqualTo(expected);
        }
        assertThat(read(t, TpmAlg.SHA1, 5)).isEqualTo(extended(TpmAlg.SHA1, filled(TpmAlg.SHA1, 0), hash(TpmAlg.SHA1, new byte[] {5})));
    }

    @Test
    void shutdownStateThenStartupClear_resetsEveryPcr() {
        TestTpm t = TestTpm.started();
        measureEverything(t);
        powerCycle(t, TpmSu.STATE, TpmSu.CLEAR);
        for (int pcr = 0; pcr < 24; pcr++) {
            assertThat(read(t, TpmAlg.SHA256, pcr)).as("PCR %d", pcr).isEqualTo(filled(TpmAlg.SHA256, pcr >= 17 && pcr <= 22 ? 0xFF : 0));
        }
    }

    @Test
    void shutdownClearThenStartupClear_resetsEveryPcr() {
        TestTpm t = TestTpm.started();
        measureEverything(t);
        powerCycle(t, TpmSu.CLEAR, TpmSu.CLEAR);
        for (int pcr = 0; pcr < 24; pcr++) {
            assertThat(read(t, TpmAlg.SHA1, pcr)).as("PCR %d", pcr).isEqualTo(filled(TpmAlg.SHA1, pcr >= 17 && pcr <= 22 ? 0xFF : 0));
        }
    }
}
