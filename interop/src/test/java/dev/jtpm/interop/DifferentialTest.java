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

    /** The tickets of one tpm2-tools session: their octets without the HMAC (tag, hierarchy, size), and the size. */
    private static List<String> ticketShapes(String tcti, Path dir) throws Exception {
        Path msg = dir.resolve("m");
        Files.writeString(msg, "ticket");
        List<String> shapes = new ArrayList<>();
        Path hashTicket = dir.resolve("hash.tk"), creationTicket = dir.resolve("creation.tk");
        Tools.tpm2(tcti, "tpm2_hash", "-C", "o", "-g", "sha256", "-t", hashTicket.toString(), "-o",
                dir.resolve("digest").toString(), msg.toString()).ok();
        Tools.tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc", "-c", dir.resolve("p.ctx").toString(),
                "-t", creationTicket.toString()).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        for (Path p : List.of(hashTicket, creationTicket)) {
            byte[] b = Files.readAllBytes(p);
            shapes.add(p.getFileName() + ": " + b.length + " octets, head " + java.util.HexFormat.of().formatHex(b, 0, 8));
        }
        return shapes;
    }

    @Test
    void tickets_sameShapeAsSwtpm_sha512Hmacs() throws Exception {
        Tools.require("swtpm");
        List<String> ours;
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            ours = ticketShapes(jtpm.tcti(), Files.createTempDirectory("tk-jtpm"));
        }
        try (SwtpmReference ref = new SwtpmReference()) {
            assertThat(ours).containsExactlyElementsOf(ticketShapes(ref.tcti(), Files.createTempDirectory("tk-swtpm")));
        }
        assertThat(ours.get(0)).contains("72 octets, head 8024400000010040"); // HASHCHECK, owner, 64-octet HMAC
    }
}
