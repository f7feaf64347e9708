package dev.jtpm.provision;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.tpm12.Tpm12;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code jtpm setup} without {@code --tpm2}: swtpm_setup 0.7.1's TPM 1.2 path ({@link Manufacture12}) on an in-process
 * {@link Tpm12}, started as swtpm_setup starts swtpm ({@code --flags not-need-init,startup-clear}); the state files
 * ({@code tpm-00.permall}) written only when every step succeeded, under the directory's lock, as for the TPM 2.
 */
final class Setup12 {
    private Setup12() {}

    static int setup(Setup.Args a, Path dir, Optional<StateKey> key, Setup.CertMaker certs, Setup.Log log)
            throws Setup.SetupException, IOException, GeneralSecurityException {
        boolean ekCert = a.has("create-ek-cert"), platformCert = a.has("create-platform-cert");
        boolean createEk = a.has("createek") || a.has("take-ownership") || ekCert || platformCert;
        var options = new Manufacture12.Options(createEk, a.has("take-ownership"),
                Manufacture12.secret(a.get("ownerpass"), a.has("owner-well-known"), Manufacture12.DEFAULT_OWNER_PASSWORD),
                Manufacture12.secret(a.get("srkpass"), a.has("srk-well-known"), Manufacture12.DEFAULT_SRK_PASSWORD),
                ekCert, platformCert, a.has("lock-nvram"));
        DirectoryStateStore store = DirectoryStateStore.open(dir, DirectoryStateStore.DEFAULT_MODE, key, false, true);
        if (!store.lock(0)) {
            store.close();
            throw new Setup.SetupException("jtpm setup: state directory " + dir + " is in use: another server holds the lock on "
                    + dir.resolve(".lock"));
        }
        try (store) {
            log.info("Starting vTPM manufacturing as " + System.getProperty("user.name") + " @ "
                    + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
            NvStore mem = NvStore.inMemory();
            Tpm12 tpm = new Tpm12(Platform.of(mem));
            if (!tpm.init()) throw new IOException("the TPM 1.2 could not be initialized");
            byte[] startup = tpm.execute(tpm.startupCommand(false), 0);
            if (startup.length < 10 || startup[9] != 0 || startup[8] != 0 || startup[7] != 0 || startup[6] != 0)
                throw new IOException("TPM_Startup(ST_CLEAR) failed");
            Manufacture12.Made made = new Manufacture12(tpm, log::info).run(options, certificates(a, certs));
            tpm.powerOff();
            for (StateKind k : StateKind.values()) {
                byte[] blob = mem.load(k);
                if (blob == null) store.delete(k);
                else store.store(k, blob);
            }
            if (a.has("write-ek-cert-files") && made.ekCert() != null) {
                LocalCa.writeAtomically(Path.of(a.get("write-ek-cert-files")).resolve("ek-rsa2048.crt"),
                        Manufacture12.withoutHeader(made.ekCert()), "rw-r-----");
            }
            if (a.has("display") && made.ek() != null) {
                // swtpm_setup 0.7.1 shows nothing for a TPM 1.2; jtpm names what it made
                log.info("rsa2048 EK, modulus SHA-1 " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(made.ek().getModulus().toByteArray()))
                        + (made.ekCert() != null ? ", certificate at NV index 0x" + Integer.toHexString(Manufacture12.EK_CERT_INDEX) : "")
                        + (made.platformCert() != null
                        ? ", platform certificate at NV index 0x" + Integer.toHexString(Manufacture12.PLATFORM_CERT_INDEX) : ""));
            }
            log.info("Successfully authored TPM state.");
            return 0;
        }
    }

    /** The local CA's TPM 1.2 certificates with their TCG header, or the external tool's files as it wrote them. */
    private static Manufacture12.Certificates certificates(Setup.Args a, Setup.CertMaker m) {
        if (m == null) return null;
        var info = Setup.tpmInfo(false);
        return new Manufacture12.Certificates() {
            @Override
            public byte[] ek(RSAPublicKey ek) throws IOException, GeneralSecurityException {
                if (m.tool() != null) return m.tool().run("ek", ek, "ek.cert");
                return TcgCertificates.withStoredCertHeader(m.ca().issueEk12(ek, info).getEncoded());
            }

            @Override
            public byte[] platform(RSAPublicKey ek) throws IOException, GeneralSecurityException {
                if (m.tool() != null) return m.tool().run("platform", ek, "platform.cert");
                return TcgCertificates.withStoredCertHeader(m.ca().issuePlatform12(ek, info, m.platform()));
            }
        };
    }
}
