package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * swtpm_setup 0.7.1 on swtpm against jtpm setup on jtpm, with one private swtpm_setup.conf naming swtpm_localca:
 * the same persistent handles and NV indices, the same templates (tpm2_readpublic without the key and Names), the
 * same NV attributes and PCR allocation, different EKs (different seeds), and EK and platform certificates that differ
 * only where they must (serial, dates, keys, signatures, the TPM's identity), jtpm's signed by swtpm's own local CA
 * (its signkey.pem and issuercert.pem) and accepted by openssl against swtpm's root.
 */
class SetupDifferentialTest {
    private static final Pattern HEX_LINE = Pattern.compile("^\\s+([0-9a-f]{2}:)*[0-9a-f]{2}:?$");

    static Process swtpm(Path state, int port) throws IOException {
        return new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear",
                "--tpmstate", "dir=" + state).redirectErrorStream(true)
                .redirectOutput(state.resolveSibling("swtpm.log").toFile()).start();
    }

    /** Waits until the server listens on its data port and its control port (they are bound one after the other). */
    static void awaitPorts(int port, Process p) throws Exception {
        for (int at : new int[] {port, port + 1}) {
            for (int i = 0; ; i++) {
                if (!p.isAlive()) throw new AssertionError("server exited with " + p.exitValue());
                try (Socket s = new Socket("127.0.0.1", at)) {
                    break;
                } catch (IOException e) {
                    if (i > 600) throw new AssertionError("server did not start");
                    Thread.sleep(25);
                }
            }
        }
    }

    /** tpm2_readpublic without what depends on the seed: the key (rsa/x/y) and the Names. */
    static String template(String tcti, String handle) {
        return Tools.tpm2(tcti, "tpm2_readpublic", "-c", handle).ok().out().lines()
                .filter(l -> !l.matches("^(name|qualified name|rsa|x|y):.*")).collect(Collectors.joining("\n"));
    }

    static String nvPublicWithoutSizes(String tcti) {
        return Tools.tpm2(tcti, "tpm2_nvreadpublic").ok().out().lines()
                .filter(l -> !l.matches("^\\s+(name|size):.*")).collect(Collectors.joining("\n"));
    }

    /** openssl's text of a certificate in NV with what differs by nature masked. */
    static String certText(String tcti, String index, Path work, String tag) {
        Path der = work.resolve(tag + index + ".der");
        Tools.tpm2(tcti, "tpm2_nvread", index, "-o", der.toString()).ok();
        String text = Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", der.toString(), "-text", "-noout")
                .ok().out();
        return text.lines().filter(l -> !HEX_LINE.matcher(l).matches())
                .map(l -> l.replaceAll("Serial Number: .*", "Serial Number: <serial>")
                        .replaceAll("Not Before: .*", "Not Before: <now>")
                        .replace("2.23.133.2.1=id:4A54504D/2.23.133.2.2=jtpm/2.23.133.2.3=id:00010000",
                                "2.23.133.2.1=id:00001014/2.23.133.2.2=swtpm/2.23.133.2.3=id:20191023"))
                .collect(Collectors.joining("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--ecc --rsa-keysize 3072 --allow-signing --decryption"})
    void swtpmSetupAndJtpmSetup_sameLayoutAndTemplates_differentSeeds(String extra) throws Exception {
        Tools.require("swtpm_setup");
        Tools.require("swtpm_localca");
        Tools.require("tpm2_readpublic");
        Path work = Files.createTempDirectory("jtpm-setup-diff");
        Path ca = Files.createDirectories(work.resolve("ca"));
        Path swState = Files.createDirectories(work.resolve("swtpm")), jState = Files.createDirectories(work.resolve("jtpm"));
        Path conf = work.resolve("swtpm_setup.conf"), caConf = work.resolve("swtpm-localca.conf"),
                caOpts = work.resolve("swtpm-localca.options");
        Files.writeString(conf, "create_certs_tool = " + Tools.find("swtpm_localca") + "\ncreate_certs_tool_config = " + caConf
                + "\ncreate_certs_tool_options = " + caOpts + "\nactive_pcr_banks = sha256\n");
        Files.writeString(caConf, "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem") + "\nissuercert = "
                + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
        Files.writeString(caOpts, "--platform-manufacturer Fedora\n--platform-version 2.1\n--platform-model QEMU\n");
        String[] common = concat(new String[] {"--tpm2", "--create-ek-cert", "--create-platform-cert", "--lock-nvram",
                "--create-spk", "--vmid", "test", "--config", conf.toString()}, extra.isEmpty() ? new String[0] : extra.split(" "));
        boolean standard = extra.isEmpty();
        String rsaEk = standard ? "0x81010001" : "0x8101001C", rsaCert = standard ? "0x01c00002" : "0x01c0001c";

        Tools.Run sw = Tools.run(Map.of(), null, concat(new String[] {"swtpm_setup", "--tpm-state", swState.toString()}, common));
        sw.ok();
        // jtpm setup with the same configuration: swtpm_localca is named, so jtpm's CA signs with swtpm's key and issuer
        SetupInteropTest.jtpm(concat(new String[] {"setup", "--tpm-state", jState.toString()}, common)).ok();

        int swPort = FreePorts.pair(), jPort = FreePorts.pair();
        Process swtpm = swtpm(swState, swPort);
        Process jtpm = CrashSafetyTest.startServer(jState, jPort);
        try {
            awaitPorts(swPort, swtpm);
            awaitPorts(jPort, jtpm);
            String s = "swtpm:host=127.0.0.1,port=" + swPort, j = "swtpm:host=127.0.0.1,port=" + jPort;
            for (String cap : List.of("handles-persistent", "handles-nv-index", "pcrs"))
                assertThat(Tools.tpm2(j, "tpm2_getcap", cap).ok().out()).as(cap).isEqualTo(Tools.tpm2(s, "tpm2_getcap", cap).ok().out());
            assertThat(Tools.tpm2(j, "tpm2_getcap", "handles-persistent").out()).contains("0x81000001", rsaEk, "0x81010016");
            for (String h : List.of("0x81000001", rsaEk, "0x81010016")) {
                assertThat(template(j, h)).as(h).isEqualTo(template(s, h));
                assertThat(SetupInteropTest.field(Tools.tpm2(j, "tpm2_readpublic", "-c", h).ok().out(), "name:")).as(h)
                        .isNotEqualTo(SetupInteropTest.field(Tools.tpm2(s, "tpm2_readpublic", "-c", h).ok().out(), "name:"));
            }
            assertThat(nvPublicWithoutSizes(j)).isEqualTo(nvPublicWithoutSizes(s)).contains("0x62072801");
            for (String index : List.of(rsaCert, "0x01c00016", "0x01c08000")) {
                String jt = certText(j, index, work, "j"), st = certText(s, index, work, "s");
                if (standard) assertThat(jt).as(index).isEqualTo(st);
            }
            if (!standard) {
                // the signing EKs' templates in NV are the same octets (swtpm_setup 0.7.1 does not tell its certificate
                // tool about --allow-signing, so its certificates say keyEncipherment only; jtpm's add digitalSignature)
                for (String index : List.of("0x01c0001d", "0x01c00017")) {
                    Path sj = work.resolve("j" + index + ".bin"), ss = work.resolve("s" + index + ".bin");
                    Tools.tpm2(j, "tpm2_nvread", index, "-o", sj.toString()).ok();
                    Tools.tpm2(s, "tpm2_nvread", index, "-o", ss.toString()).ok();
                    assertThat(Files.readAllBytes(sj)).as(index).isEqualTo(Files.readAllBytes(ss));
                }
            }
            // jtpm's certificates chain to swtpm's root through swtpm's signing certificate
            for (String index : List.of(rsaCert, "0x01c00016", "0x01c08000")) {
                Path pem = work.resolve("j" + index + ".pem");
                Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", work.resolve("j" + index + ".der").toString(),
                        "-out", pem.toString()).ok();
                assertThat(Tools.run(Map.of(), null, "openssl", "verify", "-CAfile", ca.resolve("swtpm-localca-rootca-cert.pem").toString(),
                        "-untrusted", ca.resolve("issuercert.pem").toString(), pem.toString()).ok().out()).contains(": OK");
            }
        } finally {
            SetupInteropTest.stop(swtpm);
            SetupInteropTest.stop(jtpm);
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
