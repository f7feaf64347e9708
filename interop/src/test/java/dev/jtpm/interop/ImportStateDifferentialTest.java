package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static dev.jtpm.interop.Tools.tpm2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * libtpms' primary derivation, differentially: a swtpm state (fresh seeds) is taken over by jtpm, then swtpm and jtpm
 * receive the same raw TPM2_CreatePrimary commands — RSA 1024/2048/3072 with several exponents, unique fields and
 * attributes, ECC on every curve libtpms has, AES/Camellia/TDES keys (drawn or given), HMAC keys, sealed data, XOR
 * derivation parents, four nameAlgs — in the owner, endorsement and platform hierarchies. Each response must be the same
 * octets after the object handle: outPublic, creation data and hash, the creation ticket (the imported proofs) and the
 * Name. (RSA-4096 is left out: jtpm has it, swtpm 0.7.1 answers TPM_RC_VALUE.)
 */
class ImportStateDifferentialTest {
    private static final int OWNER = 0x40000001, ENDORSEMENT = 0x4000000B, PLATFORM = 0x4000000C;
    private static final int NULL = 0x0010, SHA1 = 0x0004, SHA256 = 0x000B, SHA384 = 0x000C, SHA512 = 0x000D;
    private static final int STORAGE = 0x00030072, SIGN = 0x00040072, DECRYPT_SIGN = 0x00060072, DECRYPT = 0x00020072,
            SEAL = 0x00000052;

    private static byte[] pub(int type, int nameAlg, int attributes, byte[] parms, byte[] unique) {
        return cat(u16(type), u16(nameAlg), u32(attributes), u16(0), parms, unique);
    }

    private static byte[] rsa(int nameAlg, int attributes, byte[] sym, byte[] scheme, int bits, int exponent, byte[] unique) {
        return pub(0x0001, nameAlg, attributes, cat(sym, scheme, u16(bits), u32(exponent)), sized(unique));
    }

    private static byte[] ecc(int nameAlg, int attributes, byte[] sym, byte[] scheme, int curve, byte[] x, byte[] y) {
        return pub(0x0023, nameAlg, attributes, cat(sym, scheme, u16(curve), u16(NULL)), cat(sized(x), sized(y)));
    }

    private static Map<String, byte[][]> templates() {
        Map<String, byte[][]> m = new LinkedHashMap<>();
        byte[] none = u16(NULL), aes128 = u16(0x0006, 128, 0x0043), aes256 = u16(0x0006, 256, 0x0043);
        byte[] empty = new byte[0], data = "sensitive data".getBytes();
        for (int bits : new int[] {1024, 2048, 3072}) {
            m.put("rsa" + bits + " storage", new byte[][] {rsa(SHA256, STORAGE, aes128, none, bits, 0, empty), empty});
            m.put("rsa" + bits + " rsassa", new byte[][] {rsa(SHA256, SIGN, none, u16(0x0014, SHA256), bits, 0, empty), empty});
        }
        m.put("rsa2048 e=65539", new byte[][] {rsa(SHA256, SIGN, none, none, 2048, 65539, empty), empty});
        m.put("rsa2048 e=65537 explicit", new byte[][] {rsa(SHA256, DECRYPT_SIGN, none, none, 2048, 65537, empty), empty});
        m.put("rsa2048 e=3", new byte[][] {rsa(SHA256, SIGN, none, none, 2048, 3, empty), empty});
        m.put("rsa2048 unique", new byte[][] {rsa(SHA256, STORAGE, aes128, none, 2048, 0, "my unique".getBytes()), empty});
        m.put("rsa2048 sha1", new byte[][] {rsa(SHA1, DECRYPT, none, u16(0x0017, SHA1), 2048, 0, empty), empty});
        m.put("rsa2048 sha384 aes256", new byte[][] {rsa(SHA384, STORAGE, aes256, none, 2048, 0, empty), empty});
        m.put("rsa2048 sha512 oaep", new byte[][] {rsa(SHA512, DECRYPT, none, u16(0x0017, SHA512), 2048, 0, empty), empty});
        for (int curve : new int[] {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0010, 0x0011, 0x0020}) {
            m.put("ecc " + curve + " sign", new byte[][] {ecc(SHA256, SIGN, none, none, curve, empty, empty), empty});
        }
        m.put("ecc p256 storage", new byte[][] {ecc(SHA256, STORAGE, aes128, none, 0x0003, empty, empty), empty});
        m.put("ecc p384 ecdsa sha384", new byte[][] {ecc(SHA384, SIGN, none, u16(0x0018, SHA384), 0x0004, empty, empty), empty});
        m.put("ecc p256 unique", new byte[][] {ecc(SHA256, STORAGE, aes128, none, 0x0003, new byte[32], "y".getBytes()), empty});
        m.put("ecc p521 ecdh", new byte[][] {ecc(SHA512, DECRYPT, none, u16(0x0019, SHA512), 0x0005, empty, empty), empty});
        for (int[] sym : new int[][] {{0x0006, 128}, {0x0006, 256}, {0x0026, 128}, {0x0026, 256}, {0x0003, 128}, {0x0003, 192}}) {
            byte[] def = u16(sym[0], sym[1], 0x0043);
            m.put("sym " + sym[0] + "/" + sym[1] + " storage", new byte[][] {pub(0x0025, SHA256, STORAGE, def, u16(0)), empty});
            m.put("sym " + sym[0] + "/" + sym[1] + " decrypt|sign", new byte[][] {
                pub(0x0025, SHA256, DECRYPT_SIGN, def, u16(0)), empty});
        }
        m.put("aes128 given key", new byte[][] {pub(0x0025, SHA256, DECRYPT_SIGN & ~0x20, u16(0x0006, 128, 0x0043), u16(0)),
            "0123456789abcdef".getBytes()});
        for (int hash : new int[] {SHA1, SHA256, SHA384, SHA512}) {
            m.put("hmac " + hash, new byte[][] {pub(0x0008, SHA256, SIGN, u16(0x0005, hash), u16(0)), empty});
        }
        m.put("hmac given key", new byte[][] {pub(0x0008, SHA256, SIGN & ~0x20, u16(0x0005, SHA256), u16(0)), data});
        m.put("sealed", new byte[][] {pub(0x0008, SHA256, SEAL, u16(NULL), u16(0)), data});
        m.put("sealed sha512", new byte[][] {pub(0x0008, SHA512, SEAL, u16(NULL), u16(0)), "x".getBytes()});
        m.put("xor parent", new byte[][] {pub(0x0008, SHA256, STORAGE, u16(0x000A, SHA256, 0x0022), u16(0)), empty});
        m.put("keyedhash decrypt", new byte[][] {pub(0x0008, SHA384, DECRYPT, u16(NULL), u16(0)), empty});
        return m;
    }

