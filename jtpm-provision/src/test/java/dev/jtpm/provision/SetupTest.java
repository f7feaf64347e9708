package dev.jtpm.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.NvRead;
import dev.jtpm.types.command.NvReadPublic;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlHandle;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm setup} in-process: the options the getopt_long way, the state it writes (loaded into a new TPM and
 * inspected with TPM commands), the overwrite rules, the server's lock, encrypted state, reconfiguration, config files.
 */
class SetupTest {
    static Path ca;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = Files.createTempDirectory("jtpm-setup-ca");
        LocalCa.open(ca);
    }

    record Result(int exit, String out, String err) {}

    static Result setup(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int rc = Setup.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result setup(String... args) {
        return setup(Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", "/nonexistent"), args);
    }

    /** The state of a directory, started in a new in-process TPM. */
    static final class Loaded {
        final Tpm tpm;
        final NvStore mem = NvStore.inMemory();

        Loaded(Path dir, Optional<StateKey> key) throws Exception {
            for (StateKind k : StateKind.values()) {
                Path f = dir.resolve("tpm2-00." + k.fileSuffix());
                if (Files.exists(f)) mem.store(k, StateBlob.decodeFile(Files.readAllBytes(f), key));
            }
            tpm = new Tpm(Platform.of(mem));
            assertThat(tpm.init()).isTrue();
            run(new Startup(TpmSu.CLEAR));
        }

        <R extends Record, C extends Record & TpmCommand<R>> R run(C c) {
            return CommandBytes.decode(c, tpm.execute(CommandBytes.encode(c), 0)).orThrow();
        }

        List<Integer> handles(int first) {
            var r = run(new GetCapability(TpmCap.HANDLES, first, 64));
            return ((TpmlHandle) r.capabilityData().data()).handle();
        }

        int nvAttributes(int index) { return run(new NvReadPublic(index)).nvPublic().attributes(); }

        byte[] nvData(int index) {
            int size = run(new NvReadPublic(index)).nvPublic().dataSize();
            var out = new ByteArrayOutputStream();
            for (int off = 0; off < size; off += 1024)
                out.writeBytes(run(new NvRead(TpmRh.OWNER, index, Math.min(1024, size - off), off)).data().toArray());
            return out.toByteArray();
        }

        TpmtPublic readPublic(int handle) { return run(new ReadPublic(handle)).outPublic(); }

        Bytes createPrimaryName(TpmtPublic template) {
            return run(new CreatePrimary(TpmRh.ENDORSEMENT, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY,
                    new TpmlPcrSelection(List.of()))).name();
        }

        List<TpmsPcrSelection> pcrAllocation() {
            var r = run(new GetCapability(TpmCap.PCRS, 0, 1));
            return ((TpmlPcrSelection) r.capabilityData().data()).pcrSelections();
        }
    }

    static X509Certificate cert(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    static Map<String, byte[]> snapshot(Path dir) throws Exception {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    static void assertSameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k)).as(k).isEqualTo(a.get(k));
    }

    @Test
    void ekCertsPlatformCertAndLocks_whereSwtpmSetupPutsThem() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--create-ek-cert", "--create-platform-cert", "--lock-nvram",
                "--vmid", "test", "--localca-dir", ca.toString(), "--create-spk");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Successfully authored TPM state.");
        Loaded t = new Loaded(dir, Optional.empty());
        assertThat(t.handles(0x81000000)).containsExactly(0x81000001, 0x81010001, 0x81010016);
        assertThat(t.handles(0x01000000)).containsExactly(0x01C00002, 0x01C00016, 0x01C08000);
        for (int i : List.of(0x01C00002, 0x01C00016, 0x01C08000)) assertThat(t.nvAttributes(i)).isEqualTo(0x62072801);

        // the EK is the TCG template's key: the same Name as a new CreatePrimary, the same key as its certificate
        TpmtPublic ek = t.readPublic(0x81010001);
        assertThat(ek.withUnique(Templates.EK_RSA_2048.unique())).isEqualTo(Templates.EK_RSA_2048);
        assertThat(t.createPrimaryName(Templates.EK_RSA_2048)).isEqualTo(ek.name());
        X509Certificate c = cert(t.nvData(0x01C00002));
        assertThat(c.getPublicKey()).isEqualTo(Manufacture.publicKey(ek));
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=test");
        c.verify(LocalCa.open(ca).issuerCertificate().getPublicKey());
        TpmtPublic ecc = t.readPublic(0x81010016);
        assertThat(ecc.withUnique(Templates.EK_ECC_P384_HIGH.unique())).isEqualTo(Templates.EK_ECC_P384_HIGH);
        assertThat(cert(t.nvData(0x01C00016)).getPublicKey()).isEqualTo(Manufacture.publicKey(ecc));
        X509Certificate platform = cert(t.nvData(0x01C08000));
        assertThat(platform.getPublicKey()).isEqualTo(Manufacture.publicKey(ek));
        assertThat(platform.getExtendedKeyUsage()).containsExactly("2.23.133.8.2");

        // SHA-256 only, all 24 PCRs; the other banks of the TPM none
        for (TpmsPcrSelection s : t.pcrAllocation())
            assertThat(s.pcrSelect()).as("bank " + s.hash()).isEqualTo(s.hash() == TpmAlg.SHA256
                    ? Bytes.of((byte) 0xff, (byte) 0xff, (byte) 0xff) : Bytes.zeros(3));
    }

    @Test
    void eccP256AndRsa3072_andWithoutLock_indicesAreWritable() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Path certs = Files.createTempDirectory("jtpm-certs");
        Result r = setup("--tpm2", "--tpmstate", "dir://" + dir, "--create-ek-cert", "--ecc-p256", "--rsa-keysize", "3072",
                "--localca-dir", ca.toString(), "--write-ek-cert-files", certs.toString(), "--pcr-banks", "sha1,sha384");
        assertThat(r.exit()).as(r.err()).isZero();
        Loaded t = new Loaded(dir, Optional.empty());
        assertThat(t.handles(0x81000000)).containsExactly(0x81010002, 0x81010016, 0x8101001C);
        assertThat(t.handles(0x01000000)).containsExactly(0x01C0000A, 0x01C00016, 0x01C0001C);
        assertThat(t.nvAttributes(0x01C0000A)).isEqualTo(Manufacture.NV_ATTRIBUTES | 0x20000000);   // written, not locked
        assertThat(t.createPrimaryName(Templates.EK_ECC_P256)).isEqualTo(t.readPublic(0x81010002).name());
        assertThat(t.createPrimaryName(Templates.EK_RSA_3072_HIGH)).isEqualTo(t.readPublic(0x8101001C).name());
        assertThat(Files.readAllBytes(certs.resolve("ek-secp256r1.crt"))).isEqualTo(t.nvData(0x01C0000A));
        assertThat(Files.readAllBytes(certs.resolve("ek-rsa3072.crt"))).isEqualTo(t.nvData(0x01C0001C));
        assertThat(certs.resolve("ek-secp384r1.crt")).exists();
        for (TpmsPcrSelection s : t.pcrAllocation())
            assertThat(s.pcrSelect().equals(Bytes.zeros(3))).as("bank " + s.hash())
                    .isEqualTo(s.hash() != TpmAlg.SHA1 && s.hash() != TpmAlg.SHA384);
    }

    @Test
    void allowSigning_writesTheNonStandardTemplatesToNv() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--allow-signing", "--lock-nvram",
                "--pcr-banks", "-");
        assertThat(r.exit()).as(r.err()).isZero();
        Loaded t = new Loaded(dir, Optional.empty());
        assertThat(t.handles(0x01000000)).containsExactly(0x01C00004, 0x01C00017);
        TpmtPublic rsa = t.readPublic(0x81010001);
        assertThat(rsa.objectAttributes().value()).isEqualTo(0x000400B2);
        assertThat(t.nvData(0x01C00004)).isEqualTo(EkKind.RSA_2048.template(true, false).marshal().toArray());
        assertThat(t.nvAttributes(0x01C00004)).isEqualTo(0x62072801);
        assertThat(t.readPublic(0x81010016).objectAttributes().value()).isEqualTo(0x000400F2);
        // '-' leaves every bank active
        for (TpmsPcrSelection s : t.pcrAllocation()) assertThat(s.pcrSelect()).isNotEqualTo(Bytes.zeros(3));
        Path dir2 = Files.createTempDirectory("jtpm-setup");
        assertThat(setup("--tpm2", "--tpm-state", dir2.toString(), "--createek", "--allow-signing", "--decryption").exit()).isZero();
        assertThat(new Loaded(dir2, Optional.empty()).readPublic(0x81010001).objectAttributes().value()).isEqualTo(0x000600B2);
    }

    @Test
    void existingState_notOverwriteLeavesItByteIdentical_defaultRefuses_overwriteRemanufactures() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        assertThat(setup("--tpm2", "--tpm-state", dir.toString(), "--createek").exit()).isZero();
        var before = snapshot(dir);
        Bytes name = new Loaded(dir, Optional.empty()).readPublic(0x81010001).name();

        Result keep = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--not-overwrite");
        assertThat(keep.exit()).isZero();
        assertSameFiles(before, snapshot(dir));

        Result refuse = setup("--tpm2", "--tpm-state", dir.toString(), "--createek");
        assertThat(refuse.exit()).isEqualTo(1);
        assertThat(refuse.err().lines()).hasSize(1).first().asString().contains("Found existing TPM state");
        assertSameFiles(before, snapshot(dir));

        assertThat(setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--overwrite").exit()).isZero();
        assertThat(new Loaded(dir, Optional.empty()).readPublic(0x81010001).name()).isNotEqualTo(name);
    }

    @Test
    void aDirectoryAServerHolds_isRefusedWithOneLine_andNothingChanges() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        assertThat(setup("--tpm2", "--tpm-state", dir.toString(), "--createek").exit()).isZero();
        var before = snapshot(dir);
        try (var held = DirectoryStateStore.open(dir, DirectoryStateStore.DEFAULT_MODE)) {
            Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--overwrite");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().lines()).hasSize(1).first().asString().contains("in use");
        }
        assertSameFiles(before, snapshot(dir));
    }

    @Test
    void badOptions_oneLineAndExit1() {
        for (String[] args : List.of(new String[] {"--tpm2", "--bogus"}, new String[] {"--tpm2", "--tpm-state"},
                new String[] {"--tpm2", "--create"}, new String[] {"--tpm2=x"}, new String[] {"stray"})) {
            Result r = setup(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
        assertThat(setup("--tpm2", "--bogus").err()).contains("unrecognized option '--bogus'");
        assertThat(setup("--tpm2", "--create").err()).contains("ambiguous");
        for (String[] args : List.of(new String[] {"--tpm-state", "/tmp", "--ecc"}, new String[] {"--tpm2"},
                new String[] {"--tpm-state", "/tmp", "--create-spk"}, new String[] {"--tpm-state", "/tmp", "--rsa-keysize", "3072"},
                new String[] {"--tpm2", "--tpm-state", "/tmp", "--rsa-keysize", "1024"},
                new String[] {"--tpm2", "--tpm-state", "/tmp", "--cipher", "des"},
                new String[] {"--tpm2", "--tpm-state", "/tmp", "--take-ownership"},
                new String[] {"--tpm2", "--tpm-state", "file:///tmp/x"},
                new String[] {"--tpm2", "--tpm-state", "/tmp", "--reconfigure", "--createek"})) {
            Result r = setup(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
        }
    }

    @Test
    void abbreviationsAndEqualsForms_asGetoptLong() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Result r = setup("--tpm2", "--tpm-state=" + dir, "--createek", "--not-over", "--pcr-banks=sha256");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(new Loaded(dir, Optional.empty()).handles(0x81000000)).contains(0x81010001);
    }

    @Test
    void encryptedState_keyfileAndPwdfile_inSwtpmsFormat_andReconfigure() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Path keyFile = Files.createTempFile("jtpm-key", ".hex");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--keyfile", keyFile.toString(),
                "--cipher", "aes-256-cbc");
        assertThat(r.exit()).as(r.err()).isZero();
        byte[] file = Files.readAllBytes(dir.resolve("tpm2-00.permall"));
        assertThat(StateBlob.isEncrypted(file)).isTrue();
        assertThat(file[5] & 0x09).isEqualTo(0x09);                      // ENCRYPTED | ENCRYPTED_256BIT_KEY
        new Loaded(dir, Optional.of(StateKey.of(key)));

        // --reconfigure with the same key: only the PCR banks change
        Bytes name = new Loaded(dir, Optional.of(StateKey.of(key))).readPublic(0x81010001).name();
        r = setup("--tpm2", "--tpm-state", dir.toString(), "--reconfigure", "--pcr-banks", "sha1", "--keyfile", keyFile.toString(),
                "--cipher", "aes-256-cbc");
        assertThat(r.exit()).as(r.err()).isZero();
        Loaded t = new Loaded(dir, Optional.of(StateKey.of(key)));
        assertThat(t.readPublic(0x81010001).name()).isEqualTo(name);
        for (TpmsPcrSelection s : t.pcrAllocation())
            assertThat(s.pcrSelect().equals(Bytes.zeros(3))).isEqualTo(s.hash() != TpmAlg.SHA1);
        // a wrong key: one line, nothing changes
        var before = snapshot(dir);
        Files.writeString(keyFile, "00".repeat(32));
        r = setup("--tpm2", "--tpm-state", dir.toString(), "--reconfigure", "--keyfile", keyFile.toString(), "--cipher", "aes-256-cbc");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertSameFiles(before, snapshot(dir));

        Path dir2 = Files.createTempDirectory("jtpm-setup");
        Path pwd = Files.createTempFile("jtpm-pwd", ".txt");
        Files.writeString(pwd, "a passphrase");
        assertThat(setup("--tpm2", "--tpm-state", dir2.toString(), "--createek", "--pwdfile", pwd.toString()).exit()).isZero();
        new Loaded(dir2, Optional.of(StateKey.fromPassphrase("a passphrase".getBytes(), 16, StateKey.Kdf.PBKDF2)));
    }

    @Test
    void printCapabilities_isSwtpmSetupsJson() {
        Result r = setup("--print-capabilities");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).startsWith("{ \"type\": \"swtpm_setup\", \"features\": [ \"tpm-1.2\", \"tpm-2.0\", \"cmdarg-keyfile-fd\"")
                .contains("\"cmdarg-pwdfile-fd\"", "\"cmdarg-create-config-files\"", "\"cmdarg-reconfigure-pcr-banks\"",
                        "\"tpm2-rsa-keysize-3072\"", "\"tpm12-not-need-root\"");
    }

    @Test
    void createConfigFiles_thenSetupUsesTheConfiguredLocalCa() throws Exception {
        Path cfg = Files.createTempDirectory("jtpm-xdg");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", cfg.toString(), "HOME", "/nonexistent");
        boolean root = "root".equals(System.getProperty("user.name"));
        Result r = setup(env, "--create-config-files", root ? "root" : "");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(cfg.resolve("swtpm_setup.conf")).exists();
        assertThat(Files.readString(cfg.resolve("swtpm_setup.conf"))).contains("create_certs_tool = swtpm_localca");
        assertThat(setup(env, "--create-config-files", root ? "root,skip-if-exist" : "skip-if-exist").exit()).isZero();
        Result again = setup(env, "--create-config-files", root ? "root" : "");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already exists");

        Path dir = Files.createTempDirectory("jtpm-setup");
        r = setup(env, "--tpm2", "--tpm-state", dir.toString(), "--create-ek-cert", "--create-platform-cert");
        assertThat(r.exit()).as(r.err()).isZero();
        Path caDir = cfg.resolve("var/lib/swtpm-localca");
        LocalCa configured = LocalCa.open(caDir);
        Loaded t = new Loaded(dir, Optional.empty());
        cert(t.nvData(0x01C00002)).verify(configured.issuerCertificate().getPublicKey());
        X509Certificate platform = cert(t.nvData(0x01C08000));
        // the options file's platform identity (os.name / os.version) in the SAN directory name (UTF8String, shown as hex)
        assertThat(platform.getSubjectAlternativeNames().iterator().next().get(1).toString())
                .contains(HexFormat.of().formatHex(System.getProperty("os.name").replace(' ', '_').getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void logfile_takesEveryLine() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Path log = Files.createTempDirectory("jtpm-log").resolve("setup.log");
        Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--logfile", log.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(log)).contains("Successfully created rsa2048 EK with handle 0x81010001.",
                "Successfully authored TPM state.");
        r = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--logfile", log.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(log)).contains("Found existing TPM state");
    }

    @Test
    void anotherCreateCertsTool_isRunAsSwtpmSetupRunsIt() throws Exception {
        Path work = Files.createTempDirectory("jtpm-tool");
        // a certificate tool that records its arguments and writes a certificate from jtpm's CA into --dir
        X509Certificate fixed = LocalCa.open(ca).issueEk("x", LocalCaTest.rsa().getPublic(),
                Setup.tpmInfo(), TcgCertificates.KeyUse.STANDARD);
        Files.write(work.resolve("fixed.der"), fixed.getEncoded());
        Path tool = work.resolve("mytool");
        Files.writeString(tool, "#!/bin/sh\necho \"$@\" >> " + work.resolve("args") + "\n"
                + "while [ $# -gt 0 ]; do case $1 in --dir) d=$2;; --type) t=$2;; esac; shift; done\n"
                + "cp " + work.resolve("fixed.der") + " $d/$t.cert\n");
        Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path conf = work.resolve("swtpm_setup.conf");
        Files.writeString(conf, "create_certs_tool = " + tool + "\ncreate_certs_tool_config = /my/conf\n"
                + "create_certs_tool_options = /my/options\nactive_pcr_banks = sha1\n");
        Path dir = Files.createTempDirectory("jtpm-setup");
        Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--create-ek-cert", "--create-platform-cert", "--config",
                conf.toString(), "--vmid", "vm1");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> calls = Files.readAllLines(work.resolve("args"));
        assertThat(calls).hasSize(3);                                   // RSA EK, platform, P-384 EK
        assertThat(calls.get(0)).startsWith("--type ek --ek ").contains("--vmid vm1", "--tpm-spec-family 2.0",
                "--tpm-spec-level 0", "--tpm-spec-revision 164", "--tpm-manufacturer id:4A54504D", "--tpm-model jtpm",
                "--tpm-version id:00010000", "--tpm2", "--configfile /my/conf", "--optsfile /my/options");
        assertThat(calls.get(1)).startsWith("--type platform");
        assertThat(calls.get(2)).startsWith("--type ek --ek x=").contains(",id=secp384r1");
        Loaded t = new Loaded(dir, Optional.empty());
        assertThat(t.nvData(0x01C00002)).isEqualTo(fixed.getEncoded());
        for (TpmsPcrSelection s : t.pcrAllocation())                      // active_pcr_banks of the config
            assertThat(s.pcrSelect().equals(Bytes.zeros(3))).isEqualTo(s.hash() != TpmAlg.SHA1);
    }

    @Test
    void libvirtsCommandLines_asLibvirt9PassesThem() throws Exception {
        // unprivileged libvirt: config files first, then the manufacture line, then the same line again on start
        Path cfg = Files.createTempDirectory("jtpm-xdg");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", cfg.toString(), "HOME", "/nonexistent");
        boolean root = "root".equals(System.getProperty("user.name"));
        assertThat(setup(env, "--create-config-files", root ? "root,skip-if-exist" : "skip-if-exist").exit()).isZero();
        Path dir = Files.createTempDirectory("jtpm-libvirt").resolve("tpm2");
        Files.createDirectories(dir);
        Path log = dir.resolveSibling("vm-swtpm.log");
        String[] line = {"--tpm2", "--tpm-state", dir.toString(), "--vmid", "vm1:0b3a5e7c-6c1e-4d4e-9a8b-1f2e3d4c5b6a",
                "--logfile", log.toString(), "--createek", "--create-ek-cert", "--create-platform-cert", "--lock-nvram",
                "--not-overwrite"};
        Result r = setup(env, line);
        assertThat(r.exit()).as(Files.readString(log)).isZero();
        var before = snapshot(dir);
        assertThat(setup(env, line).exit()).isZero();
        assertSameFiles(before, snapshot(dir));
        Loaded t = new Loaded(dir, Optional.empty());
        assertThat(cert(t.nvData(0x01C00002)).getSubjectX500Principal().getName())
                .isEqualTo("CN=vm1:0b3a5e7c-6c1e-4d4e-9a8b-1f2e3d4c5b6a");
        // --reconfigure --pcr-banks, as libvirt runs it when active PCR banks are configured
        r = setup(env, "--tpm2", "--tpm-state", dir.toString(), "--logfile", log.toString(), "--pcr-banks", "sha256,sha384",
                "--reconfigure");
        assertThat(r.exit()).as(Files.readString(log)).isZero();
        for (TpmsPcrSelection s : new Loaded(dir, Optional.empty()).pcrAllocation())
            assertThat(s.pcrSelect().equals(Bytes.zeros(3))).isEqualTo(s.hash() != TpmAlg.SHA256 && s.hash() != TpmAlg.SHA384);
    }

    @Test
    void aStepThatFails_leavesNoState() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-setup");
        Result r = setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--pcr-banks", "sha3-256");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("No PCR banks could be allocated");
        assertThat(dir.resolve("tpm2-00.permall")).doesNotExist();
        // and an existing state survives a failed --overwrite (swtpm_setup would have deleted it first)
        assertThat(setup("--tpm2", "--tpm-state", dir.toString(), "--createek").exit()).isZero();
        var before = snapshot(dir);
        assertThat(setup("--tpm2", "--tpm-state", dir.toString(), "--createek", "--overwrite", "--pcr-banks", "md5").exit())
                .isEqualTo(1);
        assertSameFiles(before, snapshot(dir));
    }
}
