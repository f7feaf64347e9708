package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PCR commands through tpm2-tools, checked against digests computed here. */
class PcrInteropTest {
    private static final HexFormat HEX = HexFormat.of();

    static String pcr(String tcti, String selection) {
        String out = Tools.tpm2(tcti, "tpm2_pcrread", selection).ok().out();
        // "  sha256:\n    16: 0xABCD..."
        int at = out.indexOf(": 0x");
        assertThat(at).as(out).isPositive();
        return out.substring(at + 4).split("\\s")[0].toLowerCase();
    }

    static byte[] extend(byte[] old, byte[] digest, String alg) throws Exception {
        MessageDigest md = MessageDigest.getInstance(alg);
        md.update(old);
        md.update(digest);
        return md.digest();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void extendEventAndReset_matchIndependentComputation(Protocol protocol) throws Exception {
        try (JtpmServer s = JtpmServer.started(protocol)) {
            assertThat(pcr(s.tcti(), "sha256:16")).isEqualTo("00".repeat(32));
            byte[] d = MessageDigest.getInstance("SHA-256").digest("jtpm".getBytes(StandardCharsets.UTF_8));
            Tools.tpm2(s.tcti(), "tpm2_pcrextend", "16:sha256=" + HEX.formatHex(d)).ok();
            byte[] expected = extend(new byte[32], d, "SHA-256");
            assertThat(pcr(s.tcti(), "sha256:16")).isEqualTo(HEX.formatHex(expected));

            Path event = Files.createTempFile("event", ".bin");
            Files.writeString(event, "an event");
            String events = Tools.tpm2(s.tcti(), "tpm2_pcrevent", "16", event.toString()).ok().out();
            byte[] ed = MessageDigest.getInstance("SHA-256").digest("an event".getBytes(StandardCharsets.UTF_8));
            assertThat(events.toLowerCase()).contains(HEX.formatHex(ed));
            expected = extend(expected, ed, "SHA-256");
            assertThat(pcr(s.tcti(), "sha256:16")).isEqualTo(HEX.formatHex(expected));
            byte[] sha1 = extend(new byte[20], MessageDigest.getInstance("SHA-1").digest("an event".getBytes(StandardCharsets.UTF_8)), "SHA-1");
            assertThat(pcr(s.tcti(), "sha1:16")).isEqualTo(HEX.formatHex(sha1));

            Tools.tpm2(s.tcti(), "tpm2_pcrreset", "16").ok();
            assertThat(pcr(s.tcti(), "sha256:16")).isEqualTo("00".repeat(32));
            // PCR 0 cannot be reset at locality 0: TPM_RC_LOCALITY
            Tools.Run r = Tools.tpm2(s.tcti(), "tpm2_pcrreset", "0");
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("0x907");
            // D-RTM PCRs start as all ones
            assertThat(pcr(s.tcti(), "sha256:17")).isEqualTo("ff".repeat(32));
        }
    }

    @Test
    void pcrAllocate_takesEffectAfterRestart() {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            // a fresh TPM has every bank (as libtpms); banks the command does not name keep their PCRs
            String before = Tools.tpm2(s.tcti(), "tpm2_getcap", "pcrs").ok().out();
            assertThat(before).containsPattern("sha512:\\s*\\[\\s*0,");
            Tools.tpm2(s.tcti(), "tpm2_pcrallocate", "sha1:none+sha256:all+sha384:3,4+sha512:none").ok();
            s.restart();
            String pcrs = Tools.tpm2(s.tcti(), "tpm2_getcap", "pcrs").ok().out();
            assertThat(pcrs).containsPattern("sha256:\\s*\\[\\s*0, 1,");
            assertThat(pcrs).containsPattern("sha384:\\s*\\[\\s*3, 4\\s*\\]");
            assertThat(pcrs).containsPattern("sha1:\\s*\\[\\s*\\]");
            assertThat(pcr(s.tcti(), "sha384:3")).isEqualTo("00".repeat(48));
        }
    }
}
