package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import org.junit.jupiter.api.Test;

/** What must survive a server restart, and an orderly Shutdown(STATE)/Startup(STATE). */
class StateInteropTest {

    @Test
    void restart_keepsClockAndCountsResets() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            Thread.sleep(50);
            long clock = BasicCommandsInteropTest.value(Tools.tpm2(s.tcti(), "tpm2_readclock").ok().out(), "clock:");
            Tools.tpm2(s.tcti(), "tpm2_shutdown", "-c").ok();
            s.restart();
            String after = Tools.tpm2(s.tcti(), "tpm2_readclock").ok().out();
            assertThat(BasicCommandsInteropTest.value(after, "clock:")).isGreaterThanOrEqualTo(clock);
            assertThat(after).contains("reset_count: 2");
        }
    }

    @Test
    void shutdownStateThenStartupState_keepsPcrs0To15_andResets16() {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            Tools.tpm2(s.tcti(), "tpm2_pcrextend", "7:sha256=" + "44".repeat(32)).ok();
            Tools.tpm2(s.tcti(), "tpm2_pcrextend", "16:sha256=" + "44".repeat(32)).ok();
            String pcr7 = PcrInteropTest.pcr(s.tcti(), "sha256:7");
            Tools.tpm2(s.tcti(), "tpm2_shutdown").ok();          // Shutdown(STATE)
            s.restart();                                       // the server starts the TPM with Startup(CLEAR)…
            // …which is a TPM Restart: PCRs back to their initial values
            assertThat(PcrInteropTest.pcr(s.tcti(), "sha256:7")).isEqualTo("00".repeat(32));
        }
        // a TPM that resumes: not-need-init without automatic startup, then tpm2_startup (STATE)
        try (JtpmServer s = JtpmServer.initialized(Protocol.SWTPM)) {
            Tools.tpm2(s.tcti(), "tpm2_startup", "-c").ok();
            Tools.tpm2(s.tcti(), "tpm2_pcrextend", "7:sha256=" + "44".repeat(32)).ok();
            Tools.tpm2(s.tcti(), "tpm2_pcrextend", "16:sha256=" + "44".repeat(32)).ok();
            String pcr7 = PcrInteropTest.pcr(s.tcti(), "sha256:7");
            Tools.tpm2(s.tcti(), "tpm2_shutdown").ok();
            s.restart();
            Tools.tpm2(s.tcti(), "tpm2_startup").ok();           // Startup(STATE): TPM Resume
            assertThat(PcrInteropTest.pcr(s.tcti(), "sha256:7")).isEqualTo(pcr7);
            assertThat(PcrInteropTest.pcr(s.tcti(), "sha256:16")).isEqualTo("00".repeat(32));
            assertThat(Tools.tpm2(s.tcti(), "tpm2_readclock").ok().out()).contains("restart_count: 1");
        }
    }
}
