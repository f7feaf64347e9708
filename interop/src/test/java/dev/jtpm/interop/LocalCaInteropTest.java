package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.TcgCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * jtpm's local CA against the real swtpm_localca 0.7.1 (a private statedir, --configfile and --optsfile): for the same
 * key, VM id, TPM identity and use, the certificates read the same in {@code openssl x509 -text} but for serial,
 * dates, the issuer's name and key identifier, and signatures; swtpm_localca signs with a CA directory jtpm made, and
 * openssl verifies each CA's certificates against its root.
 */
class LocalCaInteropTest {
    private static final Pattern HEX_LINE = Pattern.compile("^\\s+([0-9A-Fa-f]{2}:)*[0-9A-Fa-f]{2}:?$");
    private static final TcgCertificates.TpmInfo SWTPM =
            new TcgCertificates.TpmInfo("id:00001014", "swtpm", "id:20191023", "2.0", 0, 164);

    static String text(Path der) {
        return Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", der.toString(), "-text", "-noout").ok().out()
                .lines().filter(l -> !HEX_LINE.matcher(l).matches())
                .map(l -> l.replaceAll("Serial Number: .*", "Serial Number: <serial>")
                        .replaceAll("Not Before: .*", "Not Before: <now>")
                        .replaceAll("Issuer: CN = .*", "Issuer: <ca>"))
                .collect(Collectors.joining("\n"));
    }

    /** swtpm_localca with a private configuration; returns the certificate it wrote. */
    static Path swtpmLocalca(Path work, Path caDir, String type, String ek, String... extra) throws Exception {
        Path conf = work.resolve("localca.conf"), opts = work.resolve("localca.options");
        Files.writeString(conf, "statedir = " + caDir + "\nsigningkey = " + caDir.resolve("signkey.pem") + "\nissuercert = "
                + caDir.resolve("issuercert.pem") + "\ncertserial = " + caDir.resolve("certserial") + "\n");
        Files.writeString(opts, "--platform-manufacturer Fedora\n--platform-version 2.1\n--platform-model QEMU\n");
        Path out = Files.createTempDirectory(work, "out");
        List<String> cmd = new ArrayList<>(List.of("swtpm_localca", "--type", type, "--ek", ek, "--dir", out.toString(),
                "--vmid", "test", "--tpm2", "--configfile", conf.toString(), "--optsfile", opts.toString(),
                "--tpm-spec-family", "2.0", "--tpm-spec-revision", "164", "--tpm-spec-level", "0",
                "--tpm-manufacturer", "id:00001014", "--tpm-model", "swtpm", "--tpm-version", "id:20191023"));
        cmd.addAll(List.of(extra));
        Tools.run(Map.of(), null, cmd.toArray(String[]::new)).ok();
        return out.resolve(type.equals("ek") ? "ek.cert" : "platform.cert");
    }

    static String ekParam(java.security.PublicKey k) {
        HexFormat hex = HexFormat.of();
        if (k instanceof RSAPublicKey r) {
            byte[] n = r.getModulus().toByteArray();
            return hex.formatHex(n[0] == 0 ? java.util.Arrays.copyOfRange(n, 1, n.length) : n);
        }
        ECPublicKey e = (ECPublicKey) k;
        return "x=" + hex.formatHex(fixed(e.getW().getAffineX().toByteArray())) + ",y="
                + hex.formatHex(fixed(e.getW().getAffineY().toByteArray())) + ",id=secp384r1";
    }

    private static byte[] fixed(byte[] b) {
        byte[] r = new byte[48];
        int n = Math.min(b.length, 48);
        System.arraycopy(b, b.length - n, r, 48 - n, n);
        return r;
    }

    static Path write(Path work, String name, X509Certificate c) throws Exception {
        Path p = work.resolve(name);
        Files.write(p, c.getEncoded());
        return p;
    }

