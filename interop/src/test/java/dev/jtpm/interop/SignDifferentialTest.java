package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Sign over a grid — signing, decryption and restricted keys of each type with and without a
 * scheme of their own, crossed with every signature scheme (and some that are none), digest sizes
 * and NULL or forged hash-check tickets — answers the same response code on jtpm as on swtpm 0.7.1
 * (libtpms), parameter and handle index included. Signatures themselves are random (ECDSA, PSS) and
 * are checked elsewhere; here it is the order and choice of every check. Raw octets throughout.
 */
class SignDifferentialTest {
    private static final int OWNER = 0x40000001, NULL = 0x0010, SHA1 = 0x0004, SHA256 = 0x000B, SHA384 = 0x000C;
    private static final int FIXED = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6); // fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth
    private static final int RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;

    /** The keys of the grid: attributes and the public area after them. */
    private static Map<String, byte[]> keys() {
        Map<String, byte[]> k = new LinkedHashMap<>();
        byte[] aesCfb = u16(0x0006, 128, 0x0043), p256 = u16(0x0003), emptyPoint = u16(0, 0);
        k.put("ECC sign, no scheme", ecc(FIXED | SIGN, u16(NULL), u16(NULL), p256, emptyPoint));
        k.put("ECC sign ECDSA-SHA256", ecc(FIXED | SIGN, u16(NULL), u16(0x0018, SHA256), p256, emptyPoint));
        k.put("ECC sign EC-Schnorr-SHA1", ecc(FIXED | SIGN, u16(NULL), u16(0x001C, SHA1), p256, emptyPoint));
        k.put("ECC restricted sign ECDSA-SHA256", ecc(FIXED | SIGN | RESTRICTED, u16(NULL), u16(0x0018, SHA256), p256, emptyPoint));
        k.put("ECC decrypt ECDH", ecc(FIXED | DECRYPT, u16(NULL), u16(0x0019, SHA256), p256, emptyPoint));
        k.put("ECC sign+decrypt, no scheme", ecc(FIXED | SIGN | DECRYPT, u16(NULL), u16(NULL), p256, emptyPoint));
        k.put("ECC storage parent", ecc(FIXED | DECRYPT | RESTRICTED, aesCfb, u16(NULL), p256, emptyPoint));
        k.put("HMAC key SHA256", cat(u16(0x0008, SHA256), u32(FIXED | SIGN), u16(0), u16(0x0005, SHA256), u16(0)));
        k.put("HMAC key sign+decrypt, no scheme", cat(u16(0x0008, SHA256), u32(FIXED | SIGN | DECRYPT), u16(0), u16(NULL), u16(0)));
        k.put("HMAC restricted SHA256", cat(u16(0x0008, SHA256), u32(FIXED | SIGN | RESTRICTED), u16(0), u16(0x0005, SHA256), u16(0)));
        k.put("RSA-1024 sign RSASSA-SHA256", rsa(FIXED | SIGN, u16(0x0014, SHA256)));
        k.put("RSA-1024 sign, no scheme", rsa(FIXED | SIGN, u16(NULL)));
        k.put("RSA-1024 restricted sign RSAPSS-SHA1", rsa(FIXED | SIGN | RESTRICTED, u16(0x0016, SHA1)));
        k.put("RSA-1024 decrypt OAEP", rsa(FIXED | DECRYPT, u16(0x0017, SHA256)));
        return k;
    }

    private static byte[] ecc(int attributes, byte[] sym, byte[] scheme, byte[] curve, byte[] unique) {
        return cat(u16(0x0023, SHA256), u32(attributes), u16(0), sym, scheme, curve, u16(NULL), unique);
    }

    private static byte[] rsa(int attributes, byte[] scheme) {
        return cat(u16(0x0001, SHA256), u32(attributes), u16(0), u16(NULL), scheme, u16(1024), u32(0), u16(0));
    }

    /** The inScheme values of the grid (TPMT_SIG_SCHEME with details). */
    private static List<byte[]> inSchemes() {
        List<byte[]> r = new ArrayList<>(List.of(u16(NULL)));
        for (int h : new int[] {SHA1, SHA256, SHA384, NULL, 0x0099}) r.add(u16(0x0018, h));
        r.add(u16(0x001C, SHA256));
        r.add(u16(0x001B, SHA256));
        r.add(u16(0x001A, SHA256, 0));
        for (int h : new int[] {SHA1, SHA256}) r.add(u16(0x0014, h));
        r.add(u16(0x0016, SHA256));
        for (int h : new int[] {SHA256, SHA1}) r.add(u16(0x0005, h));
        r.add(u16(0x0015)); // RSAES: no signature scheme
        r.add(u16(0x0099, SHA256));
        return r;
    }

    private static byte[] sign(int key, byte[] digest, byte[] scheme, byte[] ticket) {
        return authorized(0x15D, key, cat(sized(digest), scheme, ticket));
    }

    @Test
    void sign_everyKeySchemeDigestAndTicketOfTheGrid_sameResponseCodeAsSwtpm() throws Exception {
        Tools.require("swtpm");
        List<byte[]> tickets = List.of(cat(u16(0x8024), u32(0x40000007), u16(0)),            // NULL ticket
                cat(u16(0x8024), u32(OWNER), sized(new byte[32])),                            // forged
                cat(u16(0x8021), u32(0x40000007), u16(0)));                                   // wrong tag
        List<String> differences = new ArrayList<>();
        int cases = 0, signed = 0;
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            for (Map.Entry<String, byte[]> key : keys().entrySet()) {
                int hj = createPrimary(j, OWNER, key.getValue(), "jtpm " + key.getKey()),
                        hs = createPrimary(s, OWNER, key.getValue(), "swtpm " + key.getKey());
                for (byte[] scheme : inSchemes()) {
                    for (int size : new int[] {32, 20, 48, 0, 33}) {
                        for (byte[] ticket : tickets) {
                            byte[] digest = new byte[size];
                            java.util.Arrays.fill(digest, (byte) 0x5A);
                            int a = rc(execute(j, sign(hj, digest, scheme, ticket))), b = rc(execute(s, sign(hs, digest, scheme, ticket)));
                            cases++;
                            if (b == 0) signed++;
                            if (a != b) {
                                differences.add(String.format("%s, inScheme %s, digest %d, ticket %s: jtpm 0x%03x, swtpm 0x%03x",
                                        key.getKey(), java.util.HexFormat.of().formatHex(scheme), size,
                                        java.util.HexFormat.of().formatHex(ticket, 0, 6), a, b));
                            }
                        }
                    }
                }
                assertThat(flush(j, hj)).isZero();
                assertThat(flush(s, hs)).isZero();
            }
        }
        java.nio.file.Files.write(java.nio.file.Path.of("target", "sign-differences.txt"), differences);
        assertThat(cases).isGreaterThan(2_000);
        assertThat(signed).as("signatures swtpm made").isGreaterThanOrEqualTo(20);
        assertThat(differences).as("%d of %d differ (all in target/sign-differences.txt); first ones", differences.size(), cases)
                .isEmpty();
    }
}
