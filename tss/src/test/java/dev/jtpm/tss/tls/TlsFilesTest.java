package dev.jtpm.tss.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files as openssl writes them (fixtures in {@code src/test/resources/tls}, made with openssl 3: a P-256 CA, an
 * EC key as {@code ecparam -genkey} writes it (EC PARAMETERS then SEC1), the same key as PKCS#8 and encrypted both
 * ways, an RSA key as PKCS#1, and certificates for both keys), read by the JDK alone.
 */
class TlsFilesTest {
    private static Path res(String name) {
        try {
            return Path.of(TlsFilesTest.class.getResource("/tls/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keysInEveryUnencryptedForm_areReadAndMatchTheirCertificates() throws IOException {
        assertThat(Pem.privateKey(res("ec-sec1.key")).getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(res("ec-pkcs8.key"))).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) Pem.privateKey(res("ec-sec1.key"))).getS());
        assertThat(Pem.privateKey(res("rsa-pkcs1.key")).getAlgorithm()).isEqualTo("RSA");
        assertThat(new TlsFiles(res("ec.pem"), res("ec-sec1.key"), res("ca.pem")).context().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(new TlsFiles(res("ec.pem"), res("ec-pkcs8.key"), res("ca.pem")).context()).isNotNull();
        assertThat(new TlsFiles(res("rsa.pem"), res("rsa-pkcs1.key"), res("ca.pem")).context()).isNotNull();
    }

    @Test
    void encryptedKeys_areRefusedWithAHint() {
        for (String k : new String[] {"encrypted.key", "encrypted-legacy.key"}) {
            assertThatThrownBy(() -> Pem.privateKey(res(k))).as(k).hasMessageContaining("the key is encrypted")
                    .hasMessageContaining("openssl pkey");
        }
    }

    @Test
    void aKeyOfAnotherCertificate_isRefusedNamingBothFiles() {
        assertThatThrownBy(() -> new TlsFiles(res("ec.pem"), res("rsa-pkcs1.key"), res("ca.pem")).context())
                .hasMessageContaining("rsa-pkcs1.key: the key does not belong to the certificate in")
                .hasMessageContaining("ec.pem");
    }

    @Test
    void missingAndNonPemFiles_areOneLineErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThatThrownBy(() -> new TlsFiles(junk, res("ec-sec1.key"), res("ca.pem")).context())
                .hasMessage(junk + ": no PEM certificate in it");
        assertThatThrownBy(() -> new TlsFiles(res("ec.pem"), junk, res("ca.pem")).context())
                .hasMessageStartingWith(junk + ": no PEM private key in it");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> new TlsFiles(res("ec.pem"), res("ec-sec1.key"), missing).context())
                .hasMessage(missing + ": no such file");
        // the certificate's own key file holds no certificate
        assertThatThrownBy(() -> new TlsFiles(res("ec-sec1.key"), res("ec-sec1.key"), res("ca.pem")).context())
                .hasMessageContaining("no PEM certificate");
    }
}
