package dev.jtpm.engine.command.policy;

import static dev.jtpm.engine.command.policy.PolicyTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.command.PolicyAuthValue;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.PolicyLocality;
import dev.jtpm.types.command.PolicyPcr;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Policy digests as tpm2-tools 5.4 computes them against swtpm 0.7.1 (tpm2_createpolicy --policy-pcr,
 * tpm2_policycommandcode, tpm2_policylocality, tpm2_policyauthvalue, SHA-256 trial sessions, fresh PCRs).
 */
class PolicyKnownAnswersTest {

    private static Bytes trialDigest(TestTpm t, java.util.function.IntConsumer commands) {
        int s = trial(t);
        commands.accept(s);
        return digest(t, s);
    }

    @Test
    void policyPcr_sha256Pcr0_isTpm2ToolsDigest() {
        TestTpm t = TestTpm.started();
        Bytes d = trialDigest(t, s -> t.run(new PolicyPcr(s, Bytes.EMPTY,
                new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0))))).orThrow());
        assertThat(d).isEqualTo(Bytes.fromHex("093ceb41181d47808862d7946268ee6a17a10e3d1b79b32351bc56e4beaceff0"));
    }

    @Test
    void policyPcr_sha1Pcrs012_isTpm2ToolsDigest() {
        TestTpm t = TestTpm.started();
        Bytes d = trialDigest(t, s -> t.run(new PolicyPcr(s, Bytes.EMPTY,
                new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA1, 0, 1, 2))))).orThrow());
        assertThat(d).isEqualTo(Bytes.fromHex("37cce87e9e8a7fbf0ac1ecd92f512787f25ade17295440377e2edbfd6ae8c250"));
    }

    @Test
    void policyCommandCode_unseal_isTpm2ToolsDigest() {
        TestTpm t = TestTpm.started();
        Bytes d = trialDigest(t, s -> t.run(new PolicyCommandCode(s, TpmCc.UNSEAL)).orThrow());
        assertThat(d).isEqualTo(Bytes.fromHex("e613137076524bde487533865884e9732ebee3aacb095d94a6de492ec06c46fa"));
    }

    @Test
    void policyLocality_three_isTpm2ToolsDigest() {
        TestTpm t = TestTpm.started();
        Bytes d = trialDigest(t, s -> t.run(new PolicyLocality(s, 1 << 3)).orThrow());
        assertThat(d).isEqualTo(Bytes.fromHex("7764491d5afe719035c0c09faa90c3490a7475d6df422b804e8f68aa65f8934f"));
    }

    @Test
    void policyAuthValue_isTheWellKnownDigest() {
        TestTpm t = TestTpm.started();
        Bytes d = trialDigest(t, s -> t.run(new PolicyAuthValue(s)).orThrow());
        assertThat(d).isEqualTo(Bytes.fromHex("8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e"));
    }
}
