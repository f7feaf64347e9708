package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.wire.BigEndian;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * swtpm_setup 0.7.1 manufactures a TPM with jtpm as its TPM ({@code --tpm "<jtpm> socket"}): it probes
 * {@code --print-states}, starts {@code jtpm socket --tpmstate backend-uri=... --server type=tcp,fd=N --ctrl
 * type=unixio,clientfd=M --pid file=...} (pid file written in place), reads CMD_GET_INFO, creates the EKs and the
 * certificates of swtpm_localca and locks the NV indices. Throw-away swtpm_setup.conf and swtpm-localca.conf keep
 * everything out of /etc and /var. Then jtpm serves that state: tpm2-tools see both EKs and the certificate, whose
 * key is the EK and which openssl verifies against the local CA; and with {@code --pwdfile --cipher aes-256-cbc}
 * the state is encrypted as swtpm encrypts it, and {@code jtpm socket --key pwdfile=...} opens it.
 */
class SwtpmSetupDrivesJtpmTest {

    /** A launcher for swtpm_setup's --tpm: this JVM's java and class path running jtpm's Main. */
    static Path launcher(Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path l = dir.resolve("jtpm");
        Files.writeString(l, "#!/bin/sh\nexec " + java + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp '"
                + System.getProperty("java.class.path") + "' dev.jtpm.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(l, PosixFilePermissions.fromString("rwxr-xr-x"));
        return l;
    }

    /** swtpm_setup.conf, swtpm-localca.conf and .options in {@code dir}; the CA's state in dir/ca. */
    static Path configs(Path dir) throws Exception {
        Path ca = Files.createDirectories(dir.resolve("ca"));
        Files.writeString(dir.resolve("swtpm-localca.conf"), "statedir = " + ca + "\nsigningkey = " + ca + "/signkey.pem\n"
                + "issuercert = " + ca + "/issuercert.pem\ncertserial = " + ca + "/certserial\n");
        Files.writeString(dir.resolve("swtpm-localca.options"),
                "--platform-manufacturer jtpm\n--platform-version 2.1\n--platform-model QEMU\n");
        return Files.writeString(dir.resolve("swtpm_setup.conf"), "create_certs_tool = /usr/bin/swtpm_localca\n"
                + "create_certs_tool_config = " + dir.resolve("swtpm-localca.conf") + "\n"
                + "create_certs_tool_options = " + dir.resolve("swtpm-localca.options") + "\nactive_pcr_banks = sha256\n");
    }

    @Test
    void swtpmSetup_manufacturesJtpm_andJtpmServesTheEkAndItsCertificate() throws Exception {
        Tools.require("swtpm_setup");
        Tools.require("swtpm_localca");
        Path dir = Files.createTempDirectory("jtpm-setup");
        Path conf = configs(dir);
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Tools.run(Map.of(), null, "swtpm_setup", "--tpm2", "--tpm", launcher(dir) + " socket", "--tpm-state", state.toString(),
                "--create-ek-cert", "--create-platform-cert", "--lock-nvram", "--config", conf.toString(),
                "--logfile", dir.resolve("setup.log").toString()).ok();
        assertThat(Files.readString(dir.resolve("setup.log"))).contains("Successfully authored TPM state.");
        try (StateEncryptionServerTest.Server s = new StateEncryptionServerTest.Server(state, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81010001", "0x81010016");
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-nv-index").ok().out())
                    .contains("0x1C00002", "0x1C00016", "0x1C08000");
            Path der = dir.resolve("ek.der"), pem = dir.resolve("ek.pem");
            Tools.tpm2(s.tcti(), "tpm2_nvread", "0x01c00002", "-o", der.toString()).ok();
            Tools.tpm2(s.tcti(), "tpm2_readpublic", "-c", "0x81010001", "-f", "pem", "-o", pem.toString()).ok();
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(der)));
            String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PublicKey ek = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
            assertThat(cert.getPublicKey()).as("the certificate's key is the EK").isEqualTo(ek);
            assertThat(cert.getIssuerX500Principal().getName()).contains("CN=swtpm-localca");
            Path certPem = dir.resolve("ek.pem.crt");
            Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            Path ca = dir.resolve("ca");
            Tools.run(Map.of(), null, "openssl", "verify", "-CAfile", ca.resolve("swtpm-localca-rootca-cert.pem").toString(),
                    "-untrusted", ca.resolve("issuercert.pem").toString(), certPem.toString()).ok();
        }
    }

    @Test
    void swtpmSetupWithPwdfile_writesSwtpmEncryptedState_thatJtpmOpensWithTheKey() throws Exception {
        Tools.require("swtpm_setup");
        Path dir = Files.createTempDirectory("jtpm-setup-enc");
        Path conf = configs(dir);
        Path state = Files.createDirectories(dir.resolve("state"));
        Path pwd = Files.writeString(dir.resolve("pwd"), "vTPM passphrase");
        Tools.run(Map.of(), null, "swtpm_setup", "--tpm2", "--tpm", launcher(dir) + " socket", "--tpm-state", state.toString(),
                "--createek", "--pwdfile", pwd.toString(), "--cipher", "aes-256-cbc", "--config", conf.toString(),
                "--logfile", dir.resolve("setup.log").toString()).ok();
        byte[] permall = Files.readAllBytes(state.resolve("tpm2-00.permall"));
        assertThat(BigEndian.u16(permall, 4)).as("encrypted, 256-bit key").isEqualTo(0x09);
        try (StateEncryptionServerTest.Server s = new StateEncryptionServerTest.Server(state, "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).isFalse();
            assertThat(s.errors()).contains("state is encrypted but no key was given");
        }
        try (StateEncryptionServerTest.Server s = new StateEncryptionServerTest.Server(state,
                "--key", "pwdfile=" + pwd + ",mode=aes-256-cbc,kdf=pbkdf2", "--flags", "not-need-init,startup-clear")) {
            assertThat(s.started()).as(s.errors()).isTrue();
            assertThat(Tools.tpm2(s.tcti(), "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81010001");
        }
    }
}
