package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Credentials and duplication with real clients: tpm2_makecredential (in the TPM and offline with {@code -T none})
 * and tpm2_activatecredential with RSA and ECC EKs (PolicySecret on the endorsement hierarchy in a policy
 * session); tpm2_duplicate and tpm2_import within jtpm (with and without an inner wrapper), from jtpm to swtpm and
 * from swtpm to jtpm (the new parent's public area loaded on the source with tpm2_loadexternal); tpm2_import of
 * keys openssl made, used to sign and verified by openssl.
 */
class CredentialDuplicationInteropTest {
    private static final String SECRET = "a credential for the AK: 32 oct";

    /** A tool run that must succeed, followed by flushing every transient object (three slots only). */
    private static Tools.Run ok(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return r;
    }

    private static String p(Path dir, String file) { return dir.resolve(file).toString(); }

    /** tpm2_activatecredential with the EK's policy, PolicySecret(TPM_RH_ENDORSEMENT). */
    private static Tools.Run activate(String tcti, Path dir, String cred, String out) {
        ok(tcti, "tpm2_startauthsession", "--policy-session", "-S", p(dir, "s.ctx"));
        ok(tcti, "tpm2_policysecret", "-S", p(dir, "s.ctx"), "-c", "e");
        Tools.Run r = Tools.tpm2(tcti, "tpm2_activatecredential", "-c", p(dir, "ak.ctx"), "-C", p(dir, "ek.ctx"), "-i", cred,
                "-o", out, "-P", "session:" + p(dir, "s.ctx"));
        Tools.tpm2(tcti, "tpm2_flushcontext", p(dir, "s.ctx"));
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecc"})
    void makeCredential_inTheTpmAndOffline_activatesWithTheEk(String alg) throws Exception {
        Path dir = Files.createTempDirectory("jtpm-cred");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            ok(t, "tpm2_createek", "-G", alg, "-c", p(dir, "ek.ctx"), "-u", p(dir, "ek.pub"));
            ok(t, "tpm2_createak", "-C", p(dir, "ek.ctx"), "-c", p(dir, "ak.ctx"), "-u", p(dir, "ak.pub"), "-n", p(dir, "ak.name"));
            String name = HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("ak.name")));
            Files.writeString(dir.resolve("secret.txt"), SECRET);
            // a verifier: offline, from the EK public and the AK name
            Tools.run(Map.of(), null, "tpm2_makecredential", "-T", "none", "-u", p(dir, "ek.pub"), "-s", p(dir, "secret.txt"),
                    "-n", name, "-o", p(dir, "offline.cred")).ok();
            // and the TPM doing the verifier's work with the EK's public area
            ok(t, "tpm2_makecredential", "-u", p(dir, "ek.pub"), "-s", p(dir, "secret.txt"), "-n", name, "-o",
                    p(dir, "tpm.cred"));
            for (String cred : new String[] {"offline.cred", "tpm.cred"}) {
                Path out = dir.resolve(cred + ".out");
                activate(t, dir, p(dir, cred), out.toString()).ok();
                assertThat(Files.readString(out)).isEqualTo(SECRET);
            }
            // the blob is bound to the AK's Name: a credential for another name does not activate
            Tools.run(Map.of(), null, "tpm2_makecredential", "-T", "none", "-u", p(dir, "ek.pub"), "-s", p(dir, "secret.txt"),
                    "-n", "000b" + "00".repeat(32), "-o", p(dir, "other.cred")).ok();
            assertThat(activate(t, dir, p(dir, "other.cred"), p(dir, "other.out")).outcome()).isEqualTo("0x1df");
        }
    }

    /** A duplicable ECC signing key under a new SRK, with PolicyCommandCode(TPM2_Duplicate) as its policy. */
    private static void duplicableKey(String t, Path dir) {
        ok(t, "tpm2_createprimary", "-C", "o", "-c", p(dir, "srk.ctx"));
        ok(t, "tpm2_startauthsession", "-S", p(dir, "trial.ctx"));
        ok(t, "tpm2_policycommandcode", "-S", p(dir, "trial.ctx"), "-L", p(dir, "dpol.dat"), "TPM2_CC_Duplicate");
        Tools.tpm2(t, "tpm2_flushcontext", p(dir, "trial.ctx")).ok();
        ok(t, "tpm2_create", "-C", p(dir, "srk.ctx"), "-G", "ecc", "-a", "sensitivedataorigin|userwithauth|sign", "-L",
                p(dir, "dpol.dat"), "-u", p(dir, "k.pub"), "-r", p(dir, "k.priv"));
        ok(t, "tpm2_load", "-C", p(dir, "srk.ctx"), "-u", p(dir, "k.pub"), "-r", p(dir, "k.priv"), "-c", p(dir, "k.ctx"));
    }

    /** tpm2_duplicate to {@code parentCtx} in a policy session; "aes" or "null" inner wrapper. */
    private static void duplicate(String t, Path dir, String parentCtx, String wrapper) {
        ok(t, "tpm2_startauthsession", "--policy-session", "-S", p(dir, "p.ctx"));
        ok(t, "tpm2_policycommandcode", "-S", p(dir, "p.ctx"), "TPM2_CC_Duplicate");
        if (wrapper.equals("aes")) {
            Tools.tpm2(t, "tpm2_duplicate", "-C", parentCtx, "-c", p(dir, "k.ctx"), "-G", "aes", "-o", p(dir, "key.bin"), "-r",
                    p(dir, "dup.dpriv"), "-s", p(dir, "dup.seed"), "-p", "session:" + p(dir, "p.ctx")).ok();
        } else {
            Tools.tpm2(t, "tpm2_duplicate", "-C", parentCtx, "-c", p(dir, "k.ctx"), "-G", "null", "-r", p(dir, "dup.dpriv"), "-s",
                    p(dir, "dup.seed"), "-p", "session:" + p(dir, "p.ctx")).ok();
        }
        Tools.tpm2(t, "tpm2_flushcontext", p(dir, "p.ctx"));
        Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
    }

    /** tpm2_import under {@code parentCtx}, load, sign, and openssl verifies with the key's public PEM. */
    private static void importLoadAndSign(String t, Path dir, String parentCtx, String wrapper) {
        if (wrapper.equals("aes")) {
            ok(t, "tpm2_import", "-C", parentCtx, "-u", p(dir, "k.pub"), "-i", p(dir, "dup.dpriv"), "-r", p(dir, "k2.priv"), "-s",
                    p(dir, "dup.seed"), "-k", p(dir, "key.bin"));
        } else {
            ok(t, "tpm2_import", "-C", parentCtx, "-u", p(dir, "k.pub"), "-i", p(dir, "dup.dpriv"), "-r", p(dir, "k2.priv"), "-s",
                    p(dir, "dup.seed"));
        }
        ok(t, "tpm2_load", "-C", parentCtx, "-u", p(dir, "k.pub"), "-r", p(dir, "k2.priv"), "-c", p(dir, "k2.ctx"));
        signAndVerify(t, dir, "k2.ctx");
    }

    private static void signAndVerify(String t, Path dir, String keyCtx) {
        try {
            Files.writeString(dir.resolve("msg"), "the message " + keyCtx);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ok(t, "tpm2_sign", "-c", p(dir, keyCtx), "-g", "sha256", "-f", "plain", "-o", p(dir, "sig.der"), p(dir, "msg"));
        ok(t, "tpm2_readpublic", "-c", p(dir, keyCtx), "-f", "pem", "-o", p(dir, keyCtx + ".pem"));
        Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", p(dir, keyCtx + ".pem"), "-signature", p(dir, "sig.der"),
                p(dir, "msg")).ok();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes", "null"})
    void duplicateAndImport_withinJtpm(String wrapper) throws Exception {
        Path dir = Files.createTempDirectory("jtpm-dup");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            duplicableKey(t, dir);
            ok(t, "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", p(dir, "np.ctx"));
            duplicate(t, dir, p(dir, "np.ctx"), wrapper);
            importLoadAndSign(t, dir, p(dir, "np.ctx"), wrapper);
        }
    }

    /** Duplicates on {@code source} to a parent made on {@code target}, imports there, and signs. */
    private static void acrossTpms(String source, String target, String wrapper) throws Exception {
        Path src = Files.createTempDirectory("jtpm-dup-src");
        Path dst = Files.createTempDirectory("jtpm-dup-dst");
        ok(target, "tpm2_createprimary", "-C", "o", "-G", "rsa", "-c", p(dst, "np.ctx"));
        ok(target, "tpm2_readpublic", "-c", p(dst, "np.ctx"), "-o", p(dst, "np.pub"));
        duplicableKey(source, src);
        ok(source, "tpm2_loadexternal", "-C", "o", "-u", p(dst, "np.pub"), "-c", p(src, "npx.ctx"));
        duplicate(source, src, p(src, "npx.ctx"), wrapper);
        for (String f : new String[] {"k.pub", "dup.dpriv", "dup.seed", "key.bin"}) {
            if (Files.exists(src.resolve(f))) Files.copy(src.resolve(f), dst.resolve(f));
        }
        importLoadAndSign(target, dst, p(dst, "np.ctx"), wrapper);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes", "null"})
    void duplicate_fromJtpmToSwtpm_andFromSwtpmToJtpm(String wrapper) throws Exception {
        try (JtpmServer j = JtpmServer.started(Protocol.SWTPM); SwtpmReference sw = new SwtpmReference()) {
            acrossTpms(j.tcti(), sw.tcti(), wrapper);
            acrossTpms(sw.tcti(), j.tcti(), wrapper);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecc"})
    void import_opensslKey_signsAndOpensslVerifies(String alg) throws Exception {
        Path dir = Files.createTempDirectory("jtpm-import");
        String pem = p(dir, "key.pem");
        if (alg.equals("rsa")) {
            Tools.run(Map.of(), null, "openssl", "genrsa", "-out", pem, "2048").ok();
        } else {
            Tools.run(Map.of(), null, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", pem).ok();
        }
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            ok(t, "tpm2_createprimary", "-C", "o", "-c", p(dir, "srk.ctx"));
            ok(t, "tpm2_import", "-C", p(dir, "srk.ctx"), "-G", alg, "-i", pem, "-u", p(dir, "i.pub"), "-r", p(dir, "i.priv"));
            ok(t, "tpm2_load", "-C", p(dir, "srk.ctx"), "-u", p(dir, "i.pub"), "-r", p(dir, "i.priv"), "-c", p(dir, "i.ctx"));
            signAndVerify(t, dir, "i.ctx");
            // the TPM's public key is openssl's
            String fromOpenssl = Tools.run(Map.of(), null, "openssl", "pkey", "-in", pem, "-pubout").ok().out();
            assertThat(Files.readString(dir.resolve("i.ctx.pem")).trim()).isEqualTo(fromOpenssl.trim());
        }
    }

    @Test
    void makeCredential_withoutTheEkPolicy_isRefused() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-cred");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            ok(t, "tpm2_createek", "-G", "rsa", "-c", p(dir, "ek.ctx"), "-u", p(dir, "ek.pub"));
            ok(t, "tpm2_createak", "-C", p(dir, "ek.ctx"), "-c", p(dir, "ak.ctx"), "-n", p(dir, "ak.name"));
            Files.writeString(dir.resolve("secret.txt"), SECRET);
            String name = HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("ak.name")));
            Tools.run(Map.of(), null, "tpm2_makecredential", "-T", "none", "-u", p(dir, "ek.pub"), "-s", p(dir, "secret.txt"),
                    "-n", name, "-o", p(dir, "c.cred")).ok();
            Tools.Run r = Tools.tpm2(t, "tpm2_activatecredential", "-c", p(dir, "ak.ctx"), "-C", p(dir, "ek.ctx"), "-i",
                    p(dir, "c.cred"), "-o", p(dir, "c.out"));
            assertThat(r.exit()).isNotZero();
        }
    }
}
