package dev.jtpm.cli;

import dev.jtpm.cros.CrosVtpmd;
import dev.jtpm.cros.Virtualizer;
import dev.jtpm.provision.LocalCa;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.BackendSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm cros-vtpmd}: ChromeOS's vtpm daemon (gLinux profile) on any TPM — the D-Bus service
 * {@code org.chromium.Vtpm} and/or a swtpm-compatible socket — until SIGTERM or SIGINT.
 */
@Command(name = "cros-vtpmd", mixinStandardHelpOptions = true,
        description = {"ChromeOS's virtualizing vTPM daemon (gLinux profile: vSRK 0x81000002, vEK 0x81010002, vEK certificate at NV 0x01C0000A) on a host TPM.",
                "Example: jtpm cros-vtpmd --backend in-process:DIR --localca-dir CA --server type=tcp,port=2321"})
final class CrosVtpmCommand implements Callable<Integer> {

    @Option(names = "--backend", required = true, paramLabel = "SPEC", description = "the host TPM: " + BackendSpec.FORMS)
    String backend;

    @Option(names = "--state", paramLabel = "DIR", description = "vsrk.blob, vek.blob, vek_cert.blob (default /var/lib/vtpm)")
    Path state = CrosVtpmd.DEFAULT_STATE;

    @Option(names = "--localca-dir", paramLabel = "DIR", description = "the local CA that issues the vEK certificate (default ~/.config/jtpm/localca)")
    Path localcaDir;

    @Option(names = "--ek-cert", paramLabel = "FILE", description = "serve this certificate (DER or PEM) at NV 0x01C0000A instead")
    Path ekCert;

    @Option(names = "--bus", paramLabel = "system|session|ADDRESS", description = "export org.chromium.Vtpm on this D-Bus bus")
    String bus;

    @Option(names = "--server", paramLabel = "type=tcp,port=N|type=unixio,path=P", description = "a swtpm-compatible socket (control channel at N+1)")
    String server;

    @Option(names = "--endorsement-password-file", paramLabel = "FILE", description = "the host's endorsement password (default: empty)")
    Path endorsementPasswordFile;

    @Option(names = "--quiet", description = "log errors only")
    boolean quiet;

    @Override
    public Integer call() {
        // dbus-java logs through SLF4J; without a provider SLF4J would print a notice on every start
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        CrosVtpmd daemon;
        try {
            if (localcaDir != null && ekCert != null) throw new OptionException("give --localca-dir or --ek-cert, not both");
            Virtualizer.CertSource certs = ekCert != null ? new Virtualizer.CertSource.File(ekCert)
                    : new Virtualizer.CertSource.LocalCa(localcaDir != null ? localcaDir : LocalCa.defaultDirectory(System.getenv()));
            byte[] pw = endorsementPasswordFile == null ? new byte[0] : Files.readAllBytes(endorsementPasswordFile);
            if (pw.length > 64) throw new OptionException("--endorsement-password-file: more than 64 octets (a TPM2B_AUTH)");
            var config = new CrosVtpmd.Config(BackendSpec.parse("--backend", backend), state, certs, Optional.ofNullable(bus),
                    server == null ? Optional.empty() : Optional.of(CrosVtpmd.parseServer(server)), pw);
            daemon = CrosVtpmd.start(config, new ServerLog(System.err, quiet ? 0 : 1));
        } catch (OptionException | IOException e) {
            System.err.println("jtpm cros-vtpmd: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                daemon.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
