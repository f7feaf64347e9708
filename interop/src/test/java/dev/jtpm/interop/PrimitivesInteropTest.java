package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The asymmetric and symmetric primitives (Part 3, 14 and 15) through Debian's tpm2-tools:
 * tpm2_rsaencrypt/tpm2_rsadecrypt round trips, openssl encrypting to the exported PEM, tpm2_encryptdecrypt
 * in every mode, tpm2_ecdhkeygen and tpm2_ecdhzgen agreeing (and agreeing with the JDK's ECDH), and
 * tpm2_geteccparameters octet for octet as swtpm (libtpms) answers. {@code tpm2_flushcontext -t} after
 * each call keeps the three transient slots free.
 */
class PrimitivesInteropTest {
    private static final String DECRYPT_KEY = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt";
    private static final String SYM_KEY = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt|sign";

    private static String path(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run tpm2(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return r;
    }

    private static String hex(String s) { return HexFormat.of().formatHex(s.getBytes()); }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void rsaEncryptDecrypt_roundTripsForEachScheme(Protocol protocol) throws Exception {
        Path dir = Files.createTempDirectory("prims");
        Path msg = dir.resolve("msg");
        Files.writeString(msg, "the message");
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String tcti = s.tcti(), key = path(dir, "rsa.ctx");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "rsa2048", "-a", DECRYPT_KEY, "-c", key).ok();
            for (String[] scheme : new String[][] {{"rsaes"}, {"oaep"}, {"oaep", "the label"}, {"null"}}) {
                String c = path(dir, "c"), out = path(dir, "out");
                String[] label = scheme.length > 1 ? new String[] {"-l", scheme[1]} : new String[0];
                tpm2(tcti, concat(new String[] {"tpm2_rsaencrypt", "-c", key, "-s", scheme[0], "-o", c}, label, msg.toString())).ok();
                assertThat(Files.size(Path.of(c))).isEqualTo(256);
                tpm2(tcti, concat(new String[] {"tpm2_rsadecrypt", "-c", key, "-s", scheme[0], "-o", out}, label, c)).ok();
                byte[] m = Files.readAllBytes(Path.of(out));
                if (scheme[0].equals("null")) m = Arrays.copyOfRange(m, m.length - 11, m.length);
                assertThat(new String(m)).as(String.join(" ", scheme)).isEqualTo("the message");
            }
        }
    }

    private static String[] concat(String[] a, String[] b, String last) {
        String[] r = Arrays.copyOf(a, a.length + b.length + 1);
        System.arraycopy(b, 0, r, a.length, b.length);
        r[r.length - 1] = last;
        return r;
    }

    @Test
    void opensslEncryptsToThePem_tpm2RsadecryptDecrypts() throws Exception {
        Path dir = Files.createTempDirectory("prims");
        Path msg = dir.resolve("msg");
        Files.writeString(msg, "from openssl");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String tcti = s.tcti(), key = path(dir, "rsa.ctx"), pem = path(dir, "rsa.pem");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "rsa2048", "-a", DECRYPT_KEY, "-c", key).ok();
            tpm2(tcti, "tpm2_readpublic", "-Q", "-c", key, "-f", "pem", "-o", pem).ok();
            String[] oaep = {"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"};
            // tpm2-tools sends the label with its terminating NUL, so openssl's label has it too
            String[][] cases = {
                    {"oaep", ""},
                    {"oaep", "my label"},
                    {"rsaes", null}};
            for (String[] cs : cases) {
                String c = path(dir, "c.bin"), out = path(dir, "out.bin");
                java.util.List<String> enc = new java.util.ArrayList<>(java.util.List.of("openssl", "pkeyutl", "-encrypt",
                        "-pubin", "-inkey", pem, "-in", msg.toString(), "-out", c));
                if (cs[0].equals("oaep")) enc.addAll(java.util.List.of(oaep));
                else enc.addAll(java.util.List.of("-pkeyopt", "rsa_padding_mode:pkcs1"));
                if (cs[1] != null && !cs[1].isEmpty()) enc.addAll(java.util.List.of("-pkeyopt", "rsa_oaep_label:" + hex(cs[1]) + "00"));
                Tools.run(Map.of(), null, enc.toArray(String[]::new)).ok();
                java.util.List<String> dec = new java.util.ArrayList<>(java.util.List.of("tpm2_rsadecrypt", "-c", key, "-s", cs[0],
                        "-o", out));
                if (cs[1] != null && !cs[1].isEmpty()) dec.addAll(java.util.List.of("-l", cs[1]));
                dec.add(c);
                tpm2(tcti, dec.toArray(String[]::new)).ok();
                assertThat(Files.readString(Path.of(out))).as(cs[0] + " " + cs[1]).isEqualTo("from openssl");
            }
            // another label: the padding check fails, TPM_RC_VALUE
            String c = path(dir, "c.bin");
            java.util.List<String> enc = new java.util.ArrayList<>(java.util.List.of("openssl", "pkeyutl", "-encrypt", "-pubin",
                    "-inkey", pem, "-in", msg.toString(), "-out", c, "-pkeyopt", "rsa_oaep_label:" + hex("one") + "00"));
            enc.addAll(java.util.List.of(oaep));
            Tools.run(Map.of(), null, enc.toArray(String[]::new)).ok();
            Tools.Run refused = tpm2(tcti, "tpm2_rsadecrypt", "-c", key, "-s", "oaep", "-l", "two", "-o", path(dir, "x"), c);
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("(0x84)");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void encryptDecrypt_roundTripsInEveryMode(Protocol protocol) throws Exception {
        Path dir = Files.createTempDirectory("prims");
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 13 + 1);
        Path in = dir.resolve("in.bin");
        Files.write(in, data);
        Path iv = dir.resolve("iv.bin");
        Files.write(iv, HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String tcti = s.tcti();
            for (String mode : new String[] {"cfb", "cbc", "ecb", "ofb", "ctr"}) {
                String key = path(dir, mode + ".ctx"), enc = path(dir, mode + ".enc"), dec = path(dir, mode + ".dec");
                tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "aes128" + mode, "-a", SYM_KEY, "-c", key).ok();
                String[] ivArgs = mode.equals("ecb") ? new String[0] : new String[] {"-t", iv.toString()};
                tpm2(tcti, concat(new String[] {"tpm2_encryptdecrypt", "-Q", "-c", key, "-G", mode, "-o", enc}, ivArgs,
                        in.toString())).ok();
                byte[] c = Files.readAllBytes(Path.of(enc));
                assertThat(c).as(mode).hasSize(64).isNotEqualTo(data);
                tpm2(tcti, concat(new String[] {"tpm2_encryptdecrypt", "-Q", "-d", "-c", key, "-G", mode, "-o", dec}, ivArgs,
                        enc)).ok();
                assertThat(Files.readAllBytes(Path.of(dec))).as(mode).isEqualTo(data);
            }
        }
    }

    /** A TPM2B_ECC_POINT file as tpm2-tools reads and writes it. */
    private static byte[] eccPoint(BigInteger x, BigInteger y) {
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + 32 + 2 + 32);
        b.putShort((short) 68).putShort((short) 32).put(fixed32(x)).putShort((short) 32).put(fixed32(y));
        return b.array();
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    private static byte[] xOf(byte[] point) {
        ByteBuffer b = ByteBuffer.wrap(point);
        b.getShort();
        byte[] x = new byte[b.getShort()];
        b.get(x);
        return x;
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void ecdhKeyGenAndZGenAgree_andZGenAgreesWithJdk(Protocol protocol) throws Exception {
        Path dir = Files.createTempDirectory("prims");
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String tcti = s.tcti(), key = path(dir, "ecc.ctx"), pem = path(dir, "ecc.pem");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdh-sha256", "-a", DECRYPT_KEY, "-c", key).ok();
            String pub = path(dir, "pub.bin"), z1 = path(dir, "z1.bin"), z2 = path(dir, "z2.bin");
            tpm2(tcti, "tpm2_ecdhkeygen", "-c", key, "-u", pub, "-o", z1).ok();
            tpm2(tcti, "tpm2_ecdhzgen", "-c", key, "-u", pub, "-o", z2).ok();
            assertThat(Files.readAllBytes(Path.of(z2))).isEqualTo(Files.readAllBytes(Path.of(z1)));

            // an ephemeral key of the JDK's: the TPM's Z is the JDK's shared secret
            tpm2(tcti, "tpm2_readpublic", "-Q", "-c", key, "-f", "pem", "-o", pem).ok();
            String b64 = Files.readString(Path.of(pem)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            var tpmKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair mine = g.generateKeyPair();
            ECPublicKey myPub = (ECPublicKey) mine.getPublic();
            Path myPoint = dir.resolve("mine.bin");
            Files.write(myPoint, eccPoint(myPub.getW().getAffineX(), myPub.getW().getAffineY()));
            String z3 = path(dir, "z3.bin");
            tpm2(tcti, "tpm2_ecdhzgen", "-c", key, "-u", myPoint.toString(), "-o", z3).ok();
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(mine.getPrivate());
            ka.doPhase(tpmKey, true);
            assertThat(xOf(Files.readAllBytes(Path.of(z3)))).isEqualTo(ka.generateSecret());
        }
    }

    @Test
    void getEccParameters_sameOctetsAsSwtpm() throws Exception {
        Path dir = Files.createTempDirectory("prims");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            for (String curve : new String[] {"ecc192", "ecc224", "ecc256", "ecc384", "ecc521"}) {
                String mine = path(dir, curve + ".jtpm"), theirs = path(dir, curve + ".swtpm");
                Tools.tpm2(s.tcti(), "tpm2_geteccparameters", curve, "-o", mine).ok();
                Tools.tpm2(ref.tcti(), "tpm2_geteccparameters", curve, "-o", theirs).ok();
                assertThat(HexFormat.of().formatHex(Files.readAllBytes(Path.of(mine)))).as(curve)
                        .isEqualTo(HexFormat.of().formatHex(Files.readAllBytes(Path.of(theirs))));
            }
        }
    }

    /** The TPM response code tpm2-tools prints ("Esys_X(0x1C4)" style), or the whole stderr if none. */
    private static String rcOf(Tools.Run r) {
        assertThat(r.exit()).isNotZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Esys_\\w+\\((0x[0-9A-Fa-f]+)\\)").matcher(r.err());
        return m.find() ? m.group(1) : r.err();
    }

    /** Refusals, whose codes the test compares with libtpms'. */
    private static java.util.List<String> refusals(String tcti, Path dir) throws Exception {
        Path msg = dir.resolve("msg");
        Files.writeString(msg, "0123456789abcdef0");
        Path iv = dir.resolve("iv.bin");
        Files.write(iv, new byte[16]);
        String sign = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";
        String rsaSign = path(dir, "rsasign.ctx"), eccSign = path(dir, "eccsign.ctx"), cbc = path(dir, "cbc.ctx");
        String restricted = path(dir, "restricted.ctx"), out = path(dir, "out");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "rsa2048", "-a", sign, "-c", rsaSign).ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256", "-a", sign, "-c", eccSign).ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "aes128cbc", "-a", SYM_KEY, "-c", cbc).ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "aes128cfb", "-c", restricted).ok();
        String rsaDec = path(dir, "rsadec.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "rsa2048", "-a", DECRYPT_KEY, "-c", rsaDec).ok();
        Path tooLong = dir.resolve("long");
        Files.write(tooLong, new byte[191]);
        String eccDec = path(dir, "eccdec.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdh-sha256", "-a", DECRYPT_KEY, "-c", eccDec).ok();
        Path offCurve = dir.resolve("off.bin");
        Files.write(offCurve, eccPoint(BigInteger.ONE, BigInteger.ONE));
        Path point = dir.resolve("point.bin");
        tpm2(tcti, "tpm2_ecdhkeygen", "-c", eccSign, "-u", point.toString(), "-o", path(dir, "z.bin")).ok();
        return java.util.List.of(
                rcOf(tpm2(tcti, "tpm2_rsaencrypt", "-c", rsaSign, "-o", out, msg.toString())),
                rcOf(tpm2(tcti, "tpm2_rsadecrypt", "-c", rsaSign, "-o", out, msg.toString())),
                rcOf(tpm2(tcti, "tpm2_ecdhzgen", "-c", eccSign, "-u", point.toString(), "-o", out)),
                rcOf(tpm2(tcti, "tpm2_encryptdecrypt", "-c", cbc, "-G", "cfb", "-t", iv.toString(), "-o", out, msg.toString())),
                rcOf(tpm2(tcti, "tpm2_encryptdecrypt", "-c", cbc, "-G", "cbc", "-t", iv.toString(), "-o", out, msg.toString())),
                rcOf(tpm2(tcti, "tpm2_encryptdecrypt", "-c", restricted, "-t", iv.toString(), "-o", out, msg.toString())),
                rcOf(tpm2(tcti, "tpm2_ecdhzgen", "-c", eccDec, "-u", offCurve.toString(), "-o", out)),
                rcOf(tpm2(tcti, "tpm2_rsadecrypt", "-c", rsaDec, "-s", "oaep", "-o", out, msg.toString())),
                rcOf(tpm2(tcti, "tpm2_rsaencrypt", "-c", rsaDec, "-s", "oaep", "-o", out, tooLong.toString())));
    }

    @Test
    void refusals_sameCodesAsSwtpm() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            java.util.List<String> mine = refusals(s.tcti(), Files.createTempDirectory("prims"));
            java.util.List<String> theirs = refusals(ref.tcti(), Files.createTempDirectory("prims"));
            // TPM_RC_ATTRIBUTES on handle 1 (three times), TPM_RC_MODE on EncryptDecrypt2's parameter 3,
            // TPM_RC_SIZE on its parameter 1 (17 octets in CBC), TPM_RC_ATTRIBUTES for a restricted key
            // TPM_RC_ATTRIBUTES on handle 1 (three times), TPM_RC_MODE on EncryptDecrypt2's parameter 3,
            // TPM_RC_SIZE on its parameter 1 (17 octets in CBC), TPM_RC_ATTRIBUTES for a restricted key,
            // TPM_RC_ECC_POINT on ECDH_ZGen's parameter 1, a bare TPM_RC_SIZE for a short RSA cipherText; then a too long OAEP message: TPM_RC_VALUE as
            // ms-tpm-20-ref answers, where libtpms answers TPM_RC_FAILURE
            assertThat(mine).containsExactly("0x182", "0x182", "0x182", "0x3C9", "0x1D5", "0x182", "0x1E7", "0x95", "0x84");
            assertThat(mine.subList(0, 8)).isEqualTo(theirs.subList(0, 8));
            assertThat(theirs.get(8)).isEqualTo("0x101");
        }
    }

    /** Output and ivOut of tpm2_encryptdecrypt in every mode for a key loaded with tpm2_loadexternal. */
    private static java.util.List<String> knownKeyRuns(String tcti, Path dir, Path key, Path iv, Path odd, Path even)
            throws Exception {
        String ctx = path(dir, "k.ctx");
        java.util.List<String> r = new java.util.ArrayList<>();
        for (String mode : new String[] {"cfb", "cbc", "ecb", "ofb", "ctr"}) {
            Tools.tpm2(tcti, "tpm2_loadexternal", "-Q", "-C", "n", "-G", "aes", "-r", key.toString(), "-c", ctx).ok();
            Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
            Path in = mode.equals("cbc") || mode.equals("ecb") ? even : odd;
            Path out = dir.resolve(mode + ".out"), ivOut = dir.resolve(mode + ".iv");
            String[] ivArgs = mode.equals("ecb") ? new String[0] : new String[] {"-t", iv + ":" + ivOut};
            tpm2(tcti, concat(new String[] {"tpm2_encryptdecrypt", "-Q", "-c", ctx, "-G", mode, "-o", out.toString()}, ivArgs,
                    in.toString())).ok();
            r.add(mode + " " + HexFormat.of().formatHex(Files.readAllBytes(out)) + " "
                    + (mode.equals("ecb") ? "" : HexFormat.of().formatHex(Files.readAllBytes(ivOut))));
        }
        return r;
    }

    @Test
    void encryptDecrypt_knownKey_sameOutputAndIvOutAsSwtpm_andOpenssl() throws Exception {
        Path dir = Files.createTempDirectory("prims");
        Path key = dir.resolve("key.bin"), iv = dir.resolve("iv.bin"), odd = dir.resolve("odd.bin"), even = dir.resolve("even.bin");
        Files.write(key, HexFormat.of().parseHex("2b7e151628aed2a6abf7158809cf4f3c"));
        Files.write(iv, HexFormat.of().parseHex("000102030405060708090a0b0c0d0eff"));
        byte[] data = new byte[37];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 29 + 3);
        Files.write(odd, data);
        Files.write(even, Arrays.copyOf(data, 32));
        java.util.List<String> mine, theirs;
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            mine = knownKeyRuns(s.tcti(), Files.createTempDirectory("prims"), key, iv, odd, even);
        }
        try (SwtpmReference ref = new SwtpmReference()) {
            theirs = knownKeyRuns(ref.tcti(), Files.createTempDirectory("prims"), key, iv, odd, even);
        }
        assertThat(mine).isEqualTo(theirs);
        for (String line : mine) {
            String[] f = line.split(" ");
            String cipher = f[0].equals("ctr") ? "aes-128-ctr" : "aes-128-" + f[0];
            Path in = f[0].equals("cbc") || f[0].equals("ecb") ? even : odd;
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("openssl", "enc", "-" + cipher, "-nopad",
                    "-K", "2b7e151628aed2a6abf7158809cf4f3c", "-in", in.toString(), "-out", path(dir, "ossl.out")));
            if (!f[0].equals("ecb")) cmd.addAll(java.util.List.of("-iv", "000102030405060708090a0b0c0d0eff"));
            Tools.run(Map.of(), null, cmd.toArray(String[]::new)).ok();
            assertThat(HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("ossl.out")))).as(f[0]).isEqualTo(f[1]);
        }
    }

    /** Raw (TPM_ALG_NULL) RSA of a key loaded with tpm2_loadexternal: encryption of a short message and decryption. */
    private static java.util.List<String> rawRsaRuns(String tcti, Path dir, Path pem, Path msg) throws Exception {
        String ctx = path(dir, "k.ctx"), c = path(dir, "c.bin"), m = path(dir, "m.bin");
        Tools.tpm2(tcti, "tpm2_loadexternal", "-Q", "-C", "n", "-G", "rsa", "-r", pem.toString(), "-c", ctx).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        tpm2(tcti, "tpm2_rsaencrypt", "-c", ctx, "-s", "null", "-o", c, msg.toString()).ok();
        tpm2(tcti, "tpm2_rsadecrypt", "-c", ctx, "-s", "null", "-o", m, c).ok();
        return java.util.List.of(HexFormat.of().formatHex(Files.readAllBytes(Path.of(c))),
                HexFormat.of().formatHex(Files.readAllBytes(Path.of(m))));
    }

    @Test
    void rawRsa_sameOctetsAsSwtpm() throws Exception {
        Path dir = Files.createTempDirectory("prims");
        Path pem = dir.resolve("key.pem"), msg = dir.resolve("msg");
        Tools.run(Map.of(), null, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", pem.toString()).ok();
        Files.write(msg, HexFormat.of().parseHex("0000" + hex("raw message")));
        java.util.List<String> mine, theirs;
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            mine = rawRsaRuns(s.tcti(), Files.createTempDirectory("prims"), pem, msg);
        }
        try (SwtpmReference ref = new SwtpmReference()) {
            theirs = rawRsaRuns(ref.tcti(), Files.createTempDirectory("prims"), pem, msg);
        }
        assertThat(mine).isEqualTo(theirs);
        assertThat(mine.get(1)).hasSize(512).endsWith(hex("raw message"));
    }

    /** The tpm2_getcap algorithms block of one algorithm (its name line and attribute lines). */
    private static String algBlock(String getcap, String name) {
        int i = getcap.indexOf("\n" + name + ":");
        assertThat(i).as(name).isNotNegative();
        String rest = getcap.substring(i + 1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\n[a-z0-9_]+:").matcher(rest);
        return m.find() ? rest.substring(0, m.start()) : rest;
    }

    @Test
    void getcapAlgorithms_andTestparms_agreeWithSwtpmForTheNewRows() throws Exception {
        String[] rows = {"rsaes", "oaep", "mgf1", "ecdh", "ctr", "ofb", "cbc", "cfb", "ecb"};
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            String mine = Tools.tpm2(s.tcti(), "tpm2_getcap", "algorithms").ok().out();
            String theirs = Tools.tpm2(ref.tcti(), "tpm2_getcap", "algorithms").ok().out();
            for (String row : rows) assertThat(algBlock("\n" + mine, row)).as(row).isEqualTo(algBlock("\n" + theirs, row));
            for (String parms : new String[] {"aes128cbc", "aes256ecb", "aes256cfb", "aes128ofb", "aes128ctr", "rsa2048:oaep", "rsa2048:rsaes",
                    "ecc256:ecdh-sha256"}) {
                Tools.Run a = Tools.tpm2(s.tcti(), "tpm2_testparms", parms), b = Tools.tpm2(ref.tcti(), "tpm2_testparms", parms);
                assertThat(a.exit() + " " + a.err()).as(parms).isEqualTo(b.exit() + " " + b.err());
                assertThat(a.exit()).as(parms).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void ecdhKeyGen_onALoadedPublicKey_zPointIsWhatTheJdkDerivesWithThePrivateKey(Protocol protocol) throws Exception {
        Path dir = Files.createTempDirectory("prims");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair staticKey = g.generateKeyPair();
        Path pem = dir.resolve("pub.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(staticKey.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String tcti = s.tcti(), ctx = path(dir, "pub.ctx"), pub = path(dir, "q.bin"), z = path(dir, "z.bin");
            tpm2(tcti, "tpm2_loadexternal", "-Q", "-C", "o", "-G", "ecc", "-u", pem.toString(), "-c", ctx).ok();
            tpm2(tcti, "tpm2_ecdhkeygen", "-c", ctx, "-u", pub, "-o", z).ok();
            byte[] q = Files.readAllBytes(Path.of(pub));
            ByteBuffer b = ByteBuffer.wrap(q);
            b.getShort();
            byte[] x = new byte[b.getShort()];
            b.get(x);
            byte[] y = new byte[b.getShort()];
            b.get(y);
            var spec = ((ECPublicKey) staticKey.getPublic()).getParams();
            var ephemeral = KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
                    new java.security.spec.ECPoint(new BigInteger(1, x), new BigInteger(1, y)), spec));
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(staticKey.getPrivate());
            ka.doPhase(ephemeral, true);
            assertThat(xOf(Files.readAllBytes(Path.of(z)))).isEqualTo(ka.generateSecret());
        }
    }
}
