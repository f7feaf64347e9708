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
 * TPM2_TestParms over a grid of parameter sets — every object type with the algorithms, key sizes,
 * curves, schemes, hashes, KDFs and symmetric definitions the TCG registry has (implemented or not,
 * valid or not) — answers the same response code on jtpm as on swtpm 0.7.1 (libtpms), parameter index
 * included. The commands are raw octets, so values no codec would write (unknown curves, schemes in
 * the wrong union) are in the grid too.
 *
 * <p>Two differences are deliberate, because the issue asks for more than libtpms 0.9 offers: RSA-4096
 * keys and AES-192. For those the reference is asked about the same set with RSA-3072 / AES-128, and jtpm
 * must answer as libtpms answers for a size it supports.
 */
class TestParmsDifferentialTest {
    private static final int RSA = 0x0001, KEYEDHASH = 0x0008, ECC = 0x0023, SYMCIPHER = 0x0025, NULL = 0x0010;
    private static final int[] HASHES = {0x0004, 0x000B, 0x000C, 0x000D, 0x0012, NULL};
    private static final int AES = 0x0006, TDES = 0x0003, CAMELLIA = 0x0026, SM4 = 0x0013, XOR = 0x000A;
    private static final int CTR = 0x0040, OFB = 0x0041, CBC = 0x0042, CFB = 0x0043, ECB = 0x0044, CMAC = 0x003F;

    /** An unsigned 16-bit field and the rest of a marshalled structure. */
    /** TPMT_SYM_DEF_OBJECT: NULL alone, else algorithm, keyBits, mode. */
    private static List<byte[]> symDefs(boolean all) {
        List<byte[]> r = new ArrayList<>(List.of(u16(NULL), u16(AES, 128, CFB), u16(AES, 256, CFB), u16(CAMELLIA, 128, CFB),
                u16(TDES, 128, CFB), u16(SM4, 128, CFB), u16(AES, 128, CBC), u16(AES, 100, CFB), u16(XOR, 0x000B)));
        if (all) {
            for (int alg : new int[] {AES, CAMELLIA, TDES, SM4, XOR, 0x0099}) {
                for (int bits : new int[] {0, 64, 128, 192, 256}) {
                    for (int mode : new int[] {CFB, CBC, ECB, OFB, CTR, CMAC, NULL, 0x0099}) r.add(u16(alg, bits, mode));
                }
            }
        }
        return r;
    }

    /** A scheme selector with its details: nothing for NULL and the schemes without, else the hash (and ECDAA's count). */
    private static List<byte[]> schemes(int[] withHash, int[] withoutHash, boolean ecdaa) {
        List<byte[]> r = new ArrayList<>();
        r.add(u16(NULL));
        for (int s : withoutHash) r.add(u16(s));
        for (int s : withHash) for (int h : HASHES) r.add(u16(s, h));
        if (ecdaa) for (int h : HASHES) for (int count : new int[] {0, 1}) r.add(u16(0x001A, h, count));
        return r;
    }

    /** The parameter set as libtpms 0.9 would need it to be comparable: RSA-4096 as 3072, AES-192 as 128. */
    private static byte[] reference(String name, byte[] parms) {
        byte[] r = parms.clone();
        int keyBits = r.length - 6; // TPMS_RSA_PARMS ends with keyBits (2 octets) and exponent (4)
        if (name.startsWith("RSA sym") && r[keyBits] == 0x10 && r[keyBits + 1] == 0) r[keyBits] = 0x0C;
        for (int i = 0; i + 3 < r.length; i++) { // a TPMT_SYM_DEF_OBJECT of AES with keyBits 192
            if (r[i] == 0 && r[i + 1] == AES && r[i + 2] == 0 && (r[i + 3] & 0xFF) == 192) r[i + 3] = (byte) 128;
        }
        return r;
    }