    @Test
    void sameKeySameInputs_sameCertificateText_asSwtpmLocalca() throws Exception {
        Tools.require("swtpm_localca");
        Tools.require("openssl");
        Path work = Files.createTempDirectory("jtpm-localca-interop");
        Path swCa = Files.createDirectories(work.resolve("swtpm-ca"));
        LocalCa jCa = LocalCa.open(work.resolve("jtpm-ca"));
        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        KeyPair rsa = rg.generateKeyPair();
        KeyPairGenerator eg = KeyPairGenerator.getInstance("EC");
        eg.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair ec = eg.generateKeyPair();

        record Case(String name, java.security.PublicKey key, String type, TcgCertificates.KeyUse use, String[] flags) {}
        for (Case c : List.of(
                new Case("rsa-ek", rsa.getPublic(), "ek", TcgCertificates.KeyUse.STANDARD, new String[0]),
                new Case("ecc-ek", ec.getPublic(), "ek", TcgCertificates.KeyUse.STANDARD, new String[0]),
                new Case("rsa-sign", rsa.getPublic(), "ek", new TcgCertificates.KeyUse(true, false), new String[] {"--allow-signing"}),
                new Case("rsa-sign-decrypt", rsa.getPublic(), "ek", new TcgCertificates.KeyUse(true, true),
                        new String[] {"--allow-signing", "--decryption"}),
                new Case("ecc-sign", ec.getPublic(), "ek", new TcgCertificates.KeyUse(true, false), new String[] {"--allow-signing"}),
                new Case("platform", rsa.getPublic(), "platform", TcgCertificates.KeyUse.STANDARD, new String[0]))) {
            Path sw = swtpmLocalca(work, swCa, c.type(), ekParam(c.key()), c.flags());
            X509Certificate mine = c.type().equals("ek") ? jCa.issueEk("test", c.key(), SWTPM, c.use())
                    : jCa.issuePlatform("test", c.key(), new TcgCertificates.PlatformInfo("Fedora", "QEMU", "2.1"), c.use());
            Path j = write(work, c.name() + ".der", mine);
            assertThat(text(j)).as(c.name()).isEqualTo(text(sw));
            assertThat(Tools.run(Map.of(), null, "openssl", "verify", "-CAfile",
                    work.resolve("jtpm-ca").resolve(LocalCa.ROOT_CERT).toString(), "-untrusted",
                    work.resolve("jtpm-ca").resolve(LocalCa.ISSUER_CERT).toString(), pem(work, j)).ok().out()).contains(": OK");
            assertThat(Tools.run(Map.of(), null, "openssl", "verify", "-CAfile", swCa.resolve(LocalCa.ROOT_CERT).toString(),
                    "-untrusted", swCa.resolve(LocalCa.ISSUER_CERT).toString(), pem(work, sw)).ok().out()).contains(": OK");
        }
    }

    @Test
    void swtpmLocalca_signsWithACaDirectoryJtpmMade() throws Exception {
        Tools.require("swtpm_localca");
        Path work = Files.createTempDirectory("jtpm-localca-interop");
        Path dir = work.resolve("jtpm-ca");
        Tools.Run printed = SetupInteropTest.jtpm("localca", "--dir", dir.toString(), "--print-ca-cert").ok();
        Path caPem = work.resolve("ca.pem");
        Files.writeString(caPem, printed.out());
        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        Path sw = swtpmLocalca(work, dir, "ek", ekParam(rg.generateKeyPair().getPublic()));
        assertThat(Tools.run(Map.of(), null, "openssl", "verify", "-CAfile", caPem.toString(), pem(work, sw)).ok().out())
                .contains(": OK");
        assertThat(text(sw)).contains("Issuer: <ca>");
        assertThat(Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", sw.toString(), "-noout", "-issuer")
                .ok().out()).contains("CN = " + LocalCa.ISSUER_CN);
        // and the serial file both use: swtpm_localca took 2 (jtpm's CA starts the file at 1)
        assertThat(Files.readString(dir.resolve(LocalCa.CERT_SERIAL)).strip()).isEqualTo("2");
    }

    static String pem(Path work, Path der) {
        Path p = work.resolve(der.getFileName() + "-" + der.getParent().getFileName() + ".pem");
        Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", der.toString(), "-out", p.toString()).ok();
        return p.toString();
    }
}