    @Test
    void importedSeeds_createTheSamePrimariesAsSwtpm() throws Exception {
        Tools.require("swtpm");
        Path work = JtpmServer.tempDir();
        Path swtpmDir = work.resolve("swtpm"), jtpmDir = work.resolve("jtpm");
        Files.createDirectories(swtpmDir);
        int port = FreePorts.pair();
        List<String> swtpm = List.of("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear",
                "--tpmstate", "dir=" + swtpmDir);
        String tcti = "swtpm:host=127.0.0.1,port=" + port;
        // a first run manufactures swtpm's seeds; it stops after TPM2_Shutdown
        Process p = start(swtpm, work, port);
        try {
            tpm2(tcti, "tpm2_shutdown", "-c").ok();
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-s").ok();
            p.waitFor(30, TimeUnit.SECONDS);
        } finally {
            p.destroy();
        }
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", swtpmDir.toString(), "--tpmstate", "dir=" + jtpmDir))
                .isZero();

        List<String> differences = new ArrayList<>();
        int created = 0, cases = 0;
        p = start(swtpm, work, port);
        try (JtpmServer jtpm = JtpmServer.onState(jtpmDir, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false));
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            for (int hierarchy : new int[] {OWNER, ENDORSEMENT, PLATFORM}) {
                for (Map.Entry<String, byte[][]> t : templates().entrySet()) {
                    byte[] sensitive = cat(u16(0), sized(t.getValue()[1]));
                    byte[] cmd = authorized(0x131, hierarchy, cat(sized(sensitive), sized(t.getValue()[0]), u16(0), u32(0)));
                    byte[] a = execute(j, cmd), b = execute(s, cmd);
                    cases++;
                    String what = Integer.toHexString(hierarchy) + " " + t.getKey();
                    if (rc(a) != rc(b)) {
                        differences.add(what + ": jtpm 0x" + Integer.toHexString(rc(a)) + ", swtpm 0x" + Integer.toHexString(rc(b)));
                    } else if (rc(a) == 0) {
                        created++;
                        byte[] ra = Arrays.copyOfRange(a, 14, a.length), rb = Arrays.copyOfRange(b, 14, b.length);
                        if (!Arrays.equals(ra, rb)) {
                            differences.add(what + ": responses differ\n jtpm  " + HexFormat.of().formatHex(ra)
                                    + "\n swtpm " + HexFormat.of().formatHex(rb));
                        }
                    }
                    if (rc(a) == 0) assertThat(flush(j, u32At(a, 10))).isZero();
                    if (rc(b) == 0) assertThat(flush(s, u32At(b, 10))).isZero();
                }
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(differences).as(cases + " cases, " + created + " created").isEmpty();
        assertThat(created).isGreaterThan(100);
    }

    private static Process start(List<String> command, Path work, int port) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("swtpm.log").toFile()).start();
        for (int i = 0; ; i++) {
            try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port + 1)) {
                return p;
            } catch (java.io.IOException e) {
                if (i > 400 || !p.isAlive()) throw new IllegalStateException("swtpm did not start");
                Thread.sleep(25);
            }
        }
    }
}
