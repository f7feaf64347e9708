package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Start-up, self test, random numbers, capabilities and the clock through Debian's tpm2-tools. */
class BasicCommandsInteropTest {

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void startupClear_thenSelfTestAndTestResult(Protocol protocol) {
        try (JtpmServer s = JtpmServer.initialized(protocol)) {
            // before TPM2_Startup every command is refused with TPM_RC_INITIALIZE
            Tools.Run early = Tools.tpm2(s.tcti(), "tpm2_getrandom", "--hex", "8");
            assertThat(early.exit()).isNotZero();
            assertThat(early.err()).containsIgnoringCase("0x100");
            Tools.tpm2(s.tcti(), "tpm2_startup", "-c").ok();
            Tools.tpm2(s.tcti(), "tpm2_selftest", "--fulltest").ok();
            Tools.tpm2(s.tcti(), "tpm2_selftest").ok();
            Tools.Run r = Tools.tpm2(s.tcti(), "tpm2_gettestresult").ok();
            assertThat(r.out()).contains("status:").containsIgnoringCase("success");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void getRandom_returnsEverySizeFrom1To64(Protocol protocol) {
        try (JtpmServer s = JtpmServer.started(protocol)) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int n = 1; n <= 64; n++) {
                String hex = Tools.tpm2(s.tcti(), "tpm2_getrandom", "--hex", Integer.toString(n)).ok().out().trim();
                assertThat(hex).hasSize(2 * n).matches("[0-9a-f]+");
                seen.add(hex);
            }
            assertThat(seen).hasSize(64);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void getCap_everyGroupTpm2ToolsKnows(Protocol protocol) {
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String fixed = Tools.tpm2(s.tcti(), "tpm2_getcap", "properties-fixed").ok().out();
            assertThat(fixed).contains("TPM2_PT_FAMILY_INDICATOR").contains("2.0")
                    .contains("TPM2_PT_PCR_COUNT").contains("TPM2_PT_MAX_COMMAND_SIZE");
            String variable = Tools.tpm2(s.tcti(), "tpm2_getcap", "properties-variable").ok().out();
            assertThat(variable).contains("TPM2_PT_STARTUP_CLEAR").contains("TPM2_PT_HR_LOADED_AVAIL");
            String algs = Tools.tpm2(s.tcti(), "tpm2_getcap", "algorithms").ok().out();
            assertThat(algs).contains("sha1:").contains("sha256:").contains("sha384:").contains("sha512:");
            String commands = Tools.tpm2(s.tcti(), "tpm2_getcap", "commands").ok().out();
            assertThat(commands).contains("TPM2_CC_Startup").contains("TPM2_CC_PCR_Extend").contains("TPM2_CC_GetRandom")
                    .contains("TPM2_CC_HashSequenceStart").contains("TPM2_CC_ReadClock");
            String pcrs = Tools.tpm2(s.tcti(), "tpm2_getcap", "pcrs").ok().out();
            assertThat(pcrs).contains("sha256").contains("sha1");
            Tools.tpm2(s.tcti(), "tpm2_getcap", "ecc-curves").ok();
            Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok();
            String transient_ = Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-transient").ok().out();
            assertThat(transient_.trim()).isEmpty();
            String pcrHandles = Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-pcr").ok().out();
            assertThat(pcrHandles).contains("0x17");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void readClock_reportsCountsAndAdvancingTime(Protocol protocol) throws Exception {
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String first = Tools.tpm2(s.tcti(), "tpm2_readclock").ok().out();
            assertThat(first).contains("time:").contains("reset_count: 1").contains("restart_count: 0").contains("safe: yes");
            Thread.sleep(20);
            long t1 = value(first, "time:");
            long t2 = value(Tools.tpm2(s.tcti(), "tpm2_readclock").ok().out(), "time:");
            assertThat(t2).isGreaterThan(t1);
        }
    }

    static long value(String yaml, String key) {
        for (String line : yaml.split("\n")) {
            String l = line.trim();
            if (l.startsWith(key)) return Long.parseLong(l.substring(key.length()).trim());
        }
        throw new AssertionError(key + " not in " + yaml);
    }
}
