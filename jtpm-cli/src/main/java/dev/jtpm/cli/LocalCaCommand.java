package dev.jtpm.cli;

import dev.jtpm.provision.LocalCa;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm localca}: the local CA that signs EK and platform certificates ({@code jtpm setup
 * --localca-dir}), created on first use in swtpm_localca's layout (see {@link LocalCa}).
 */
@Command(name = "localca", mixinStandardHelpOptions = true,
        description = "Create (on first use) and show the local CA that signs EK and platform certificates.")
final class LocalCaCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "the CA directory (default: $XDG_CONFIG_HOME/jtpm/localca, else ~/.config/jtpm/localca)")
    Path dir;

    @Option(names = "--print-ca-cert", description = "print the CA certificates (root, then the signing certificate) in PEM")
    boolean printCaCert;

    @Override
    public Integer call() {
        Path d = dir != null ? dir : LocalCa.defaultDirectory(System.getenv());
        try {
            LocalCa ca = LocalCa.open(d);
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
}
