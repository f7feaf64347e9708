package dev.jtpm.provision;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12;
import dev.jtpm.tpm12.Tpm12Client;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm setup} without {@code --tpm2} in-process: the state it writes (tpm-00.permall) started in a new
 * {@link Tpm12} and inspected with TPM 1.2 commands: owner and SRK secrets as swtpm_setup derives them, the certificate
 * indices and their content, the NV lock; swtpm_setup's quirks; the overwrite rules and the options a TPM 1.2 refuses.
 */
class Setup12Test {
    static Path ca;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = Files.createTempDirectory("jtpm-setup12-ca");
        LocalCa.open(ca);
    }

    static byte[] sha1(byte[] b) throws Exception { return MessageDigest.getInstance("SHA-1").digest(b); }

    /** A state directory served by a new in-process TPM 1.2, started with ST_CLEAR. */
    static Tpm12Client load(Path dir) throws Exception {
        NvStore mem = NvStore.inMemory();
        try (var store = DirectoryStateStore.open(dir, DirectoryStateStore.DEFAULT_MODE, Optional.empty(), true, true)) {
            for (StateKind k : StateKind.values()) {
                byte[] b = store.load(k);
                if (b != null) mem.store(k, b);
            }
        }
        Tpm12 tpm = new Tpm12(Platform.of(mem));
        assertThat(tpm.init()).isTrue();
        Tpm12Client c = new Tpm12Client(tpm, new Random(7));
        assertThat(c.send(Ordinal.Startup, params((short) 1)).ok()).isTrue();
        return c;
    }

    static int[] nvList(Tpm12Client c) throws Exception {
        byte[] b = c.send(Ordinal.GetCapability, params(0x0D, 0)).body();
        int[] r = new int[(b.length - 4) / 4];
        for (int i = 0; i < r.length; i++) r[i] = java.nio.ByteBuffer.wrap(b, 4 + 4 * i, 4).getInt();
        Arrays.sort(r);
        return r;
    }

    static byte[] nvRead(Tpm12Client c, int index, byte[] owner) throws Exception {
        byte[] pub = c.send(Ordinal.GetCapability, params(0x11, 4, index)).body();
        int size = java.nio.ByteBuffer.wrap(pub, pub.length - 4, 4).getInt();
        Tpm12Client.Response r = c.auth1(Ordinal.NV_ReadValue, new byte[0], params(index, 0, size), c.oiap(), owner, false);
        assertThat(r.ok()).isTrue();
        return Arrays.copyOfRange(r.body(), 4, r.body().length);
    }

    @Test
    void ownershipCertificatesAndLock_asSwtpmSetupMakesThem() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup12"), certs = Files.createTempDirectory("jtpm-setup12-certs");
        SetupTest.Result r = SetupTest.setup("--tpm-state", dir.toString(), "--take-ownership", "--ownerpass", "owner secret",
                "--srkpass", "srk secret", "--create-ek-cert", "--create-platform-cert", "--lock-nvram", "--localca-dir",
                ca.toString(), "--write-ek-cert-files", certs.toString(), "--display");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Successfully took ownership of the TPM.", "Successfully locked NVRAM access.",
                "certificate at NV index 0x1000f000", "Successfully authored TPM state.");
        assertThat(dir.resolve("tpm-00.permall")).exists();
        assertThat(dir.resolve("tpm2-00.permall")).doesNotExist();

        Tpm12Client c = load(dir);
        byte[] owner = sha1("owner secret".getBytes(StandardCharsets.UTF_8)), srk = sha1("srk secret".getBytes(StandardCharsets.UTF_8));
        assertThat(c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(), owner, false).ok()).isTrue();
        Tpm12Client.Response sealed = c.seal(srk, new byte[20], new byte[0], "x".getBytes());
        assertThat(sealed.ok()).isTrue();
        assertThat(c.unseal(srk, new byte[20], sealed.body()).body()).endsWith("x".getBytes());
        assertThat(nvList(c)).containsExactly(Manufacture12.EK_CERT_INDEX, Manufacture12.PLATFORM_CERT_INDEX);
        // nvLocked: a definition without authorization is refused now
        byte[] info = params((short) 3, new byte[3], (byte) 0x1F, new byte[20]);
        assertThat(c.send(Ordinal.NV_DefineSpace, params(params((short) 0x18, 0x1000F004, info, info, (short) 0x17, 0, (byte) 0,
                (byte) 0, (byte) 0, 8), new byte[20])).ok()).isFalse();

        RSAPublicKey ek = Tpm12Client.pubkey(c.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000006), c.oiap(),
                owner, false).body());
        byte[] stored = nvRead(c, Manufacture12.EK_CERT_INDEX, owner);
        assertThat(Arrays.copyOf(stored, 7)).containsExactly(0x10, 0x01, 0x00, (stored.length - 5) >> 8, (stored.length - 5) & 0xff,
                0x10, 0x02);
        byte[] der = Arrays.copyOfRange(stored, 7, stored.length);
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        assertThat(cert.getPublicKey()).isEqualTo(ek);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA1withRSA");
        assertThat(cert.getSubjectX500Principal().getEncoded()).containsExactly(0x30, 0x00);
        assertThat(cert.getKeyUsage()[2]).as("keyEncipherment").isTrue();
        assertThat(cert.getExtendedKeyUsage()).containsExactly("2.23.133.8.1");
        cert.verify(LocalCa.open(ca).issuerCertificate().getPublicKey());
        assertThat(Files.readAllBytes(certs.resolve("ek-rsa2048.crt"))).isEqualTo(der);

        byte[] platform = nvRead(c, Manufacture12.PLATFORM_CERT_INDEX, owner);
        X509CertificateHolder p = new X509CertificateHolder(Arrays.copyOfRange(platform, 7, platform.length));
        assertThat(p.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(ek.getEncoded());
        assertThat(p.getExtension(Extension.subjectAlternativeName).isCritical()).isTrue();
        var name = ASN1Sequence.getInstance(((org.bouncycastle.asn1.ASN1TaggedObject) ASN1Sequence.getInstance(
                p.getExtension(Extension.subjectAlternativeName).getParsedValue()).getObjectAt(0)).getExplicitBaseObject());
        assertThat(name.size()).as("the TPM's and the platform's attribute sets").isEqualTo(2);
        assertThat(name.getObjectAt(1).toString()).contains("2.23.133.2.4", "2.23.133.2.5", "2.23.133.2.6");
    }

    @Test
    void defaultsAndWellKnown_areTheDigestsSwtpmSetupUses() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup12");
        assertThat(SetupTest.setup("--tpm-state", dir.toString(), "--take-ownership").exit()).isZero();
        Tpm12Client c = load(dir);
        assertThat(c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(), sha1("ooo".getBytes()), false).ok()).isTrue();
        assertThat(c.seal(sha1("sss".getBytes()), new byte[20], new byte[0], "x".getBytes()).ok()).isTrue();
        assertThat(nvList(c)).isEmpty();

        Path wk = Files.createTempDirectory("jtpm-setup12");
        assertThat(SetupTest.setup("--tpm-state", wk.toString(), "--take-ownership", "--owner-well-known", "--srk-well-known").exit())
                .isZero();
        c = load(wk);
        assertThat(c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(), new byte[20], false).ok()).isFalse();
        assertThat(c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(), sha1(new byte[20]), false).ok()).isTrue();
    }

    @Test
    void platformCertWithoutEkCert_writesNothing_asSwtpmSetup() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup12");
        SetupTest.Result r = SetupTest.setup("--tpm-state", dir.toString(), "--create-platform-cert", "--localca-dir", ca.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Successfully created EK.").doesNotContain("NVRAM area");
        Tpm12Client c = load(dir);
        assertThat(nvList(c)).isEmpty();
        assertThat(c.send(Ordinal.ReadPubek, params(new byte[20])).ok()).as("an EK, no owner").isTrue();
    }

    @Test
    void overwriteRules_onTpm00Permall() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup12");
        assertThat(SetupTest.setup("--tpm-state", dir.toString(), "--createek").exit()).isZero();
        byte[] first = Files.readAllBytes(dir.resolve("tpm-00.permall"));
        SetupTest.Result keep = SetupTest.setup("--tpm-state", dir.toString(), "--createek", "--not-overwrite");
        assertThat(keep.exit()).isZero();
        assertThat(keep.out()).contains("Not overwriting existing state file.");
        SetupTest.Result refuse = SetupTest.setup("--tpm-state", dir.toString(), "--createek");
        assertThat(refuse.exit()).isEqualTo(1);
        assertThat(refuse.err()).contains("Found existing TPM state 'tpm-00.permall'.");
        assertThat(Files.readAllBytes(dir.resolve("tpm-00.permall"))).isEqualTo(first);
        assertThat(SetupTest.setup("--tpm-state", dir.toString(), "--createek", "--overwrite").exit()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("tpm-00.permall"))).isNotEqualTo(first);
    }

    @Test
    void tpm2OnlyOptions_refusedWithSwtpmSetupsLines() {
        for (String o : new String[] {"--ecc", "--create-spk", "--reconfigure"}) {
            SetupTest.Result r = SetupTest.setup("--tpm-state", "/nonexistent", o);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo(o + " requires --tpm2.");
        }
        assertThat(SetupTest.setup("--tpm2", "--tpm-state", "/nonexistent", "--take-ownership").err().strip())
                .isEqualTo("Taking ownership is not supported for TPM 2.");
    }
}
