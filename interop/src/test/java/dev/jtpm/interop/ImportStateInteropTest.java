package dev.jtpm.interop;

import static dev.jtpm.interop.Tools.tpm2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.server.SwtpmFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 6, taking over a swtpm TPM: swtpm_setup manufactures a swtpm state with EKs and an EK certificate;
 * swtpm then gets an SRK at 0x81000001, a sealed secret, an RSA and an ECC signing key (their blobs kept), NV
 * indices, an extended PCR, and stops after TPM2_Shutdown(STATE). {@code jtpm import-state} converts the directory;
 * jtpm, started on it with TPM2_Startup(STATE), shows the same EK Names (and tpm2_createek makes them again), the EK
 * certificate's key is the EK's, the secret unseals, both keys load and sign, persisted too (openssl verifies), the NV data and the
 * PCR equal swtpm's, and primaries of several templates in every hierarchy come out as on swtpm.
 */
class ImportStateInteropTest {

    private static final String SIGN = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";

    /** Templates created on both TPMs: hierarchy, tpm2_createprimary -G and -a (when not the default). */
    private static final String[][] PRIMARIES = {
        {"o", "rsa2048"}, {"o", "rsa3072"}, {"o", "ecc256"}, {"o", "ecc384"}, {"o", "aes128cfb"}, {"o", "hmac", SIGN},
        {"o", "xor:sha256"}, {"o", "rsa2048:rsassa-sha256:null", SIGN}, {"o", "ecc256:ecdsa-sha256:null", SIGN},
        {"o", "rsa3072:rsapss-sha384:null", SIGN}, {"o", "ecc384:ecdsa-sha384:null", SIGN},
        {"e", "rsa2048"}, {"e", "ecc384"}, {"e", "aes256cfb"}, {"p", "ecc256"}, {"p", "rsa2048"},
    };

