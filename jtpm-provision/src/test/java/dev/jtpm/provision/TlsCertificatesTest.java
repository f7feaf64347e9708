package dev.jtpm.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtpm localca --issue server|client}: what a TLS peer checks in the certificates. */
class TlsCertificatesTest {

    @Test
    void serverCertificate_hasItsNamesAndPurpose_andChainsToTheRoot(@TempDir Path dir) throws Exception {
        LocalCa ca = LocalCa.open(dir);
        TlsCertificates.Issued s = ca.issueTls(TlsCertificates.Role.SERVER, "CN=tpm-host", "IP:127.0.0.1,DNS:tpm.example,IP:::1",
                Duration.ofDays(30));
        X509Certificate c = s.certificate();
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=tpm-host");
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(c.getSubjectAlternativeNames().stream().map(n -> n.get(0) + ":" + n.get(1)).toList())
                .containsExactly("7:127.0.0.1", "2:tpm.example", "7:0:0:0:0:0:0:0:1");
        assertThat(c.getBasicConstraints()).isEqualTo(-1);
        assertThat(c.getKeyUsage()[0]).isTrue(); // digitalSignature
        assertThat(s.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(s.chain()).containsExactly(c, ca.issuerCertificate());
        assertThat(s.toString()).doesNotContain(s.privateKey().toString());
        var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(c, ca.issuerCertificate()));
        PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(ca.rootCertificate(), null)));
        p.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, p);
        assertThat(TlsCertificates.pkcs8Pem(s.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void clientCertificate_isForClientAuth(@TempDir Path dir) throws Exception {
        X509Certificate c = LocalCa.open(dir).issueTls(TlsCertificates.Role.CLIENT, "CN=alice,O=example", null,
                TlsCertificates.DEFAULT_VALIDITY).certificate();
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(c.getSubjectAlternativeNames()).isNull();
    }

    @Test
    void badSubjectOrNames_areOneLineErrors(@TempDir Path dir) throws Exception {
        LocalCa ca = LocalCa.open(dir);
        assertThatThrownBy(() -> ca.issueTls(TlsCertificates.Role.SERVER, "not a name", null, Duration.ofDays(1)))
                .hasMessageStartingWith("bad subject");
        assertThatThrownBy(() -> ca.issueTls(TlsCertificates.Role.SERVER, "CN=x", "URI:http://x", Duration.ofDays(1)))
                .hasMessageContaining("unknown subjectAltName kind 'URI'");
        assertThatThrownBy(() -> ca.issueTls(TlsCertificates.Role.SERVER, "CN=x", "IP:not-an-ip", Duration.ofDays(1)))
                .hasMessageContaining("bad IP address");
    }
}
