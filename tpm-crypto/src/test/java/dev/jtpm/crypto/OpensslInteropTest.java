package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jtpm.types.TpmAlg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures and ciphertexts checked by a party nobody here wrote: the {@code openssl} command line,
 * given the public key as a PEM file. Skips with a notice when openssl is missing, fails instead when
 * CI=true.
 */
class OpensslInteropTest {
    static final SecureRandom RNG = new SecureRandom();
    static final byte[] MESSAGE = "signed by jtpm, verified by openssl".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;

    @BeforeAll
    static void needOpenssl() {
        boolean present;
        try {
            present = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) fail("openssl is missing on CI");
            System.out.println("NOTICE: openssl not found, skipping OpensslInteropTest");
            Assumptions.abort("openssl not installed");
        }
    }

    @Test
    void rsassaAndRsapssSignatures_verifyWithOpensslDgst() throws Exception {
        RsaKey key = PrimaryKeys.rsa(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {7}, 2048, 0);
        Path pem = pem(key.toPublicKey());
        Path msg = write("msg", MESSAGE);
        byte[] digest = Hashes.hash(TpmAlg.SHA256, MESSAGE);

        Path pkcs1 = write("pkcs1.sig", RsaSchemes.signPkcs1(key, TpmAlg.SHA256, digest).toArray());
        assertThat(openssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", pkcs1.toString(), msg.toString()))
                .contains("Verified OK");

        Path pss = write("pss.sig", RsaSchemes.signPss(key, TpmAlg.SHA256, digest, RandomBits.of(RNG)).toArray());
        assertThat(openssl("dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest",
                "-verify", pem.toString(), "-signature", pss.toString(), msg.toString())).contains("Verified OK");
    }

    @Test
    void ecdsaSignature_verifiesWithOpensslDgst() throws Exception {
        EccKey key = PrimaryKeys.ecc(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {7}, EccCurve.NIST_P256);
        Path pem = pem(EccSchemesTest.jdkPublic(key));
        Path msg = write("msg", MESSAGE);
        var sig = EccSchemes.signEcdsa(key, Hashes.hash(TpmAlg.SHA256, MESSAGE), RandomBits.of(RNG));
        byte[] der = StandardDSAEncoding.INSTANCE.encode(key.curve().order(), sig.rValue(), sig.sValue());
        Path sigFile = write("ecdsa.sig", der);
        assertThat(openssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", sigFile.toString(), msg.toString()))
                .contains("Verified OK");
    }

    @Test
    void oaepCiphertextFromOpenssl_withLabel_decrypts() throws Exception {
        RsaKey key = PrimaryKeys.rsa(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {8}, 2048, 0);
        Path pem = pem(key.toPublicKey());
        byte[] secret = "sealed by openssl".getBytes(StandardCharsets.US_ASCII);
        Path in = write("secret", secret);
        Path out = dir.resolve("secret.enc");
        byte[] label = RsaSchemes.label("label");
        openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", pem.toString(), "-in", in.toString(), "-out", out.toString(),
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256",
                "-pkeyopt", "rsa_oaep_label:" + Vectors.hex(label));
        assertThat(RsaSchemes.decryptOaep(key, TpmAlg.SHA256, label, Files.readAllBytes(out)).orElseThrow().toArray())
                .isEqualTo(secret);
    }

    private Path pem(PublicKey key) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return Files.writeString(dir.resolve("pub.pem"), "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    }

    private Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    private static String openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
