package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm setup} and {@code jtpm localca} as processes, then {@code jtpm socket} on the state and tpm2-tools and
 * openssl against it: the persistent EKs and NV indices where swtpm_setup puts them, locked (0x62072801), the EK
 * certificate readable and verifiable against the local CA, holding the EK's public key, tpm2_createek regenerating
 * the same EKs; the overwrite rules, the server's lock, a bad option.
 */
class SetupInteropTest {

    /** Runs {@code jtpm <args>} in a new JVM (the command line as a user types it, through Main). */
    static Tools.Run jtpm(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.jtpm.cli.Main"));
        cmd.addAll(List.of(args));
        return Tools.run(Map.of("XDG_CONFIG_HOME", "/nonexistent"), null, cmd.toArray(String[]::new));
    }

    static Tools.Run openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        return Tools.run(Map.of(), null, cmd.toArray(String[]::new));
    }

    static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) m.put(p.getFileName().toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
        }
        return m;
    }

    static String field(String yaml, String key) {
        int at = yaml.indexOf(key);
        return yaml.substring(at + key.length(), yaml.indexOf('\n', at)).trim();
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    @Test
    void setupThenServe_tpm2ToolsAndOpensslSeeSwtpmSetupsLayout() throws Exception {
        Tools.require("tpm2_getcap");
        Tools.require("openssl");
        Path work = Files.createTempDirectory("jtpm-setup-interop");
        Path ca = work.resolve("ca"), state = Files.createDirectories(work.resolve("state"));
        Tools.Run caOut = jtpm("localca", "--dir", ca.toString(), "--print-ca-cert").ok();
        Path caPem = work.resolve("ca.pem");
        Files.writeString(caPem, caOut.out());
        assertThat(caOut.out().split("BEGIN CERTIFICATE")).hasSize(3);                 // root and signing certificate

        Tools.Run made = jtpm("setup", "--tpm2", "--tpm-state", state.toString(), "--create-ek-cert", "--create-platform-cert",
                "--lock-nvram", "--vmid", "test", "--localca-dir", ca.toString(), "--ecc-p256").ok();
        assertThat(made.out()).contains("Successfully authored TPM state.");

        int port = FreePorts.pair();
        Process server = CrashSafetyTest.startServer(state, port);
        try {
            SetupDifferentialTest.awaitPorts(port, server);
            String t = "swtpm:host=127.0.0.1,port=" + port;

            // a directory the server holds: one line, exit 1, no file added or removed (the running server itself
            // rewrites permall, so byte-identity is SetupTest's, with the lock held and no TPM running)
            var before = snapshot(state);
            Tools.Run refused = jtpm("setup", "--tpm2", "--tpm-state", state.toString(), "--createek", "--overwrite");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err().strip().lines()).hasSize(1).first().asString().contains("in use");
            assertThat(snapshot(state).keySet()).isEqualTo(before.keySet());

            assertThat(Tools.tpm2(t, "tpm2_getcap", "handles-persistent").ok().out())
                    .contains("0x81010001", "0x81010002", "0x81010016");
            String nvPublic = Tools.tpm2(t, "tpm2_nvreadpublic").ok().out();
            for (String index : List.of("0x1c00002", "0x1c0000a", "0x1c00016", "0x1c08000")) {
                String entry = nvPublic.substring(nvPublic.indexOf(index + ":"));
                assertThat(entry.substring(0, entry.indexOf("size:"))).as(index).contains("value: 0x62072801");
            }

            for (String[] ek : new String[][] {{"0x01c00002", "0x81010001", "2048 bit"}, {"0x01c00016", "0x81010016", "P-384"},
                    {"0x01c0000a", "0x81010002", "P-256"}, {"0x01c08000", "0x81010001", "2048 bit"}}) {
                Path der = work.resolve(ek[0] + ".der"), pem = work.resolve(ek[0] + ".pem");
                Tools.tpm2(t, "tpm2_nvread", ek[0], "-o", der.toString()).ok();
                String text = openssl("x509", "-inform", "der", "-in", der.toString(), "-text", "-noout").ok().out();
                assertThat(text).contains(ek[2], "Not After : Dec 31 23:59:59 9999 GMT", "Subject: CN = test",
                        "Issuer: CN = jtpm-localca");
                if (ek[0].equals("0x01c08000")) {
                    assertThat(text).contains("2.23.133.8.2", "DirName:/2.23.133.5.1.1=");
                } else {
                    assertThat(text).contains("2.23.133.8.1", "X509v3 Subject Alternative Name: critical",
                            "DirName:/2.23.133.2.1=id:4A54504D/2.23.133.2.2=jtpm/2.23.133.2.3=id:00010000",
                            "CA:FALSE", "X509v3 Subject Directory Attributes", ek[2].equals("2048 bit") ? "Key Encipherment" : "Key Agreement");
                }
                openssl("x509", "-inform", "der", "-in", der.toString(), "-out", pem.toString()).ok();
                assertThat(openssl("verify", "-CAfile", caPem.toString(), pem.toString()).ok().out()).contains(": OK");
                assertThat(openssl("verify", "-CAfile", ca.resolve("swtpm-localca-rootca-cert.pem").toString(), "-untrusted",
                        ca.resolve("issuercert.pem").toString(), pem.toString()).ok().out()).contains(": OK");
                // the certified key is the EK
                Path tpmPem = work.resolve(ek[1] + ".pem");
                Tools.tpm2(t, "tpm2_readpublic", "-c", ek[1], "-f", "pem", "-o", tpmPem.toString()).ok();
                assertThat(openssl("x509", "-in", pem.toString(), "-pubkey", "-noout").ok().out().strip())
                        .isEqualTo(Files.readString(tpmPem).strip());
            }

            // --lock-nvram: the certificate cannot be rewritten
            Path junk = work.resolve("junk");
            Files.write(junk, new byte[16]);
            assertThat(Tools.tpm2(t, "tpm2_nvwrite", "0x01c00002", "-C", "p", "-i", junk.toString()).exit()).isNotZero();

            // tpm2_createek regenerates the EKs: RSA = L-1 at 0x81010001, ECC = L-2 (P-256) at 0x81010002
            for (String[] alg : new String[][] {{"rsa", "0x81010001"}, {"ecc", "0x81010002"}}) {
                Path ctx = work.resolve(alg[0] + ".ctx");
                Tools.tpm2(t, "tpm2_createek", "-G", alg[0], "-c", ctx.toString()).ok();
                String fresh = field(Tools.tpm2(t, "tpm2_readpublic", "-c", ctx.toString()).ok().out(), "name:");
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                assertThat(field(Tools.tpm2(t, "tpm2_readpublic", "-c", alg[1]).ok().out(), "name:")).as(alg[0]).isEqualTo(fresh);
            }
        } finally {
            stop(server);
        }

        // an existing state: --not-overwrite leaves it byte-identical and succeeds; the default refuses it
        var before = snapshot(state);
        assertThat(jtpm("setup", "--tpm2", "--tpm-state", state.toString(), "--create-ek-cert", "--localca-dir", ca.toString(),
                "--not-overwrite").exit()).isZero();
        assertThat(snapshot(state)).isEqualTo(before);
        Tools.Run refused = jtpm("setup", "--tpm2", "--tpm-state", state.toString(), "--createek");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(snapshot(state)).isEqualTo(before);

        Tools.Run bad = jtpm("setup", "--tpm2", "--no-such-option");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip().lines()).hasSize(1).first().asString().contains("--no-such-option");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void pwdfileFd_asLibvirtPassesIt_encryptsTheStateInSwtpmsContainer() throws Exception {
        Tools.require("bash");
        Path work = Files.createTempDirectory("jtpm-setup-fd");
        Path state = Files.createDirectories(work.resolve("state")), pwd = work.resolve("pwd");
        Files.writeString(pwd, "a libvirt secret");
        String javaExe = ProcessHandle.current().info().command().orElse("java");
        String cmd = "exec '" + javaExe + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path")
                + "' dev.jtpm.cli.Main setup --tpm2 --tpm-state '" + state + "' --createek --pwdfile-fd 3"
                + " --cipher aes-256-cbc --vmid vm:1 3<'" + pwd + "'";
        Tools.run(Map.of(), null, "bash", "-c", cmd).ok();
        byte[] file = Files.readAllBytes(state.resolve("tpm2-00.permall"));
        assertThat(file[5] & 0x09).isEqualTo(0x09);                       // ENCRYPTED | ENCRYPTED_256BIT_KEY
        var key = dev.jtpm.wire.StateKey.fromPassphrase("a libvirt secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), 32,
                dev.jtpm.wire.StateKey.Kdf.PBKDF2);
        assertThat(dev.jtpm.wire.StateBlob.decodeFile(file, java.util.Optional.of(key))).isNotEmpty();
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("JTPM");

        // jtpm socket --key pwdfile=… serves it: the EK is there
        int port = FreePorts.pair();
        Process server = new ProcessBuilder(javaExe, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.jtpm.cli.Main", "socket", "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--tpmstate", "dir=" + state,
                "--key", "pwdfile=" + pwd + ",mode=aes-256-cbc", "--flags", "not-need-init,startup-clear")
                .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            SetupDifferentialTest.awaitPorts(port, server);
            assertThat(Tools.tpm2("swtpm:host=127.0.0.1,port=" + port, "tpm2_getcap", "handles-persistent").ok().out())
                    .contains("0x81010001", "0x81010016");
        } finally {
            stop(server);
        }
    }
}
