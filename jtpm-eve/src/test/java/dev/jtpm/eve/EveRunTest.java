package dev.jtpm.eve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.File;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eve_run's request building (its file table) for the reference's examples, and its handling of replies. */
class EveRunTest {

    @TempDir Path cwd;

    private EveTPMRequest request(String line, ByteArrayOutputStream out) {
        return EveRun.request(List.of(line.split(" ")), cwd, new PrintStream(out, true));
    }

    @Test
    void hash_lastArgumentIn_ticketAndDigestExpected() throws Exception {
        Files.writeString(cwd.resolve("data_to_be_signed"), "d");
        EveTPMRequest r = request("tpm2_hash -Q -C e -t ticket.bin -g sha256 -o digest.bin data_to_be_signed", new ByteArrayOutputStream());
        assertThat(r.getCommand()).isEqualTo(" tpm2_hash -Q -C e -t ticket.bin -g sha256 -o digest.bin data_to_be_signed");
        assertThat(r.getExpectedFilesList()).containsExactly("ticket.bin", "digest.bin");
        assertThat(r.getInputFilesList()).extracting(File::getName).containsExactly("data_to_be_signed");
    }

    @Test
    void sign_hexHandleSkipped_ticketAndDataIn() throws Exception {
        Files.writeString(cwd.resolve("data_to_be_signed"), "d");
        Files.writeString(cwd.resolve("ticket.bin"), "t");
        EveTPMRequest r = request("tpm2_sign -Q -c 0x81000003 -g sha256 -s rsassa -o data.out.sign -t ticket.bin -f plain data_to_be_signed",
                new ByteArrayOutputStream());
        assertThat(r.getExpectedFilesList()).containsExactly("data.out.sign");
        assertThat(r.getInputFilesList()).extracting(File::getName).containsExactly("ticket.bin", "data_to_be_signed");
    }

    @Test
    void readpublic_contextFileIn_whenNotHex() throws Exception {
        Files.writeString(cwd.resolve("key.ctx"), "c");
        EveTPMRequest r = request("tpm2_readpublic -c key.ctx -o ak.pub -f pem", new ByteArrayOutputStream());
        assertThat(r.getInputFilesList()).extracting(File::getName).containsExactly("key.ctx");
        assertThat(r.getExpectedFilesList()).containsExactly("ak.pub");
    }

    @Test
    void missingInput_fileNotFoundPrinted_requestGoesOut() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EveTPMRequest r = request("tpm2_hmac -c key_context -g sha256 -o digest data", out);
        assertThat(out.toString()).isEqualTo("File not found: key_context\nFile not found: data\n");
        assertThat(r.getInputFilesCount()).isZero();
        assertThat(r.getExpectedFilesList()).containsExactly("digest");
    }

    @Test
    void flagGivenLast_ignored_longFormsNotRecognised() {
        EveTPMRequest r = request("tpm2_readpublic -c 0x81000001 -o", new ByteArrayOutputStream());
        assertThat(r.getExpectedFilesCount()).isZero();
        r = request("tpm2_readpublic -c 0x81000001 --output ek.pub", new ByteArrayOutputStream());
        assertThat(r.getExpectedFilesCount()).isZero();
    }

    @Test
    void noArguments_usage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = EveRun.run(List.of(), new java.net.InetSocketAddress("127.0.0.1", 1), cwd, new PrintStream(out, true), new PrintStream(out, true));
        assertThat(rc).isEqualTo(2);
        assertThat(out.toString()).isEqualTo("Usage: eve_run tpm_command [args]\n");
    }

    @Test
    void reply_filesWrittenUnderPlainNamesOnly_responsePrinted() throws Exception {
        var reply = dev.jtpm.eve.proto.EveTPMResponse.newBuilder().setResponse(com.google.protobuf.ByteString.copyFromUtf8("done"))
                .addOutputFiles(File.newBuilder().setName("ak.pub").setContent(com.google.protobuf.ByteString.copyFromUtf8("key")))
                .addOutputFiles(File.newBuilder().setName("../evil").setContent(com.google.protobuf.ByteString.copyFromUtf8("x")))
                .addOutputFiles(File.newBuilder().setName(cwd.resolveSibling("abs-evil").toString()))
                .build();
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (java.net.Socket c = ss.accept()) {
                    EveFrame.read(c.getInputStream(), EveFrame.MAX_MESSAGE);
                    c.getOutputStream().write(EveFrame.encode(reply.toByteArray()));
                } catch (Exception ignored) {
                    // the assertions below tell
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int rc = EveRun.run(List.of("tpm2_readpublic", "-c", "0x81000003", "-o", "ak.pub"),
                    new java.net.InetSocketAddress("127.0.0.1", ss.getLocalPort()), cwd, new PrintStream(out, true), new PrintStream(err, true));
            t.join();
            assertThat(rc).isZero();
            assertThat(out.toString()).isEqualTo("done\n");
            assertThat(cwd.resolve("ak.pub")).hasContent("key");
            assertThat(cwd.resolveSibling("evil")).doesNotExist();
            assertThat(cwd.resolveSibling("abs-evil")).doesNotExist();
            assertThat(err.toString()).contains("not writing '../evil'");
        }
    }
}
