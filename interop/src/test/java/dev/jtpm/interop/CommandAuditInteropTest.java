package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmsAttest;
import dev.jtpm.types.structure.TpmsCommandAuditInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Command audit through tpm2-tools 5.4: {@code tpm2_setcommandauditstatus} (hash change, set list, the refused
 * combination) and {@code tpm2_getcommandauditdigest} with a restricted RSASSA key of the endorsement hierarchy, the
 * signature checked by openssl against {@code tpm2_readpublic -f pem}. The same session runs on swtpm; the fields that
 * do not depend on the TPM's seeds or on the audit log (magic, type, extraData, digestAlg, commandDigest) must be
 * equal. The audit log itself (auditCounter, auditDigest) is compared once the pipeline records audited commands
 * (CommandAudit.record); until then jtpm's counter stays 0 and that comparison is skipped.
 */
class CommandAuditInteropTest {
    private static final String QUALIFYING = "0102030405";

    private record Outcome(List<String> codes, TpmsAttest attest) {}

    private static Tools.Run openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        return Tools.run(Map.of(), null, cmd.toArray(String[]::new));
    }

    private static Outcome session(String tcti) throws Exception {
        Path dir = Files.createTempDirectory("audit");
        String ak = dir.resolve("ak.ctx").toString(), pem = dir.resolve("ak.pem").toString();
        String att = dir.resolve("att.bin").toString(), sig = dir.resolve("sig.bin").toString();
        List<String> codes = new ArrayList<>();
        codes.add(Tools.tpm2(tcti, "tpm2_setcommandauditstatus", "-g", "sha256").outcome());
        codes.add(Tools.tpm2(tcti, "tpm2_setcommandauditstatus", "TPM2_CC_GetRandom").outcome());
        // the tool sends the hash change (its default is SHA-256) and then the lists, as two commands
        codes.add(Tools.tpm2(tcti, "tpm2_setcommandauditstatus", "-g", "sha1", "TPM2_CC_GetRandom").outcome());
        codes.add(Tools.tpm2(tcti, "tpm2_setcommandauditstatus", "-c", "TPM2_CC_Shutdown").outcome());   // back to SHA-256
        Tools.tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "e", "-G", "rsa2048:rsassa-sha256:null", "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", "-c", ak).ok();
        Tools.tpm2(tcti, "tpm2_readpublic", "-Q", "-c", ak, "-f", "pem", "-o", pem).ok();
        codes.add(Tools.tpm2(tcti, "tpm2_getcommandauditdigest", "-c", ak, "-g", "sha256", "-m", att, "-s", sig,
                "-f", "plain", "-q", QUALIFYING).outcome());
        assertThat(openssl("dgst", "-sha256", "-verify", pem, "-signature", sig, att).ok().out()).contains("Verified OK");
        // the owner's wrong password: the pipeline's answer
        codes.add(Tools.tpm2(tcti, "tpm2_setcommandauditstatus", "-P", "wrong", "TPM2_CC_GetRandom").outcome());
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return new Outcome(codes, TpmCodec.decodeLenient(TpmsAttest.class, Files.readAllBytes(Path.of(att))));
    }

    @Test
    void setStatusAndSignedDigest_sameAsSwtpm() throws Exception {
        Tools.require("swtpm");
        Outcome reference;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = session(swtpm.tcti());
        }
        Outcome jtpm;
        try (JtpmServer server = JtpmServer.started(Protocol.SWTPM)) {
            jtpm = session(server.tcti());
        }
        assertThat(jtpm.codes()).containsExactlyElementsOf(reference.codes());
        assertThat(reference.codes().get(4)).isEqualTo("ok");

        TpmsAttest a = jtpm.attest(), r = reference.attest();
        assertThat(a.magic()).isEqualTo(TpmsAttest.TPM_GENERATED_VALUE).isEqualTo(r.magic());
        assertThat(a.type()).isEqualTo(TpmSt.ATTEST_COMMAND_AUDIT).isEqualTo(r.type());
        assertThat(a.extraData()).isEqualTo(Bytes.fromHex(QUALIFYING)).isEqualTo(r.extraData());
        TpmsCommandAuditInfo ai = (TpmsCommandAuditInfo) a.attested(), ri = (TpmsCommandAuditInfo) r.attested();
        assertThat(ai.digestAlg()).isEqualTo(TpmAlg.SHA256).isEqualTo(ri.digestAlg());
        // SetCommandCodeAuditStatus (0x140) and GetRandom (0x17B), ascending, hashed with the audit hash
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(HexFormat.of().parseHex("000001400000017b"));
        assertThat(ai.commandDigest()).isEqualTo(Bytes.wrap(expected)).isEqualTo(ri.commandDigest());
        assertThat(ri.auditCounter()).isPositive();
        if (ai.auditCounter() > 0) {          // the pipeline records audited commands: the logs must agree
            assertThat(ai.auditCounter()).isEqualTo(ri.auditCounter());
            assertThat(ai.auditDigest()).isEqualTo(ri.auditDigest());
        }
    }
}
