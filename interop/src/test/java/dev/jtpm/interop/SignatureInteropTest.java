package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signing and signature verification (Part 3, 20), TPM2_HMAC (15.5) and HMAC sequences (17.2) through
 * Debian's tpm2-tools: {@code tpm2_sign} with RSASSA, RSA-PSS, ECDSA and HMAC keys, the signatures
 * checked by openssl against {@code tpm2_readpublic -f pem} and by {@code tpm2_verifysignature};
 * {@code tpm2_hmac} against openssl's HMAC; a restricted key signing with a {@code tpm2_hash} ticket;
 * and signatures made on one TPM verified on the other (jtpm and swtpm) after {@code tpm2_loadexternal}.
 * Each scenario runs on swtpm too, so the expectations are libtpms' own.
 */
class SignatureInteropTest {
    private static final String MESSAGE = "a message signed by a TPM\n";
    private static final String HMAC_KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private static String path(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run tpm2(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return r;
    }

    private static Tools.Run openssl(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(Map.of(), null, cmd);
    }

    private static Path workDir() throws Exception {
        Path dir = Files.createTempDirectory("signature");
        Files.writeString(dir.resolve("msg.txt"), MESSAGE);
        Files.write(dir.resolve("hmac.key"), HexFormat.of().parseHex(HMAC_KEY_HEX));
        return dir;
    }

    /** Sign with each kind of key, check with openssl and tpm2_verifysignature. */
    private static void signAndVerify(String tcti, Path dir) {
        String prim = path(dir, "prim.ctx"), msg = path(dir, "msg.txt");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc", "-c", prim).ok();
        for (String[] k : new String[][] {{"rsassa", "rsa2048:rsassa-sha256:null"}, {"rsapss", "rsa2048:rsapss-sha256:null"},
                {"ecdsa", "ecc256:ecdsa-sha256:null"}}) {
            String name = k[0], ctx = path(dir, name + ".ctx"), pem = path(dir, name + ".pem");
            tpm2(tcti, "tpm2_create", "-Q", "-C", prim, "-G", k[1], "-u", path(dir, name + ".pub"),
                    "-r", path(dir, name + ".priv")).ok();
            tpm2(tcti, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, name + ".pub"), "-r", path(dir, name + ".priv"),
                    "-c", ctx).ok();
            tpm2(tcti, "tpm2_readpublic", "-Q", "-c", ctx, "-f", "pem", "-o", pem).ok();
            String plain = path(dir, name + ".plain"), tss = path(dir, name + ".sig");
            String scheme = name.equals("ecdsa") ? "ecdsa" : name;   // tpm2_sign's default for RSA keys is rsassa
            tpm2(tcti, "tpm2_sign", "-c", ctx, "-g", "sha256", "-s", scheme, "-f", "plain", "-o", plain, msg).ok();
            tpm2(tcti, "tpm2_sign", "-c", ctx, "-g", "sha256", "-s", scheme, "-o", tss, msg).ok();
            List<String> verify = new java.util.ArrayList<>(List.of("dgst", "-sha256", "-verify", pem, "-signature", plain));
            if (name.equals("rsapss")) {
                verify.addAll(List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:auto"));
            }
            verify.add(msg);
            assertThat(openssl(verify.toArray(String[]::new)).ok().out()).as(name).contains("Verified OK");
            tpm2(tcti, "tpm2_verifysignature", "-c", ctx, "-g", "sha256", "-m", msg, "-s", tss,
                    "-t", path(dir, name + ".tk")).ok();
            // another message does not verify: TPM_RC_SIGNATURE on parameter 2
            Tools.Run bad = tpm2(tcti, "tpm2_verifysignature", "-c", ctx, "-g", "sha256", "-m", path(dir, "hmac.key"),
                    "-s", tss);
            assertThat(bad.exit()).as(name).isNotZero();
            assertThat(bad.err()).as(name).contains("0x2DB");
        }
    }

    /** An HMAC key made from known bits: tpm2_sign, tpm2_verifysignature and tpm2_hmac against openssl's HMAC. */
    private static void hmac(String tcti, Path dir) throws Exception {
        String msg = path(dir, "msg.txt"), ctx = path(dir, "hmac.ctx");
        // known key bits: tpm2_loadexternal of the raw key in the NULL hierarchy (tpm2_create refuses -G with -i)
        tpm2(tcti, "tpm2_loadexternal", "-Q", "-C", "n", "-G", "hmac", "-r", path(dir, "hmac.key"), "-a", "userwithauth|sign",
                "-c", ctx).ok();
        String expected = openssl("dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + HMAC_KEY_HEX, "-r", msg).ok().out()
                .split(" ")[0];
        assertThat(tpm2(tcti, "tpm2_hmac", "-c", ctx, "-g", "sha256", "--hex", msg).ok().out().trim()).isEqualTo(expected);
        // a message longer than one TPM2_HMAC buffer goes through HMAC_Start and the sequence commands
        Path big = dir.resolve("big.bin");
        Files.write(big, "0123456789abcdef".repeat(200).getBytes(StandardCharsets.US_ASCII));
        String bigExpected = openssl("dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + HMAC_KEY_HEX, "-r",
                big.toString()).ok().out().split(" ")[0];
        assertThat(tpm2(tcti, "tpm2_hmac", "-c", ctx, "-g", "sha256", "--hex", big.toString()).ok().out().trim())
                .isEqualTo(bigExpected);
        // tpm2_sign with the HMAC key: the HMAC of the message's digest
        String sig = path(dir, "hmac.sig");
        tpm2(tcti, "tpm2_sign", "-c", ctx, "-g", "sha256", "-o", sig, msg).ok();
        tpm2(tcti, "tpm2_verifysignature", "-c", ctx, "-g", "sha256", "-m", msg, "-s", sig).ok();
        Files.write(dir.resolve("digest.bin"), java.security.MessageDigest.getInstance("SHA-256")
                .digest(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        String digestHmac = openssl("dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + HMAC_KEY_HEX, "-r",
                path(dir, "digest.bin")).ok().out().split(" ")[0];
        byte[] tpmt = Files.readAllBytes(dir.resolve("hmac.sig"));   // sigAlg, hashAlg, then the 32 octets
        assertThat(HexFormat.of().formatHex(tpmt, 4, 36)).isEqualTo(digestHmac);
    }

    /** A restricted signing key signs a digest only with the ticket tpm2_hash gives for it. */
    private static void restricted(String tcti, Path dir) {
        String prim = path(dir, "prim.ctx"), msg = path(dir, "msg.txt"), ctx = path(dir, "ak.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc", "-c", prim).ok();
        tpm2(tcti, "tpm2_create", "-Q", "-C", prim, "-G", "ecc256:ecdsa-sha256:null", "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", "-u", path(dir, "ak.pub"),
                "-r", path(dir, "ak.priv")).ok();
        tpm2(tcti, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, "ak.pub"), "-r", path(dir, "ak.priv"), "-c", ctx).ok();
        tpm2(tcti, "tpm2_readpublic", "-Q", "-c", ctx, "-f", "pem", "-o", path(dir, "ak.pem")).ok();
        String digest = path(dir, "msg.digest"), ticket = path(dir, "msg.ticket");
        tpm2(tcti, "tpm2_hash", "-Q", "-C", "o", "-g", "sha256", "-o", digest, "-t", ticket, msg).ok();
        String plain = path(dir, "ak.plain");
        tpm2(tcti, "tpm2_sign", "-c", ctx, "-g", "sha256", "-d", "-t", ticket, "-f", "plain", "-o", plain, digest).ok();
        assertThat(openssl("dgst", "-sha256", "-verify", path(dir, "ak.pem"), "-signature", plain, msg).ok().out())
                .contains("Verified OK");
        // without the ticket: TPM_RC_TICKET on parameter 3
        Tools.Run refused = tpm2(tcti, "tpm2_sign", "-c", ctx, "-g", "sha256", "-d", "-o", plain, digest);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("0x3E0");
    }

    @Test
    void signAndVerify_rsassaRsapssEcdsa_opensslAndVerifySignature() throws Exception {
        try (SwtpmReference swtpm = new SwtpmReference()) {
            signAndVerify(swtpm.tcti(), workDir());
        }
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            signAndVerify(s.tcti(), workDir());
        }
    }

    @Test
    void hmacKey_signHmacAndSequence_matchOpenssl() throws Exception {
        try (SwtpmReference swtpm = new SwtpmReference()) {
            hmac(swtpm.tcti(), workDir());
        }
        try (JtpmServer s = JtpmServer.started(Protocol.MSSIM)) {
            hmac(s.tcti(), workDir());
        }
    }

    @Test
    void restrictedKey_signsWithHashTicketOnly() throws Exception {
        try (SwtpmReference swtpm = new SwtpmReference()) {
            restricted(swtpm.tcti(), workDir());
        }
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            restricted(s.tcti(), workDir());
        }
    }

    /** Makes a key on {@code signer}, signs there, and verifies on {@code verifier} after tpm2_loadexternal of its PEM. */
    private static void crossCheck(String signer, String verifier, Path dir, String alg, String loadAlg) {
        String prim = path(dir, "prim.ctx"), msg = path(dir, "msg.txt"), ctx = path(dir, "k.ctx"), pem = path(dir, "k.pem");
        tpm2(signer, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc", "-c", prim).ok();
        tpm2(signer, "tpm2_create", "-Q", "-C", prim, "-G", alg, "-u", path(dir, "k.pub"), "-r", path(dir, "k.priv")).ok();
        tpm2(signer, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, "k.pub"), "-r", path(dir, "k.priv"), "-c", ctx).ok();
        tpm2(signer, "tpm2_readpublic", "-Q", "-c", ctx, "-f", "pem", "-o", pem).ok();
        String sig = path(dir, "k.sig");
        String scheme = alg.split(":")[1].split("-")[0];
        tpm2(signer, "tpm2_sign", "-c", ctx, "-g", "sha256", "-s", scheme, "-o", sig, msg).ok();
        String ext = path(dir, "ext.ctx");
        tpm2(verifier, "tpm2_loadexternal", "-Q", "-C", "o", "-G", loadAlg, "-u", pem, "-c", ext).ok();
        tpm2(verifier, "tpm2_verifysignature", "-c", ext, "-g", "sha256", "-m", msg, "-s", sig,
                "-t", path(dir, "k.tk")).ok();
    }

    @Test
    void signatures_crossBetweenJtpmAndSwtpm() throws Exception {
        try (SwtpmReference swtpm = new SwtpmReference(); JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            for (String[] alg : new String[][] {{"ecc256:ecdsa-sha256:null", "ecc"}, {"rsa2048:rsassa-sha256:null", "rsa"},
                    {"rsa2048:rsapss-sha256:null", "rsa"}, {"ecc256:ecschnorr-sha256:null", "ecc"}}) {
                crossCheck(jtpm.tcti(), swtpm.tcti(), workDir(), alg[0], alg[1]);
                crossCheck(swtpm.tcti(), jtpm.tcti(), workDir(), alg[0], alg[1]);
            }
        }
    }
}