    private static Map<String, byte[]> grid() {
        Map<String, byte[]> g = new LinkedHashMap<>();
        // RSA: symmetric, scheme, keyBits, exponent
        List<byte[]> rsaSchemes = schemes(new int[] {0x0014, 0x0016, 0x0017, 0x0018 /* ECDSA: wrong union */}, new int[] {0x0015}, false);
        for (byte[] sym : symDefs(false)) {
            for (byte[] scheme : rsaSchemes) {
                for (int bits : new int[] {0, 512, 1024, 1536, 2048, 3072, 4096}) {
                    for (long e : new long[] {0, 3, 65537}) {
                        g.put("RSA sym " + hex(sym) + " scheme " + hex(scheme) + " bits " + bits + " e " + e,
                                cat(u16(RSA), sym, scheme, u16(bits), new byte[] {(byte) (e >>> 24), (byte) (e >>> 16), (byte) (e >>> 8), (byte) e}));
                    }
                }
            }
        }
        // ECC: symmetric, scheme, curve, kdf
        List<byte[]> eccSchemes = schemes(new int[] {0x0018, 0x0019, 0x001B, 0x001C, 0x001D, 0x0014 /* RSASSA: wrong union */},
                new int[] {}, true);
        List<byte[]> kdfs = List.of(u16(NULL), u16(0x0007, 0x000B), u16(0x0020, 0x000B), u16(0x0021, 0x000B),
                u16(0x0022, 0x000B), u16(0x0021, 0x0004), u16(0x0021, NULL), u16(0x0099, 0x000B));
        for (byte[] sym : List.of(u16(NULL), u16(AES, 128, CFB), u16(CAMELLIA, 256, CFB))) {
            for (byte[] scheme : eccSchemes) {
                for (int curve : new int[] {0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0010, 0x0011, 0x0020, 0x0099}) {
                    for (byte[] kdf : kdfs) {
                        g.put("ECC sym " + hex(sym) + " scheme " + hex(scheme) + " curve " + curve + " kdf " + hex(kdf),
                                cat(u16(ECC), sym, scheme, u16(curve), kdf));
                    }
                }
            }
        }
        // SYMCIPHER: the symmetric definition alone
        for (byte[] sym : symDefs(true)) g.put("SYMCIPHER " + hex(sym), cat(u16(SYMCIPHER), sym));
        // KEYEDHASH: NULL, HMAC with a hash, XOR with a hash and a KDF
        g.put("KEYEDHASH NULL", u16(KEYEDHASH, NULL));
        for (int h : HASHES) {
            g.put("KEYEDHASH HMAC " + h, u16(KEYEDHASH, 0x0005, h));
            for (int kdf : new int[] {0x0007, 0x0020, 0x0021, 0x0022, NULL, 0x0099}) {
                g.put("KEYEDHASH XOR " + h + " kdf " + kdf, u16(KEYEDHASH, XOR, h, kdf));
            }
        }
        g.put("KEYEDHASH wrong scheme", u16(KEYEDHASH, 0x0014, 0x000B));
        // types that are no object type, and nothing at all after the type
        for (int type : new int[] {NULL, 0x0006, 0x0099}) g.put("type " + type, u16(type, NULL));
        g.put("RSA truncated", u16(RSA, NULL));
        return g;
    }

    private static String hex(byte[] b) { return java.util.HexFormat.of().formatHex(b); }

    /** TPM2_TestParms (0x18A), no sessions. */
    private static byte[] testParms(byte[] parms) { return command(0x18A, parms); }

    private static int code(SwtpmSocketTransport t, byte[] command) throws IOException { return rc(execute(t, command)); }

    @Test
    void testParms_everyParameterSetOfTheGrid_sameResponseCodeAsSwtpm() throws Exception {
        Tools.require("swtpm");
        Map<String, byte[]> grid = grid();
        List<String> differences = new ArrayList<>();
        int accepted = 0;
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            for (Map.Entry<String, byte[]> e : grid.entrySet()) {
                int a = code(j, testParms(e.getValue())), b = code(s, testParms(reference(e.getKey(), e.getValue())));
                if (b == 0) accepted++;
                if (a != b) differences.add(String.format("%s: jtpm 0x%03x, swtpm 0x%03x", e.getKey(), a, b));
            }
        }
        // all of them, for whoever reads a failure: target/testparms-differences.txt
        java.nio.file.Files.write(java.nio.file.Path.of("target", "testparms-differences.txt"), differences);
        assertThat(grid).hasSizeGreaterThan(5_000);
        assertThat(accepted).as("parameter sets swtpm accepts").isGreaterThan(500);
        assertThat(differences).as("%d of %d parameter sets differ; first ones", differences.size(), grid.size())
                .isEmpty();
    }
}
