package dev.jtpm.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA: its files, modes and serial numbers, the chain the JDK's PKIX validator accepts, and
 * a CA configured the swtpm-localca.conf way.
 */
class LocalCaTest {
    private static final TcgCertificates.TpmInfo TPM =
            new TcgCertificates.TpmInfo("id:00001014", "swtpm", "id:20191023", "2.0", 0, 164);

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** PKIX with the JDK (not Bouncy Castle): the root as trust anchor, the signing certificate in the path. */
    static void validate(X509Certificate leaf, LocalCa ca) throws Exception {
        var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf, ca.issuerCertificate()));
        PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(ca.rootCertificate(), null)));
        p.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, p);
    }

    @Test
    void firstUse_createsSwtpmLocalcaLayout_withPrivateKeysMode0600() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ca").resolve("nested");
        LocalCa ca = LocalCa.open(dir);
        for (String f : List.of(LocalCa.ROOT_KEY, LocalCa.SIGNING_KEY))
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).isEqualTo("rw-------");
        assertThat(dir.resolve(LocalCa.ROOT_CERT)).exists();
        assertThat(dir.resolve(LocalCa.ISSUER_CERT)).exists();
        assertThat(dir.resolve(LocalCa.LOCK)).exists();
        assertThat(Files.readString(dir.resolve(LocalCa.CERT_SERIAL))).isEqualTo("1");
        assertThat(Files.readString(dir.resolve(LocalCa.SIGNING_KEY))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        X509Certificate root = ca.rootCertificate(), issuer = ca.issuerCertificate();
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=" + LocalCa.ROOT_CN);
        assertThat(issuer.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(issuer.getSubjectX500Principal().getName()).isEqualTo("CN=" + LocalCa.ISSUER_CN);
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(issuer.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(root.getKeyUsage()[5]).isTrue();                  // keyCertSign
        assertThat(root.getNotAfter().toInstant()).isEqualTo(TcgCertificates.NOT_AFTER);
        issuer.verify(root.getPublicKey());
        root.verify(root.getPublicKey());
        assertThat(ca.caCertificatesPem().split("BEGIN CERTIFICATE")).hasSize(3);
    }

    @Test
    void reopening_keepsTheCa_andSerialsCountUp() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ca");
        LocalCa a = LocalCa.open(dir);
        X509Certificate c1 = a.issueEk("vm", rsa().getPublic(), TPM, TcgCertificates.KeyUse.STANDARD);
        LocalCa b = LocalCa.open(dir);
        assertThat(b.issuerCertificate()).isEqualTo(a.issuerCertificate());
        X509Certificate c2 = b.issuePlatform("vm", rsa().getPublic(), new TcgCertificates.PlatformInfo("M", "X", "1"),
                TcgCertificates.KeyUse.STANDARD);
        assertThat(c1.getSerialNumber()).isEqualTo(BigInteger.TWO);
        assertThat(c2.getSerialNumber()).isEqualTo(BigInteger.valueOf(3));
        assertThat(Files.readString(dir.resolve(LocalCa.CERT_SERIAL))).isEqualTo("3");
        validate(c1, b);
        validate(c2, b);
    }

    /** Opens the CA in args[0] and prints the signing certificate's serial: for the two-process test. */
    public static final class Opener {
        public static void main(String[] args) throws Exception {
            System.out.println(LocalCa.open(Path.of(args[0])).issuerCertificate().getSerialNumber());
        }
    }

    @Test
    void twoFirstUsesAtOnce_inTwoProcesses_makeOneCa() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ca");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> ps = List.of(
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Opener.class.getName(), dir.toString()).start(),
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Opener.class.getName(), dir.toString()).start());
        List<String> serials = new java.util.ArrayList<>();
        for (Process p : ps) {
            serials.add(new String(p.getInputStream().readAllBytes()).strip());
            assertThat(p.waitFor()).isZero();
        }
        assertThat(serials.get(0)).isNotEmpty().isEqualTo(serials.get(1));
        assertThat(LocalCa.open(dir).issuerCertificate().getSerialNumber().toString()).isEqualTo(serials.get(0));
    }

    @Test
    void twoThreadsAtOnce_takeTurns() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ca");
        LocalCa ca = LocalCa.open(dir);
        try (var ex = Executors.newFixedThreadPool(2)) {
            Callable<BigInteger> issue = () -> ca.issueEk("x", rsa().getPublic(), TPM, TcgCertificates.KeyUse.STANDARD).getSerialNumber();
            List<Future<BigInteger>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) fs.add(ex.submit(issue));
            Set<BigInteger> seen = new java.util.HashSet<>();
            for (var f : fs) seen.add(f.get());
            assertThat(seen).hasSize(6);
        }
    }

    @Test
    void aCaFromSwtpmLocalcaConf_signsWithTheConfiguredKeyAndSerialFile() throws Exception {
        Path other = Files.createTempDirectory("jtpm-ca");
        LocalCa existing = LocalCa.open(other);
        Path state = Files.createTempDirectory("jtpm-ca-state");
        Path serial = Files.createTempDirectory("jtpm-serial").resolve("serial");
        Files.writeString(serial, "41\n");
        var layout = LocalCa.Layout.fromConfig(Map.of("statedir", state.toString(),
                "signingkey", other.resolve(LocalCa.SIGNING_KEY).toString(),
                "issuercert", other.resolve(LocalCa.ISSUER_CERT).toString(),
                "certserial", serial.toString()), Path.of("/nonexistent"));
        LocalCa ca = LocalCa.open(layout);
        assertThat(ca.issuerCertificate()).isEqualTo(existing.issuerCertificate());
        assertThat(ca.rootCertificate()).isNull();
        X509Certificate c = ca.issueEk(null, rsa().getPublic(), TPM, TcgCertificates.KeyUse.STANDARD);
        assertThat(c.getSerialNumber()).isEqualTo(BigInteger.valueOf(42));
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=unknown");
        validate(c, existing);
        assertThatThrownBy(() -> LocalCa.Layout.fromConfig(Map.of("signingkey", "pkcs11:token=x"), state))
                .hasMessageContaining("PKCS#11");
    }

    @Test
    void readsGnutlsStylePem_withTextBeforeTheBlock() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ca");
        LocalCa.open(dir);
        Path key = dir.resolve(LocalCa.SIGNING_KEY);
        Files.writeString(key, "Public Key Info:\n\tPublic Key Algorithm: RSA\n\n" + Files.readString(key));
        LocalCa again = LocalCa.open(dir);
        validate(again.issueEk("x", ec("secp384r1").getPublic(), TPM, TcgCertificates.KeyUse.STANDARD), again);
    }

    @Test
    void aBadSerialFile_isAnError() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ca");
        LocalCa ca = LocalCa.open(dir);
        Files.writeString(dir.resolve(LocalCa.CERT_SERIAL), "twelve");
        assertThatThrownBy(() -> ca.issueEk("x", rsa().getPublic(), TPM, TcgCertificates.KeyUse.STANDARD))
                .hasMessageContaining("not a serial number");
    }

    @Test
    void defaultDirectory_followsXdgConfigHome(@TempDir Path home) {
        assertThat(LocalCa.defaultDirectory(Map.of("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/h")))
                .isEqualTo(Path.of("/x/cfg/jtpm/localca"));
        assertThat(LocalCa.defaultDirectory(Map.of("HOME", home.toString())))
                .isEqualTo(home.resolve(".config/jtpm/localca"));
    }
}
