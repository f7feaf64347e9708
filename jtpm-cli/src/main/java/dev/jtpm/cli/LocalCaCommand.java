package dev.jtpm.cli;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.TlsCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm localca}: the local CA that signs EK and platform certificates ({@code jtpm setup
 * --localca-dir}), created on first use in swtpm_localca's layout (see {@link LocalCa}).
 */
@Command(name = "localca", mixinStandardHelpOptions = true,
        description = {"Create (on first use) and show the local CA that signs EK and platform certificates.",
                "With --issue server|client: a TLS certificate (ECDSA P-256, PEM) for jtpm socket --server type=tls and"
                        + " jtpm connect; --print-ca-cert gives the CA bundle for their ca= / --ca."})
final class LocalCaCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "the CA directory (default: $XDG_CONFIG_HOME/jtpm/localca, else ~/.config/jtpm/localca)")
    Path dir;

    @Option(names = "--print-ca-cert", description = "print the CA certificates (root, then the signing certificate) in PEM")
    boolean printCaCert;

    @Option(names = "--issue", paramLabel = "server|client", description = "issue a TLS certificate for a new key")
    String issue;

    @Option(names = "--subject", paramLabel = "DN", defaultValue = "CN=jtpm", description = "its subject (default: ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--san", paramLabel = "NAMES",
            description = "subjectAltNames, e.g. IP:127.0.0.1,DNS:tpm.example (a server certificate needs the name or"
                    + " address clients connect to)")
    String san;

    @Option(names = "--days", paramLabel = "N", defaultValue = "825", description = "validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--out-cert", paramLabel = "FILE", description = "where to write the certificate chain (PEM)")
    Path outCert;

    @Option(names = "--out-key", paramLabel = "FILE", description = "where to write the private key (PKCS#8 PEM, mode 0600)")
    Path outKey;

    @Override
    public Integer call() {
        Path d = dir != null ? dir : LocalCa.defaultDirectory(System.getenv());
        try {
            if (issue != null && (outCert == null || outKey == null)) {
                System.err.println("jtpm localca: --issue needs --out-cert FILE and --out-key FILE");
                return 1;
            }
            if (issue == null && (outCert != null || outKey != null || san != null)) {
                System.err.println("jtpm localca: --out-cert, --out-key and --san go with --issue server|client");
                return 1;
            }
            if (days < 1) {
                System.err.println("jtpm localca: --days must be at least 1");
                return 1;
            }
            LocalCa ca = LocalCa.open(d);
            if (issue != null) {
                TlsCertificates.Role role = switch (issue) {
                    case "server" -> TlsCertificates.Role.SERVER;
                    case "client" -> TlsCertificates.Role.CLIENT;
                    default -> null;
                };
                if (role == null) {
                    System.err.println("jtpm localca: --issue takes server or client, not '" + issue + "'");
                    return 1;
                }
                TlsCertificates.Issued cert = ca.issueTls(role, subject, san, java.time.Duration.ofDays(days));
                writeKey(outKey, TlsCertificates.pkcs8Pem(cert.privateKey()));
                StringBuilder chain = new StringBuilder();
                for (var c : cert.chain()) chain.append(LocalCa.pem(c));
                Files.writeString(outCert, chain, StandardCharsets.US_ASCII);
                System.out.println("jtpm localca: issued " + issue + " certificate "
                        + cert.certificate().getSubjectX500Principal().getName() + " -> " + outCert + ", key " + outKey);
                return 0;
            }
            if (printCaCert) {
                System.out.print(ca.caCertificatesPem());
            } else {
                System.out.println("jtpm localca: " + d.toAbsolutePath().normalize());
                if (ca.rootCertificate() != null)
                    System.out.println("  root:   " + ca.rootCertificate().getSubjectX500Principal().getName());
                System.out.println("  signer: " + ca.issuerCertificate().getSubjectX500Principal().getName());
            }
            return 0;
        } catch (Exception e) {
            System.err.println("jtpm localca: " + d + ": " + e.getMessage());
            return 1;
        }
    }

    /** Writes a private key into a file created with mode 0600 (replacing an existing one). */
    private static void writeKey(Path path, String pem) throws java.io.IOException {
        Files.deleteIfExists(path);
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(path, pem, StandardCharsets.US_ASCII);
    }
}
