package dev.jtpm.cros;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.Manufacture;
import dev.jtpm.provision.TcgCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * jtpm's stand-in for attestationd's {@code AttestedVirtualEndorsement}: the vEK (made under the host SRK with
 * attestationd's template — restricted ECC P-256 decryption key, attributes 0x00030472, the TCG EK policy, a random
 * authValue) kept in {@code vek.blob}, and its DER certificate in {@code vek_cert.blob}, issued by jtpm's local CA or
 * read from a file. A new vEK (first use, or a changed host SRK) gets a new certificate from the CA.
 */
final class Endorsement {
    /** Where the certificate comes from. */
    sealed interface CertSource {
        /** jtpm's local CA in a directory (swtpm_localca's layout). */
        record Ca(Path dir) implements CertSource {}

        /** A fixed certificate file, DER or PEM. */
        record File(Path path) implements CertSource {}
    }

    private final HostBoundKey vek;
    private final BlobFile certFile;
    private final CertSource source;

    Endorsement(HostTpm host, Path stateDir, CertSource source) {
        this.vek = new HostBoundKey(host, new BlobFile(stateDir.resolve("vek.blob")), HostTpm.vekTemplate(), true);
        this.certFile = new BlobFile(stateDir.resolve("vek_cert.blob"));
        this.source = source;
    }

    /** The vEK key blob ({@code Vek::Get}). */
    byte[] endorsementKey() throws VtpmException { return vek.get(); }

    /** The vEK certificate, DER ({@code VekCert::Get}). */
    byte[] endorsementCertificate() throws VtpmException {
        byte[] keyBlob = vek.get();
        return switch (source) {
            case CertSource.File f -> readCertificateFile(f.path());
            case CertSource.Ca ca -> {
                // the cached certificate is bound to the vEK it certifies (field 15 holds the vEK's public area)
                byte[] pub = HostTpm.KeyBlob.parse(keyBlob).publicArea();
                Optional<BlobFile.Content> cached = certFile.read();
                if (cached.isPresent() && cached.get().boundTo().map(p -> java.util.Arrays.equals(p, pub)).orElse(false)) {
                    yield cached.get().blob();
                }
                byte[] der = issue(ca.dir(), keyBlob);
                certFile.write(der, pub);
                yield der;
            }
        };
    }

    private static byte[] issue(Path caDir, byte[] keyBlob) throws VtpmException {
        try {
            LocalCa ca = LocalCa.open(caDir);
            var key = Manufacture.publicKey(HostTpm.KeyBlob.parse(keyBlob).publicRecord());
            var tpm = new TcgCertificates.TpmInfo("id:4A54504D", "cros-vtpm", "id:20260301", "2.0", 0, 164);
            X509Certificate cert = ca.issueEk("cros-vtpm", key, tpm, TcgCertificates.KeyUse.STANDARD);
            return cert.getEncoded();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new VtpmException(VtpmRc.FAILURE, "vEK certificate: " + e.getMessage());
        }
    }

    /** A certificate file as DER; PEM is decoded. */
    static byte[] readCertificateFile(Path path) throws VtpmException {
        try {
            byte[] b = Files.readAllBytes(path);
            String text = new String(b, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN CERTIFICATE-----")) {
                String body = text.substring(text.indexOf("-----BEGIN CERTIFICATE-----") + 27, text.indexOf("-----END CERTIFICATE-----"));
                b = Base64.getMimeDecoder().decode(body);
            }
            CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(b));
            return b;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new VtpmException(VtpmRc.FAILURE, "vEK certificate " + path + ": " + e.getMessage());
        }
    }
}
