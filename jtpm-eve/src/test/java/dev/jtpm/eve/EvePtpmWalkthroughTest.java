package dev.jtpm.eve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.EveTPMResponse;
import dev.jtpm.eve.proto.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's walk-through, verbatim, through eve-run against eve-ptpm (Debian's tpm2-tools behind it, an
 * in-process TPM set up with --profile eve), checked by openssl; and libevetools' credential flow with a credential
 * made outside the TPM by {@code tpm2_makecredential -T none}.
 */
class EvePtpmWalkthroughTest {

    @TempDir static Path base;
    static EveFixture eve;

    @BeforeAll
    static void start() throws Exception {
        eve = new EveFixture(base);
    }

    @AfterAll
    static void stop() {
        if (eve != null) eve.close();
    }

    @Test
    void signWithAik_hashTicketSignReadpublic_opensslVerifies(@TempDir Path cwd) throws Exception {
        Files.writeString(cwd.resolve("data_to_be_signed"), "EVE edge application data\n");

        String hash = eve.eveRun(cwd, "tpm2_hash", "-Q", "-C", "e", "-t", "ticket.bin", "-g", "sha256", "-o", "digest.bin", "data_to_be_signed");
        assertThat(hash).isEqualTo("\n");
        assertThat(cwd.resolve("ticket.bin")).isNotEmptyFile();
        assertThat(Files.readAllBytes(cwd.resolve("digest.bin"))).hasSize(32);

        // tpm2-tools 5.x hashes the message itself and says so on stderr (4.0.1, EVE's, used the ticket)
        assertThat(eve.eveRun(cwd, "tpm2_sign", "-Q", "-c", "0x81000003", "-g", "sha256", "-s", "rsassa", "-o", "data.out.sign",
                "-t", "ticket.bin", "-f", "plain", "data_to_be_signed")).doesNotContain("ERROR").doesNotContain("Backend failure");
        assertThat(Files.readAllBytes(cwd.resolve("data.out.sign"))).hasSize(256);

        assertThat(eve.eveRun(cwd, "tpm2_readpublic", "-Q", "-c", "0x81000003", "-o", "ak.pub", "-f", "pem")).isEqualTo("\n");
        assertThat(Files.readString(cwd.resolve("ak.pub"))).startsWith("-----BEGIN PUBLIC KEY-----");

        String verify = EveFixture.exec(cwd, "openssl", "dgst", "-sha256", "-verify", "ak.pub", "-signature", "data.out.sign", "data_to_be_signed");
        assertThat(verify.strip()).isEqualTo("Verified OK");
        assertThat(eve.workRoot).isEmptyDirectory();
    }

    @Test
    void readpublicWithoutQ_printsToolOutput(@TempDir Path cwd) {
        String out = eve.eveRun(cwd, "tpm2_readpublic", "-c", "0x81000002");
        assertThat(out).contains("name:").contains("rsa").contains("fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt");
    }

    @Test
    void failingTool_backendFailureAndNoFiles(@TempDir Path cwd) {
        // nothing at 0x81000099: tpm2_readpublic exits 1; the reference answers only the exit code
        String out = eve.eveRun(cwd, "tpm2_readpublic", "-c", "0x81000099", "-o", "x.pub");
        assertThat(out).isEqualTo("Backend failure while serving the request: Error 1\n");
        assertThat(cwd.resolve("x.pub")).doesNotExist();
    }

    @Test
    void activateCredential_libevetoolsFlow_recoversSecretMadeOffline(@TempDir Path cwd) throws Exception {
        // the EK public (read_ek_public) and the SRK's name, through eve-ptpm
        eve.eveRun(cwd, "tpm2_readpublic", "-c", "0x81000001", "-f", "tss", "-o", "ek.pub", "-Q");
        String srk = eve.eveRun(cwd, "tpm2_readpublic", "-c", "0x81000002");
        Matcher m = Pattern.compile("(?m)^name: ([0-9a-f]+)$").matcher(srk);
        assertThat(m.find()).as(srk).isTrue();
        byte[] secret = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        Files.write(cwd.resolve("secret.bin"), secret);
        // the credential, made outside any TPM
        EveFixture.exec(cwd, "tpm2_makecredential", "-T", "none", "-u", "ek.pub", "-s", "secret.bin", "-n", m.group(1), "-o", "cred_blob");

        // libevetools' requests (eve_tpm_service.cpp): each names its files itself
        EveTPMResponse r = send("tpm2_startauthsession --policy-session -S session_context", null, "session_context");
        assertThat(r.getOutputFilesCount()).as(r.getResponse().toStringUtf8()).isEqualTo(1);
        byte[] session = r.getOutputFiles(0).getContent().toByteArray();

        r = send("tpm2_policysecret -S session_context -c 0x4000000B", files("session_context", session), "session_context");
        assertThat(r.getOutputFilesCount()).as(r.getResponse().toStringUtf8()).isEqualTo(1);
        session = r.getOutputFiles(0).getContent().toByteArray();

        EveTPMRequest.Builder activate = EveTPMRequest.newBuilder()
                .setCommand("tpm2_activatecredential -c 0x81000002 -C 0x81000001 -i cred_blob -o cert_info -Psession:session_context")
                .addInputFiles(file("cred_blob", Files.readAllBytes(cwd.resolve("cred_blob"))))
                .addInputFiles(file("session_context", session))
                .addExpectedFiles("cert_info").addExpectedFiles("session_context");
        r = EveRun.exchange(eve.address(), activate.build());
        assertThat(r.getResponse().toStringUtf8()).doesNotContain("ERROR").doesNotContain("Backend failure");
        assertThat(r.getOutputFiles(0).getName()).isEqualTo("cert_info");
        assertThat(r.getOutputFiles(0).getContent().toByteArray()).isEqualTo(secret);

        r = send("tpm2_flushcontext session_context", files("session_context", r.getOutputFiles(1).getContent().toByteArray()));
        assertThat(r.getResponse().toStringUtf8()).doesNotContain("Backend failure");
    }

    private static EveTPMRequest.Builder files(String name, byte[] content) {
        return EveTPMRequest.newBuilder().addInputFiles(file(name, content));
    }

    private static File file(String name, byte[] content) {
        return File.newBuilder().setName(name).setContent(ByteString.copyFrom(content)).build();
    }

    private static EveTPMResponse send(String command, EveTPMRequest.Builder b, String... expected) throws Exception {
        EveTPMRequest.Builder req = (b == null ? EveTPMRequest.newBuilder() : b).setCommand(command);
        for (String e : expected) req.addExpectedFiles(e);
        return EveRun.exchange(eve.address(), req.build());
    }

    static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
}
