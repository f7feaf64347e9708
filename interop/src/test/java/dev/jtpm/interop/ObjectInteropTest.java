package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The object commands (Part 3, 12; CreatePrimary, 24.1) through Debian's tpm2-tools: primaries of every
 * type, public keys read back as PEM and parsed by openssl, sealing (create, load, unseal),
 * changeauth of an object, and tpm2_loadexternal of an openssl key giving the same Name as on swtpm.
 * tpm2-tools keeps objects as saved contexts between invocations; {@code tpm2_flushcontext -t} after
 * each call keeps the three transient slots free.
 */
class ObjectInteropTest {

    private static String path(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run tpm2(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return r;
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void createPrimary_everyKeyType_andPemParsedByOpenssl(Protocol protocol) throws Exception {
        Path dir = Files.createTempDirectory("objects");
        try (JtpmServer s = JtpmServer.started(protocol)) {
            String tcti = s.tcti();
            for (String[] alg : new String[][] {{"rsa", "2048"}, {"rsa1024", "1024"}, {"rsa3072", "3072"}, {"ecc", "256"},
                    {"ecc384", "384"}, {"ecc521", "521"}, {"ecc224", "224"}}) {
                String ctx = path(dir, alg[0] + ".ctx"), pem = path(dir, alg[0] + ".pem");
                tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", alg[0], "-c", ctx).ok();
                tpm2(tcti, "tpm2_readpublic", "-Q", "-c", ctx, "-f", "pem", "-o", pem).ok();
                String text = Tools.run(Map.of(), null, "openssl", "pkey", "-pubin", "-in", pem, "-noout", "-text").ok().out();
                assertThat(text).as(alg[0]).contains(alg[1] + " bit");
            }
            // AES-192 too: a deliberate superset of libtpms 0.9, which answers TPM_RC_VALUE
            for (String alg : new String[] {"aes", "aes128cfb", "aes192cfb", "aes256cfb", "camellia", "camellia128cfb", "camellia256cfb"}) {
                tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", alg, "-c", path(dir, alg + ".ctx")).ok();
            }
            // libtpms 0.9 has no Camellia-192, nor has jtpm: TPM_RC_VALUE on the template
            for (String alg : new String[] {"camellia192cfb"}) {
                Tools.Run no192 = tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", alg, "-c", path(dir, "x.ctx"));
                assertThat(no192.err()).as(alg).contains("0x2C4");
            }
            // keyed-hash primaries need attributes that suit their scheme (tpm2-tools' defaults are
            // restricted|decrypt, which swtpm refuses with TPM_RC_SCHEME as well)
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "hmac", "-c", path(dir, "hmac.ctx"),
                    "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign").ok();
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "e", "-G", "keyedhash", "-c", path(dir, "kh.ctx"),
                    "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign|decrypt").ok();
            Tools.Run refused = tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "hmac", "-c", path(dir, "bad.ctx"));
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("0x2D2");
        }
    }

    @Test
    void createPrimary_sameTemplate_sameName() throws Exception {
        Path dir = Files.createTempDirectory("objects");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String a = tpm2(s.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", path(dir, "a.ctx")).ok().out();
            String b = tpm2(s.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", path(dir, "b.ctx")).ok().out();
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void sealCreateLoadUnseal_andChangeAuth() throws Exception {
        Path dir = Files.createTempDirectory("objects");
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "the sealed secret");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String tcti = s.tcti();
            String prim = path(dir, "prim.ctx");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "rsa", "-c", prim).ok();
            tpm2(tcti, "tpm2_create", "-Q", "-C", prim, "-i", secret.toString(), "-u", path(dir, "seal.pub"),
                    "-r", path(dir, "seal.priv"), "-p", "sealpw").ok();
            tpm2(tcti, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, "seal.pub"), "-r", path(dir, "seal.priv"),
                    "-c", path(dir, "seal.ctx")).ok();
            assertThat(tpm2(tcti, "tpm2_unseal", "-c", path(dir, "seal.ctx"), "-p", "sealpw").ok().out())
                    .isEqualTo("the sealed secret");
            // a wrong password is refused
            assertThat(tpm2(tcti, "tpm2_unseal", "-c", path(dir, "seal.ctx"), "-p", "wrong").exit()).isNotZero();
            // changeauth returns a new private area; the new one loads and unseals with the new password
            tpm2(tcti, "tpm2_changeauth", "-c", path(dir, "seal.ctx"), "-C", prim, "-p", "sealpw",
                    "-r", path(dir, "seal2.priv"), "newpw").ok();
            tpm2(tcti, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, "seal.pub"), "-r", path(dir, "seal2.priv"),
                    "-c", path(dir, "seal2.ctx")).ok();
            assertThat(tpm2(tcti, "tpm2_unseal", "-c", path(dir, "seal2.ctx"), "-p", "newpw").ok().out())
                    .isEqualTo("the sealed secret");
            // one flipped bit in the private blob: TPM_RC_INTEGRITY on parameter 1
            byte[] priv = Files.readAllBytes(dir.resolve("seal.priv"));
            priv[priv.length - 3] ^= 1;
            Files.write(dir.resolve("bad.priv"), priv);
            Tools.Run bad = tpm2(tcti, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, "seal.pub"), "-r",
                    path(dir, "bad.priv"), "-c", path(dir, "bad.ctx"));
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.err()).contains("0x1DF");
        }
    }

    @Test
    void createAndLoad_ordinaryKeys_underEccParent() throws Exception {
        Path dir = Files.createTempDirectory("objects");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String tcti = s.tcti();
            String prim = path(dir, "prim.ctx");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc", "-c", prim).ok();
            for (String alg : new String[] {"rsa2048", "ecc256", "aes128cfb", "hmac"}) {
                tpm2(tcti, "tpm2_create", "-Q", "-C", prim, "-G", alg, "-u", path(dir, alg + ".pub"),
                        "-r", path(dir, alg + ".priv")).ok();
                tpm2(tcti, "tpm2_load", "-Q", "-C", prim, "-u", path(dir, alg + ".pub"), "-r", path(dir, alg + ".priv"),
                        "-c", path(dir, alg + ".ctx")).ok();
                tpm2(tcti, "tpm2_readpublic", "-Q", "-c", path(dir, alg + ".ctx")).ok();
            }
        }
    }

    private static List<String> loadExternalNames(String tcti, Path dir) {
        List<String> names = new ArrayList<>();
        names.add(tpm2(tcti, "tpm2_loadexternal", "-C", "o", "-G", "ecc", "-u", path(dir, "ecpub.pem"),
                "-c", path(dir, "e.ctx")).ok().out());
        names.add(tpm2(tcti, "tpm2_loadexternal", "-C", "n", "-G", "ecc", "-r", path(dir, "ec.pem"),
                "-c", path(dir, "e2.ctx")).ok().out());
        names.add(tpm2(tcti, "tpm2_loadexternal", "-C", "n", "-G", "rsa", "-r", path(dir, "rsa.pem"),
                "-c", path(dir, "r.ctx")).ok().out());
        names.add(tpm2(tcti, "tpm2_loadexternal", "-C", "o", "-G", "rsa", "-u", path(dir, "rsapub.pem"),
                "-c", path(dir, "r2.ctx")).ok().out());
        return names;
    }

    @Test
    void loadExternal_ofAnOpensslKey_sameNameOnJtpmAndSwtpm() throws Exception {
        Tools.require("swtpm");
        Path dir = Files.createTempDirectory("external");
        Tools.run(Map.of(), null, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", path(dir, "ec.pem")).ok();
        Tools.run(Map.of(), null, "openssl", "pkey", "-in", path(dir, "ec.pem"), "-pubout", "-out", path(dir, "ecpub.pem")).ok();
        Tools.run(Map.of(), null, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", path(dir, "rsa.pem")).ok();
        Tools.run(Map.of(), null, "openssl", "pkey", "-in", path(dir, "rsa.pem"), "-pubout", "-out", path(dir, "rsapub.pem")).ok();
        List<String> reference;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = loadExternalNames(swtpm.tcti(), dir);
        }
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            List<String> names = loadExternalNames(jtpm.tcti(), dir);
            assertThat(names).containsExactlyElementsOf(reference);
            assertThat(names.get(0)).startsWith("name: 000b");
        }
    }
}
