package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** tpm2_hash for every bank, with input small enough for TPM2_Hash and large enough for sequences. */
class HashInteropTest {

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void tpm2Hash_matchesMessageDigest(Protocol protocol) throws Exception {
        Random rnd = new Random(1);
        try (JtpmServer s = JtpmServer.started(protocol)) {
            for (int size : new int[] {3, 1024, 5000, 20000}) {
                byte[] data = new byte[size];
                rnd.nextBytes(data);
                Path in = Files.createTempFile("hash", ".bin");
                Files.write(in, data);
                for (String[] alg : new String[][] {{"sha1", "SHA-1"}, {"sha256", "SHA-256"}, {"sha384", "SHA-384"},
                        {"sha512", "SHA-512"}}) {
                    Path ticket = Files.createTempFile("ticket", ".bin");
                    String out = Tools.tpm2(s.tcti(), "tpm2_hash", "-g", alg[0], "--hex", "-t", ticket.toString(),
                            in.toString()).ok().out().trim();
                    assertThat(out).as(alg[0] + " of " + size + " bytes")
                            .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance(alg[1]).digest(data)));
                    // a TPMT_TK_HASHCHECK for the owner hierarchy: tag 0x8024, hierarchy 0x40000001, HMAC
                    byte[] tk = Files.readAllBytes(ticket);
                    assertThat(HexFormat.of().formatHex(tk, 0, 6)).isEqualTo("802440000001");
                    Files.delete(ticket);
                }
                Files.delete(in);
            }
        }
    }
}
