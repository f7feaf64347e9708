package dev.jtpm.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;

/**
 * EK and platform certificates against what swtpm_localca 0.7.1 wrote (openssl asn1parse of its output, kept here
 * as the expected extension octets): extension order and criticality, the SAN directory name, the TPM specification
 * attribute, the key usages by key type and use.
 */
class TcgCertificatesTest {
    private static final TcgCertificates.TpmInfo SWTPM =
            new TcgCertificates.TpmInfo("id:00001014", "swtpm", "id:20191023", "2.0", 0, 164);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** swtpm_localca's EK extensions (OID, critical, value) for manufacturer id:00001014, swtpm, id:20191023. */
    private static final List<String> SWTPM_EK_EXTENSIONS = List.of(
            "2.5.29.37 false 300706056781050801",
            "2.5.29.17 true 3046A444304231163014060567810502010C0B69643A30303030313031343110300E060567810502020C05737774706D"
                    + "31163014060567810502030C0B69643A3230313931303233",
            "2.5.29.19 true 3000",
            "2.5.29.9 false 3019301706056781050210310E300C0C03322E30020100020200A4",
            "2.5.29.35 false AKI",
            "2.5.29.15 true 03020520");

    /** swtpm_localca's platform certificate extensions with --platform-manufacturer Fedora, -model QEMU, -version 2.1. */
    private static final List<String> SWTPM_PLATFORM_EXTENSIONS = List.of(
            "2.5.29.17 true 303BA43930373112301006066781050501010C064665646F72613110300E06066781050501040C0451454D55310F300D"
                    + "06066781050501050C03322E31",
            "2.5.29.19 true 3000",
            "2.5.29.35 false AKI",
            "2.5.29.15 true 03020520",
            "2.5.29.37 false 300706056781050802");

    static List<String> extensions(X509Certificate c) throws Exception {
        X509CertificateHolder h = new X509CertificateHolder(c.getEncoded());
        List<String> out = new java.util.ArrayList<>();
        for (Object o : h.getExtensions().getExtensionOIDs()) {
            Extension e = h.getExtension((org.bouncycastle.asn1.ASN1ObjectIdentifier) o);
            String v = e.getExtnId().equals(Extension.authorityKeyIdentifier) ? "AKI" : HEX.formatHex(e.getExtnValue().getOctets());
            out.add(e.getExtnId().getId() + " " + e.isCritical() + " " + v);
        }
        return out;
    }

    private static LocalCa ca() throws Exception {
        return LocalCa.open(Files.createTempDirectory("jtpm-ca"));
    }

    @Test
    void ekCertificate_hasSwtpmLocalcasExtensions_inItsOrder() throws Exception {
        LocalCa ca = ca();
        X509Certificate c = ca.issueEk("test", LocalCaTest.rsa().getPublic(), SWTPM, TcgCertificates.KeyUse.STANDARD);
        assertThat(extensions(c)).containsExactlyElementsOf(SWTPM_EK_EXTENSIONS);
        assertThat(c.getVersion()).isEqualTo(3);
        assertThat(c.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=test");
        assertThat(c.getIssuerX500Principal()).isEqualTo(ca.issuerCertificate().getSubjectX500Principal());
        assertThat(c.getNotAfter().toInstant().toString()).isEqualTo("9999-12-31T23:59:59Z");
        // AKI = the signing certificate's SKI
        byte[] ski = ca.issuerCertificate().getExtensionValue(Extension.subjectKeyIdentifier.getId());
        byte[] aki = c.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        assertThat(HEX.formatHex(aki)).contains(HEX.formatHex(ski).substring(8));
        c.verify(ca.issuerCertificate().getPublicKey());
    }

    @Test
    void platformCertificate_hasSwtpmLocalcasExtensions_inItsOrder() throws Exception {
        LocalCa ca = ca();
        KeyPair ek = LocalCaTest.rsa();
        X509Certificate c = ca.issuePlatform("test", ek.getPublic(), new TcgCertificates.PlatformInfo("Fedora", "QEMU", "2.1"),
                TcgCertificates.KeyUse.STANDARD);
        assertThat(extensions(c)).containsExactlyElementsOf(SWTPM_PLATFORM_EXTENSIONS);
        assertThat(c.getPublicKey()).isEqualTo(ek.getPublic());
        c.verify(ca.issuerCertificate().getPublicKey());
    }

    @Test
    void keyUsage_byKeyTypeAndUse() throws Exception {
        LocalCa ca = ca();
        var rsa = LocalCaTest.rsa().getPublic();
        var ec = LocalCaTest.ec("secp384r1").getPublic();
        // digitalSignature(0) keyEncipherment(2) keyAgreement(4)
        record Case(java.security.PublicKey key, TcgCertificates.KeyUse use, int... bits) {}
        for (Case k : List.of(new Case(rsa, TcgCertificates.KeyUse.STANDARD, 2),
                new Case(rsa, new TcgCertificates.KeyUse(true, false), 0),
                new Case(rsa, new TcgCertificates.KeyUse(true, true), 0, 2),
                new Case(ec, TcgCertificates.KeyUse.STANDARD, 4),
                new Case(ec, new TcgCertificates.KeyUse(true, false), 0),
                new Case(ec, new TcgCertificates.KeyUse(true, true), 0, 4))) {
            boolean[] ku = ca.issueEk("t", k.key(), SWTPM, k.use()).getKeyUsage();
            List<Integer> set = new java.util.ArrayList<>();
            for (int i = 0; i < ku.length; i++) if (ku[i]) set.add(i);
            assertThat(set).as(k.toString()).containsExactly(java.util.Arrays.stream(k.bits()).boxed().toArray(Integer[]::new));
        }
    }

    @Test
    void subjectName_isPrintableWhenItCanBe_andUnknownWithoutVmid() throws Exception {
        LocalCa ca = ca();
        var key = LocalCaTest.rsa().getPublic();
        var c1 = new X509CertificateHolder(ca.issueEk("vm_1:x", key, SWTPM, TcgCertificates.KeyUse.STANDARD).getEncoded());
        // "_" is not in PrintableString: a UTF8String then, as GnuTLS writes it
        assertThat(c1.getSubject().getRDNs()[0].getFirst().getValue()).isInstanceOf(org.bouncycastle.asn1.DERUTF8String.class);
        var c2 = new X509CertificateHolder(ca.issueEk(null, key, SWTPM, TcgCertificates.KeyUse.STANDARD).getEncoded());
        assertThat(c2.getSubject().getRDNs()[0].getFirst().getValue())
                .isInstanceOf(org.bouncycastle.asn1.DERPrintableString.class).hasToString("unknown");
        assertThat(c2.getSerialNumber()).isGreaterThan(BigInteger.ONE);
    }
}