    @Test
    void takesOverSwtpmState() throws Exception {
        Tools.require("swtpm_setup");
        Path work = JtpmServer.tempDir();
        Path swtpmDir = work.resolve("swtpm"), jtpmDir = work.resolve("jtpm");
        Files.createDirectories(swtpmDir);
        manufacture(work, swtpmDir);

        byte[] secret = "the secret sealed under swtpm's SRK".getBytes();
        Files.write(work.resolve("secret.dat"), secret);
        Files.write(work.resolve("msg.txt"), "a message to sign".getBytes());
        Files.write(work.resolve("nv.dat"), "NV data written by swtpm, 32 oct".getBytes());
        Map<String, String> onSwtpm;
        try (Swtpm swtpm = new Swtpm(swtpmDir)) {
            String t = swtpm.tcti();
            tpm2(t, "tpm2_createprimary", "-Q", "-C", "o", "-c", p(work, "srk.ctx")).ok();
            tpm2(t, "tpm2_evictcontrol", "-Q", "-C", "o", "-c", p(work, "srk.ctx"), "0x81000001").ok();
            tpm2(t, "tpm2_flushcontext", "-t").ok();
            tpm2(t, "tpm2_create", "-Q", "-C", "0x81000001", "-i", p(work, "secret.dat"), "-u", p(work, "seal.pub"),
                    "-r", p(work, "seal.priv")).ok();
            tpm2(t, "tpm2_create", "-Q", "-C", "0x81000001", "-G", "rsa2048:rsassa-sha256:null", "-u", p(work, "rsa.pub"),
                    "-r", p(work, "rsa.priv")).ok();
            tpm2(t, "tpm2_create", "-Q", "-C", "0x81000001", "-G", "ecc256:ecdsa-sha256:null", "-u", p(work, "ecc.pub"),
                    "-r", p(work, "ecc.priv")).ok();
            // the signing keys also persisted: their private areas come over in the persistent objects
            for (String[] k : new String[][] {{"rsa", "0x81000002"}, {"ecc", "0x81000003"}}) {
                tpm2(t, "tpm2_load", "-Q", "-C", "0x81000001", "-u", p(work, k[0] + ".pub"), "-r", p(work, k[0] + ".priv"),
                        "-c", p(work, k[0] + ".ctx")).ok();
                tpm2(t, "tpm2_evictcontrol", "-Q", "-C", "o", "-c", p(work, k[0] + ".ctx"), k[1]).ok();
                tpm2(t, "tpm2_flushcontext", "-t").ok();
            }
            tpm2(t, "tpm2_nvdefine", "-Q", "0x01500001", "-C", "o", "-s", "32", "-a", "ownerread|ownerwrite|authread|authwrite").ok();
            tpm2(t, "tpm2_nvwrite", "-Q", "0x01500001", "-C", "o", "-i", p(work, "nv.dat")).ok();
            tpm2(t, "tpm2_nvdefine", "-Q", "0x01500002", "-C", "o", "-a", "nt=counter|ownerread|ownerwrite|authread|authwrite").ok();
            tpm2(t, "tpm2_nvincrement", "-Q", "0x01500002", "-C", "o").ok();
            tpm2(t, "tpm2_nvincrement", "-Q", "0x01500002", "-C", "o").ok();
            tpm2(t, "tpm2_nvdefine", "-Q", "0x01500003", "-C", "o", "-a",
                    "nt=counter|ownerread|ownerwrite|authread|authwrite|orderly").ok();
            for (int i = 0; i < 3; i++) tpm2(t, "tpm2_nvincrement", "-Q", "0x01500003", "-C", "o").ok();
            tpm2(t, "tpm2_nvdefine", "-Q", "0x01500004", "-C", "o", "-a", "nt=bits|ownerread|ownerwrite|authread|authwrite").ok();
            tpm2(t, "tpm2_nvsetbits", "-Q", "0x01500004", "-C", "o", "-i", "0x5").ok();
            tpm2(t, "tpm2_pcrextend", "10:sha256=" + "ab".repeat(32)).ok();
            tpm2(t, "tpm2_changeauth", "-c", "l", "lockpass").ok();
            tpm2(t, "tpm2_dictionarylockout", "-s", "-n", "7", "-t", "120", "-l", "300", "-p", "lockpass").ok();
            onSwtpm = observe(t, work);
            tpm2(t, "tpm2_shutdown").ok();
            swtpm.stop();
        }
        assertThat(Files.exists(swtpmDir.resolve("tpm2-00.volatilestate"))).isFalse();

        // the import, and its refusal to overwrite
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", swtpmDir.toString(), "--tpmstate", "dir=" + jtpmDir))
                .isZero();
        byte[] imported = Files.readAllBytes(jtpmDir.resolve("tpm2-00.permall"));
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", swtpmDir.toString(), "--tpmstate", "dir=" + jtpmDir))
                .isEqualTo(1);
        assertThat(Files.readAllBytes(jtpmDir.resolve("tpm2-00.permall"))).isEqualTo(imported);

        try (JtpmServer jtpm = JtpmServer.onState(jtpmDir, new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false))) {
            String t = jtpm.tcti();
            tpm2(t, "tpm2_startup").ok(); // TPM2_Startup(STATE): swtpm stopped after Shutdown(STATE)
            Map<String, String> onJtpm = observe(t, work);
            assertThat(onJtpm).isEqualTo(onSwtpm);
            // the lockout authValue came along
            tpm2(t, "tpm2_dictionarylockout", "-c", "-p", "lockpass").ok();

            // the EK certificate at 0x01C00002 holds the EK's public key
            tpm2(t, "tpm2_readpublic", "-Q", "-c", "0x81010001", "-f", "pem", "-o", p(work, "ek.pem")).ok();
            tpm2(t, "tpm2_nvread", "-Q", "0x01c00002", "-C", "o", "-o", p(work, "ekcert.der")).ok();
            String certKey = openssl("x509", "-inform", "der", "-in", p(work, "ekcert.der"), "-noout", "-pubkey").ok().out();
            assertThat(certKey.strip()).isEqualTo(Files.readString(work.resolve("ek.pem")).strip());

            // the sealed secret unseals, both keys load and sign
            tpm2(t, "tpm2_load", "-Q", "-C", "0x81000001", "-u", p(work, "seal.pub"), "-r", p(work, "seal.priv"),
                    "-c", p(work, "seal.ctx")).ok();
            tpm2(t, "tpm2_unseal", "-c", p(work, "seal.ctx"), "-o", p(work, "unsealed.dat")).ok();
            assertThat(Files.readAllBytes(work.resolve("unsealed.dat"))).isEqualTo(secret);
            tpm2(t, "tpm2_flushcontext", "-t").ok();
            for (String[] k : new String[][] {{"rsa", "rsassa", ""}, {"ecc", "ecdsa", ""}, {"rsa", "rsassa", "0x81000002"},
                    {"ecc", "ecdsa", "0x81000003"}}) {
                String ctx = k[2].isEmpty() ? p(work, k[0] + ".ctx") : k[2];
                if (k[2].isEmpty()) {
                    tpm2(t, "tpm2_load", "-Q", "-C", "0x81000001", "-u", p(work, k[0] + ".pub"), "-r", p(work, k[0] + ".priv"),
                            "-c", ctx).ok();
                }
                tpm2(t, "tpm2_readpublic", "-Q", "-c", ctx, "-f", "pem", "-o", p(work, k[0] + ".pem")).ok();
                tpm2(t, "tpm2_sign", "-c", ctx, "-g", "sha256", "-s", k[1], "-f", "plain", "-o", p(work, k[0] + ".sig"),
                        p(work, "msg.txt")).ok();
                assertThat(openssl("dgst", "-sha256", "-verify", p(work, k[0] + ".pem"), "-signature", p(work, k[0] + ".sig"),
                        p(work, "msg.txt")).ok().out()).as(k[0]).contains("Verified OK");
                tpm2(t, "tpm2_flushcontext", "-t").ok();
            }
        }
    }

    /**
     * A state encrypted with a passphrase (swtpm_setup --pwdfile --cipher aes-256-cbc): the import needs the same
     * --key; without it, or with another passphrase, it is refused and nothing is written. With it, the jtpm state is
     * written encrypted with that key (libvirt starts the emulator with the same --key), and jtpm shows the EK swtpm
     * shows.
     */
    @Test
    void takesOverEncryptedState() throws Exception {
        Tools.require("swtpm_setup");
        Path work = JtpmServer.tempDir();
        Path swtpmDir = work.resolve("swtpm"), jtpmDir = work.resolve("jtpm");
        Files.createDirectories(swtpmDir);
        Path pwd = work.resolve("pwd"), wrong = work.resolve("wrong");
        Files.writeString(pwd, "a state passphrase");
        Files.writeString(wrong, "another passphrase");
        manufacture(work, swtpmDir, "--pwdfile", pwd.toString(), "--cipher", "aes-256-cbc");
        String key = "pwdfile=" + pwd + ",mode=aes-256-cbc";
        String ekName;
        try (Swtpm swtpm = new Swtpm(swtpmDir, "--key", key)) {
            ekName = name(swtpm.tcti(), "0x81010001");
            // a running swtpm holds its directory's lock: refused
            assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", swtpmDir.toString(), "--tpmstate",
                    "dir=" + jtpmDir, "--key", key)).isEqualTo(1);
            tpm2(swtpm.tcti(), "tpm2_shutdown", "-c").ok();
            swtpm.stop();
        }
        String from = swtpmDir.toString(), to = "dir=" + jtpmDir;
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from, "--tpmstate", to)).isEqualTo(1);
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from, "--tpmstate", to,
                "--key", "pwdfile=" + wrong + ",mode=aes-256-cbc")).isEqualTo(1);
        assertThat(Files.exists(jtpmDir.resolve("tpm2-00.permall"))).isFalse();
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from, "--tpmstate", to + ",mode=0600", "--key", key))
                .isZero();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(jtpmDir.resolve("tpm2-00.permall")))).isEqualTo("rw-------");
        // the jtpm state is encrypted with the same key: jtpm socket --key starts on it, and without the key it is refused
        assertThat(dev.jtpm.wire.StateBlob.decode(Files.readAllBytes(jtpmDir.resolve("tpm2-00.permall"))).flags()
                & dev.jtpm.wire.StateBlob.BLOB_FLAG_ENCRYPTED).isNotZero();
        try (JtpmServer jtpm = JtpmServer.onState(jtpmDir, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false),
                dev.jtpm.wire.StateKey.parse(key, dev.jtpm.wire.StateKey.FdOpener.PROC_SELF))) {
            assertThat(name(jtpm.tcti(), "0x81010001")).isEqualTo(ekName);
        }
        assertThatThrownBy(() -> JtpmServer.onState(jtpmDir, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false)))
                .hasMessageContaining("key");
    }

    /**
     * A state whose seeds are at SEED_COMPAT_LEVEL_ORIGINAL (libtpms before 0.8: its RSA prime candidates differ): made
     * by setting the three levels of a fresh state to 0 (PERSISTENT_DATA's version-4 block). swtpm and jtpm then
     * derive the same RSA primaries at that level, in the endorsement, storage and platform hierarchies. swtpm also
     * stores its volatile state before it stops: the import takes it over, or leaves it out with --discard-volatile.
     */
    @Test
    void followsTheOriginalSeedCompatibilityLevel() throws Exception {
        Tools.require("swtpm_setup");
        Path work = JtpmServer.tempDir();
        Path swtpmDir = work.resolve("swtpm"), jtpmDir = work.resolve("jtpm");
        Files.createDirectories(swtpmDir);
        manufacture(work, swtpmDir);
        Path permall = swtpmDir.resolve("tpm2-00.permall");
        byte[] b = Files.readAllBytes(permall);
        byte[] levels = {1, 0, 6, 1, 1, 1, 1, 0, 0}; // block present, 6 octets: EP, SP, PP levels 1, empty v5 block
        int at = indexOf(b, levels);
        assertThat(at).isPositive();
        b[at + 3] = b[at + 4] = b[at + 5] = 0;
        Files.write(permall, b);
        String[][] rsa = {{"e", "rsa2048"}, {"o", "rsa2048"}, {"o", "rsa3072"}, {"p", "rsa2048"}};
        Map<String, String> onSwtpm = new LinkedHashMap<>(), onJtpm = new LinkedHashMap<>();
        try (Swtpm swtpm = new Swtpm(swtpmDir)) {
            primaries(swtpm.tcti(), work, rsa, onSwtpm);
            tpm2(swtpm.tcti(), "tpm2_shutdown", "-c").ok();
            swtpm.storeVolatile();
            swtpm.stop();
        }
        // swtpm_ioctl -v left a volatile state file: taken over too, or left out with --discard-volatile
        assertThat(Files.exists(swtpmDir.resolve("tpm2-00.volatilestate"))).isTrue();
        Path withVolatile = work.resolve("with-volatile");
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", swtpmDir.toString(), "--tpmstate",
                "dir=" + withVolatile)).isZero();
        assertThat(Files.exists(withVolatile.resolve("tpm2-00.volatilestate"))).isTrue();
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", swtpmDir.toString(), "--tpmstate", "dir=" + jtpmDir,
                "--discard-volatile")).isZero();
        assertThat(Files.exists(jtpmDir.resolve("tpm2-00.volatilestate"))).isFalse();
        try (JtpmServer jtpm = JtpmServer.onState(jtpmDir, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false))) {
            primaries(jtpm.tcti(), work, rsa, onJtpm);
        }
        assertThat(onJtpm).isEqualTo(onSwtpm);
    }

    private static void primaries(String t, Path work, String[][] templates, Map<String, String> into) {
        tpm2(t, "tpm2_createek", "-c", p(work, "ek.ctx"), "-G", "rsa", "-u", p(work, "ek.pub")).ok();
        into.put("createek rsa", name(t, p(work, "ek.ctx")));
        tpm2(t, "tpm2_flushcontext", "-t").ok();
        for (String[] pr : templates) {
            tpm2(t, "tpm2_createprimary", "-Q", "-C", pr[0], "-G", pr[1], "-c", p(work, "prim.ctx")).ok();
            into.put("primary " + pr[0] + " " + pr[1], name(t, p(work, "prim.ctx")));
            tpm2(t, "tpm2_flushcontext", "-t").ok();
        }
    }

    private static int indexOf(byte[] b, byte[] pattern) {
        int found = -1;
        outer:
        for (int i = 0; i + pattern.length <= b.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (b[i + j] != pattern[j]) continue outer;
            if (found >= 0) return -2; // not unique
            found = i;
        }
        return found;
    }

    /** swtpm's single-file backend (backend-uri=file://): the permanent-state entry is taken over. */
    @Test
    void takesOverASingleFileState() throws Exception {
        Tools.require("swtpm");
        Path work = JtpmServer.tempDir();
        Path image = work.resolve("tpm.img"), jtpmDir = work.resolve("jtpm");
        Map<String, String> onSwtpm = new LinkedHashMap<>(), onJtpm = new LinkedHashMap<>();
        String[][] templates = {{"o", "rsa2048"}, {"e", "ecc256"}};
        try (Swtpm swtpm = new Swtpm(image)) {
            primaries(swtpm.tcti(), work, templates, onSwtpm);
            tpm2(swtpm.tcti(), "tpm2_shutdown", "-c").ok();
            swtpm.stop();
        }
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", "file://" + image, "--tpmstate", "dir=" + jtpmDir))
                .isZero();
        try (JtpmServer jtpm = JtpmServer.onState(jtpmDir, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false))) {
            primaries(jtpm.tcti(), work, templates, onJtpm);
        }
        assertThat(onJtpm).isEqualTo(onSwtpm);
    }

    /** A state without a TPM 2 permall, or with volatile state, is refused with exit 1 and nothing written. */
    @Test
    void refusesWhatItCannotTakeOver() throws Exception {
        Path work = JtpmServer.tempDir();
        Path from = work.resolve("from"), to = work.resolve("to");
        Files.createDirectories(from);
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to)).isEqualTo(1);
        Files.write(from.resolve("tpm-00.permall"), new byte[] {1, 2, 3});
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to)).isEqualTo(1);
        Files.write(from.resolve("tpm2-00.permall"), new byte[] {2, 1, 0, 10, 0, 0, 0, 0, 0, 10});
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to)).isEqualTo(1);
        Files.write(from.resolve("tpm2-00.volatilestate"), new byte[] {0});
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to)).isEqualTo(1);
        // --discard-volatile gets past the volatile state, and then refuses the malformed permall
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to,
                "--discard-volatile")).isEqualTo(1);
        assertThat(Files.exists(to.resolve("tpm2-00.permall"))).isFalse();
        // bad options: exit 2
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", to.toString())).isEqualTo(2);
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to + ",mode=9"))
                .isEqualTo(2);
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--from", from.toString(), "--tpmstate", "dir=" + to,
                "--key", "nonsense=1")).isEqualTo(2);
        assertThat(dev.jtpm.cli.Main.execute("import-state", "--tpmstate", "dir=" + to)).isEqualTo(2);
    }

    /** What both TPMs must show alike: EK Names, createek Names, NV data, the PCR, primaries of many templates. */
    private static Map<String, String> observe(String t, Path work) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String h : List.of("0x81010001", "0x81010016", "0x81000001", "0x81000002", "0x81000003")) {
            m.put("name " + h, name(t, h));
        }
        for (String g : List.of("rsa", "ecc")) {
            tpm2(t, "tpm2_createek", "-c", p(work, "ek.ctx"), "-G", g, "-u", p(work, "ek.pub")).ok();
            m.put("createek " + g, name(t, p(work, "ek.ctx")));
            tpm2(t, "tpm2_flushcontext", "-t").ok();
        }
        m.put("nv 0x01500001", tpm2(t, "tpm2_nvread", "0x01500001", "-C", "o", "-s", "32").ok().out());
        m.put("nv 0x01500002", tpm2(t, "tpm2_nvread", "0x01500002", "-C", "o").ok().out());
        m.put("nv 0x01500003", tpm2(t, "tpm2_nvread", "0x01500003", "-C", "o").ok().out());
        m.put("nv 0x01500004", tpm2(t, "tpm2_nvread", "0x01500004", "-C", "o").ok().out());
        m.put("pcr", tpm2(t, "tpm2_pcrread", "sha256:0,10,16").ok().out());
        m.put("pcr banks", tpm2(t, "tpm2_getcap", "pcrs").ok().out());
        m.put("dictionary attack", tpm2(t, "tpm2_getcap", "properties-variable").ok().out().lines()
                .filter(l -> l.matches(".*(AuthSet|disableClear|inLockout|MAX_AUTH_FAIL|LOCKOUT_).*")).toList().toString());
        m.put("nv public", tpm2(t, "tpm2_nvreadpublic").ok().out());
        m.put("persistent", tpm2(t, "tpm2_getcap", "handles-persistent").ok().out());
        for (String[] pr : PRIMARIES) {
            List<String> cmd = new java.util.ArrayList<>(List.of("tpm2_createprimary", "-Q", "-C", pr[0], "-G", pr[1],
                    "-c", p(work, "prim.ctx")));
            if (pr.length > 2) cmd.addAll(List.of("-a", pr[2]));
            Tools.Run r = tpm2(t, cmd.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", pr) + ": " + r.err()).isZero();
            m.put("primary " + pr[0] + " " + pr[1], name(t, p(work, "prim.ctx")));
            tpm2(t, "tpm2_flushcontext", "-t").ok();
        }
        return m;
    }

    private static String name(String t, String object) {
        String out = tpm2(t, "tpm2_readpublic", "-c", object).ok().out();
        return out.lines().filter(l -> l.startsWith("name:")).findFirst().orElseThrow();
    }

    /** swtpm_setup --create-ek-cert --createek with a private local CA and configuration under {@code work}. */
    private static void manufacture(Path work, Path state, String... extra) throws IOException {
        Path ca = work.resolve("localca");
        Files.createDirectories(ca);
        Path caConf = work.resolve("swtpm-localca.conf"), setupConf = work.resolve("swtpm_setup.conf");
        Files.writeString(caConf, "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem") + "\nissuercert = "
                + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
        Files.writeString(setupConf, "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = " + caConf
                + "\ncreate_certs_tool_options = /etc/swtpm-localca.options\n");
        List<String> cmd = new java.util.ArrayList<>(List.of("swtpm_setup", "--tpm2", "--tpm-state", state.toString(),
                "--create-ek-cert", "--createek", "--config", setupConf.toString()));
        cmd.addAll(List.of(extra));
        Tools.run(Map.of("XDG_CONFIG_HOME", work.toString()), null, cmd.toArray(String[]::new)).ok();
    }

    private static String p(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run openssl(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(Map.of(), null, cmd);
    }

    /**
     * swtpm 0.7.1 on a given state directory, or single state file (a name ending in .img: backend-uri=file://),
     * started (not-need-init, startup-clear), stopped with swtpm_ioctl -s.
     */
    static final class Swtpm implements AutoCloseable {
        private final Process process;
        private final int port;

        Swtpm(Path dir, String... extra) {
            port = FreePorts.pair();
            List<String> cmd = new java.util.ArrayList<>(List.of("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + port
                    + ",bindaddr=127.0.0.1", "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                    "--flags", "not-need-init,startup-clear", "--tpmstate",
                    dir.toString().endsWith(".img") ? "backend-uri=file://" + dir : "dir=" + dir));
            cmd.addAll(List.of(extra));
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolveSibling("swtpm.log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; ; i++) {
                try (Socket s = new Socket("127.0.0.1", port + 1)) {
                    break;
                } catch (IOException e) {
                    if (i > 400 || !process.isAlive()) throw new IllegalStateException("swtpm did not start");
                    try {
                        Thread.sleep(25);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(ie);
                    }
                }
            }
        }

        String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

        /** The data port (the control port is the next one). */
        int port() { return port; }

        /** CMD_STORE_VOLATILE (swtpm_ioctl -v): swtpm writes tpm2-00.volatilestate. */
        void storeVolatile() {
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-v").ok();
        }

        /** CMD_SHUTDOWN (swtpm_ioctl -s): swtpm writes its state and exits. */
        void stop() throws InterruptedException {
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-s").ok();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        }
    }
}
