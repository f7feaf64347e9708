package dev.jtpm.eve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.File;
import org.junit.jupiter.api.Test;

/** The allowlist and jtpm's stricter checks, with the reference's reply texts. */
class CommandPolicyTest {

    private static String check(String command) {
        return CommandPolicy.check(EveTPMRequest.newBuilder().setCommand(command).build()).orElse("OK");
    }

    @Test
    void allowlist_thirteenTools_firstTokenAfterWhitespace() {
        assertThat(CommandPolicy.ALLOWED).hasSize(13).contains("tpm2_selftest", "tpm2_getcap");
        assertThat(check(" tpm2_getcap algorithms")).isEqualTo("OK");
        assertThat(check("\t\ntpm2_selftest")).isEqualTo("OK");
        assertThat(check("tpm2_create -C o")).isEqualTo("tpm2_create:Command is forbidden!");
        assertThat(check("/usr/bin/tpm2_getcap algorithms")).isEqualTo("/usr/bin/tpm2_getcap:Command is forbidden!");
        assertThat(check("tpm2 getcap algorithms")).isEqualTo("tpm2:Command is forbidden!");
    }

    @Test
    void arguments_atMost22() {
        assertThat(check("tpm2_getcap" + " a".repeat(22))).isEqualTo("OK");
        assertThat(check("tpm2_getcap" + " a".repeat(23))).isEqualTo("Too many arguments");
    }

    @Test
    void eveClientsCommands_pass() {
        for (String c : new String[] {
                "tpm2_activatecredential -c 0x81000002 -C 0x81000001 -i cred_blob -o cert_info -Psession:session_context",
                "tpm2_import -C 0x81000002 -k encryption_key -u public_key -r private_key -i duplicate_key_blob -s kdf_seed -L dpolicy.dat",
                "tpm2_load -C 0x81000002 -u key_public -r key_private -c loaded_key_context",
                "tpm2_startauthsession --policy-session -S session_context", "tpm2_policysecret -S session_context -c 0x4000000B",
                "tpm2_hmac -c key_context -g sha256 -o digest data_to_be_signed", "tpm2_flushcontext session_context",
                " tpm2_hash -Q -C e -t ticket.bin -g sha256 -o digest.bin data_to_be_signed",
                " tpm2_sign -Q -c 0x81000003 -g sha256 -s rsassa -o data.out.sign -t ticket.bin -f plain data_to_be_signed",
                " tpm2_readpublic -Q -c 0x81000003 -o ak.pub -f pem"}) {
            assertThat(check(c)).as(c).isEqualTo("OK");
        }
    }

    @Test
    void tcti_refusedInEveryForm() {
        assertThat(check("tpm2_getcap -T mssim")).isEqualTo("-T:option is not allowed!");
        assertThat(check("tpm2_getcap -Tmssim")).isEqualTo("-Tmssim:option is not allowed!");
        assertThat(check("tpm2_getcap -QT mssim")).isEqualTo("-QT:option is not allowed!");
        assertThat(check("tpm2_getcap --tcti mssim")).isEqualTo("--tcti:option is not allowed!");
        assertThat(check("tpm2_getcap --tcti=device:/dev/tpm0")).isEqualTo("--tcti=device:/dev/tpm0:option is not allowed!");
        assertThat(check("tpm2_getcap --t mssim")).isEqualTo("--t:option is not allowed!");
        assertThat(check("tpm2_getcap --tct=x")).isEqualTo("--tct=x:option is not allowed!");
    }

    @Test
    void paths_refused() {
        assertThat(check("tpm2_readpublic -c 0x81000003 -o /tmp/x")).isEqualTo("/tmp/x:argument should not be a path!");
        assertThat(check("tpm2_readpublic -c ../ctx")).isEqualTo("../ctx:argument should not be a path!");
        assertThat(check("tpm2_readpublic -c ..")).isEqualTo("..:argument should not be a path!");
        assertThat(check("tpm2_activatecredential -Psession:..")).isEqualTo("-Psession:..:argument should not be a path!");
        assertThat(check("tpm2_readpublic -o=/etc/shadow")).isEqualTo("-o=/etc/shadow:argument should not be a path!");
        assertThat(check("tpm2_readpublic -c a..b")).isEqualTo("OK");
    }

    @Test
    void fileNames_plainOnly() {
        EveTPMRequest.Builder b = EveTPMRequest.newBuilder().setCommand("tpm2_getcap algorithms");
        assertThat(CommandPolicy.check(b.clone().addExpectedFiles("a/b").build())).contains("a/b:output filename should not be a path!");
        assertThat(CommandPolicy.check(b.clone().addExpectedFiles(".").build())).contains(".:output filename should not be a path!");
        assertThat(CommandPolicy.check(b.clone().addInputFiles(File.newBuilder().setName("..").setContent(ByteString.EMPTY)).build()))
                .contains("..:input filename should not be a path!");
        assertThat(CommandPolicy.check(b.clone().addInputFiles(File.newBuilder().setName("a\nb")).build()))
                .contains("a\nb:input filename should not be a path!");
        assertThat(CommandPolicy.check(b.clone().addInputFiles(File.newBuilder().setName("")).build()))
                .contains(":input filename should not be a path!");
        assertThat(CommandPolicy.check(b.clone().addInputFiles(File.newBuilder().setName("session_context")).addExpectedFiles("dpolicy.dat").build()))
                .isEmpty();
    }
}
