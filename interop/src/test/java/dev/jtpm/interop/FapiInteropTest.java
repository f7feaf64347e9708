package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tpm2-tss' Feature API, through Debian's python3-tpm2-pytss (src/test/resources/fapi_workflow.py), against
 * a fresh jtpm for each FAPI profile: provisioning (EK and SRK, which FAPI salts every session with),
 * a signing key (sign, verify, a changed signature refused), sealed data, and data sealed to a PCR policy
 * that unseals while PCR 16 is as the policy says and is refused after a PCR_Extend.
 */
class FapiInteropTest {
    private static final String PYTHON = "/usr/bin/python3";

    private static void requirePytss() {
        Tools.require(PYTHON);
        if (Tools.run(Map.of(), null, PYTHON, "-c", "import tpm2_pytss").exit() == 0) return;
        String msg = "interop: python3-tpm2-pytss is not installed (.ci/run installs it)";
        if (Tools.onCi()) org.junit.jupiter.api.Assertions.fail(msg + " — required on CI");
        System.err.println("NOTICE: skipping, " + msg);
        Assumptions.abort(msg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"P_RSA2048SHA256", "P_ECCP256SHA256"})
    void fapi_provisionSignSealAndPcrPolicy(String profile) throws Exception {
        requirePytss();
        Path work = Files.createTempDirectory("jtpm-fapi");
        Path script = Path.of("src/test/resources/fapi_workflow.py").toAbsolutePath();
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            Tools.Run r = Tools.run(Map.of("TSS2_LOG", "all+NONE"), null, PYTHON, script.toString(),
                    String.valueOf(s.port()), work.toString(), profile, "--policy");
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("ok: provision", "ok: sign and verify", "ok: seal and unseal",
                    "ok: unseal under a PCR policy", "ok: refused after PCR_Extend", "ok: done");
        }
    }
}
