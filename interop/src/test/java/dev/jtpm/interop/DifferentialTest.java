package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The same tpm2-tools session against jtpm and against swtpm 0.7.1 (libtpms) gives the same output. */
class DifferentialTest {

    private static List<String> session(String tcti, Path event, Path data) {
        List<String> outputs = new ArrayList<>();
        Tools.tpm2(tcti, "tpm2_pcrextend", "16:sha1=" + "11".repeat(20) + ",sha256=" + "22".repeat(32)).ok();
        Tools.tpm2(tcti, "tpm2_pcrextend", "23:sha256=" + "a5".repeat(32)).ok();
        outputs.add(Tools.tpm2(tcti, "tpm2_pcrevent", "16", event.toString()).ok().out());
        outputs.add(Tools.tpm2(tcti, "tpm2_pcrevent", "23", data.toString()).ok().out());
        Tools.tpm2(tcti, "tpm2_pcrreset", "23").ok();
        Tools.tpm2(tcti, "tpm2_pcrextend", "23:sha1=" + "33".repeat(20)).ok();
        outputs.add(Tools.tpm2(tcti, "tpm2_pcrread", "sha1:0,7,16,17,23+sha256:0,7,16,17,23").ok().out());
        for (String alg : new String[] {"sha1", "sha256", "sha384", "sha512"}) {
            outputs.add(Tools.tpm2(tcti, "tpm2_hash", "-g", alg, "--hex", event.toString()).ok().out());
            outputs.add(Tools.tpm2(tcti, "tpm2_hash", "-g", alg, "--hex", data.toString()).ok().out());
        }
        outputs.add(Tools.tpm2(tcti, "tpm2_getcap", "pcrs").ok().out());
        return outputs;
    }

    @Test
    void pcrAndHashSession_sameOnJtpmAndSwtpm() throws Exception {
        Tools.require("swtpm");
        Path event = Files.createTempFile("event", ".bin");
        Files.writeString(event, "differential event");
        Path data = Files.createTempFile("data", ".bin");
        byte[] big = new byte[4000];
        new Random(3).nextBytes(big);
        Files.write(data, big);
        List<String> reference;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = session(swtpm.tcti(), event, data);
        }
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            assertThat(session(jtpm.tcti(), event, data)).containsExactlyElementsOf(reference);
        }
    }
}
