package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm pipe} behind tpm2-tss' command TCTI ({@code -T "cmd:…"}): an in-process TPM on a state directory kept
 * from one tpm2-tools invocation to the next (keys, signatures checked by openssl, a sealed secret unsealed later), a
 * swtpm reached through {@code --backend} (and, as SSH would wrap it, through {@code sh -c}), the client's leftovers
 * flushed at the end of each pipe, and a malformed frame answered and refused.
 */
class PipeInteropTest {
    /** The command line that runs {@code jtpm pipe ARGS} as the launcher would (this JVM, its class path). */
    static String pipe(String args) {
        return String.join(" ", ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "pipe", args);
    }

    @Test
    void inProcessTpm_keepsItsStateAcrossInvocations_andSigns() throws Exception {
        Tools.require("tpm2_getrandom");
        Tools.require("openssl");
        Path d = Files.createTempDirectory("jtpm-pipe");
        String tcti = "cmd:" + pipe("--tpmstate dir=" + d.resolve("state"));
        assertThat(Tools.tpm2(tcti, "tpm2_getrandom", "--hex", "16").ok().out()).matches("[0-9a-f]{32}");
        Tools.tpm2(tcti, "tpm2_createprimary", "-C", "o", "-c", d.resolve("prim.ctx").toString()).ok();
        Tools.tpm2(tcti, "tpm2_create", "-C", d.resolve("prim.ctx").toString(), "-G", "ecc256", "-u", d.resolve("k.pub").toString(),
                "-r", d.resolve("k.priv").toString()).ok();
        Tools.tpm2(tcti, "tpm2_load", "-C", d.resolve("prim.ctx").toString(), "-u", d.resolve("k.pub").toString(), "-r",
                d.resolve("k.priv").toString(), "-c", d.resolve("k.ctx").toString()).ok();
        Path msg = Files.writeString(d.resolve("msg"), "signed through a pipe");
        Tools.tpm2(tcti, "tpm2_sign", "-c", d.resolve("k.ctx").toString(), "-g", "sha256", "-f", "plain", "-o",
                d.resolve("sig").toString(), msg.toString()).ok();
        Tools.tpm2(tcti, "tpm2_readpublic", "-c", d.resolve("k.ctx").toString(), "-f", "pem", "-o", d.resolve("k.pem").toString()).ok();
        Tools.Run verify = Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", d.resolve("k.pem").toString(),
                "-signature", d.resolve("sig").toString(), msg.toString());
        assertThat(verify.out()).as(verify.err()).contains("Verified OK");
        // sealed in one invocation, unsealed in a later one
        Tools.run(Map.of("TSS2_LOG", "all+NONE"), "a pipe secret".getBytes(StandardCharsets.US_ASCII), "tpm2_create", "-T", tcti,
                "-C", d.resolve("prim.ctx").toString(), "-u", d.resolve("s.pub").toString(), "-r", d.resolve("s.priv").toString(),
                "-i-").ok();
        Tools.tpm2(tcti, "tpm2_load", "-C", d.resolve("prim.ctx").toString(), "-u", d.resolve("s.pub").toString(), "-r",
                d.resolve("s.priv").toString(), "-c", d.resolve("s.ctx").toString()).ok();
        assertThat(Tools.tpm2(tcti, "tpm2_unseal", "-c", d.resolve("s.ctx").toString()).ok().out()).isEqualTo("a pipe secret");
    }

    @Test
    void swtpmBackend_directAndWrapped_andLeftoversFlushed() throws Exception {
        Tools.require("tpm2_getrandom");
        Tools.require("swtpm");
        try (SwtpmReference swtpm = new SwtpmReference()) {
            Path d = Files.createTempDirectory("jtpm-pipe-sw");
            String backend = "--backend swtpm:host=127.0.0.1,port=" + swtpm.port();
            for (String tcti : List.of("cmd:" + pipe(backend), "cmd:sh -c 'exec " + pipe(backend) + "'")) {
                assertThat(Tools.tpm2(tcti, "tpm2_getrandom", "--hex", "8").ok().out()).matches("[0-9a-f]{16}");
                Tools.tpm2(tcti, "tpm2_createprimary", "-C", "o", "-c", d.resolve("p.ctx").toString()).ok();
                // tpm2_createprimary leaves its primary loaded; the pipe flushed it at its end
                assertThat(Tools.tpm2(swtpm.tcti(), "tpm2_getcap", "handles-transient").ok().out().trim()).as(tcti).isEmpty();
            }
        }
    }

    @Test
    void malformedFrame_isAnsweredAndEndsThePipe() throws Exception {
        Path d = Files.createTempDirectory("jtpm-pipe-bad");
        List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "pipe",
                "--tpmstate", "dir=" + d));
        Process p = new ProcessBuilder(cmd).start();
        try (var os = p.getOutputStream()) {
            os.write(java.util.HexFormat.of().parseHex("80010000000c0000017b0008" + "800100000005")); // GetRandom, then size 5
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(1);
        String hex = java.util.HexFormat.of().formatHex(out);
        assertThat(hex).startsWith("800100000014000000000008").endsWith("80010000000a00000142").hasSize(2 * (20 + 10));
        assertThat(err.lines().toList()).hasSize(1);
        assertThat(err).startsWith("jtpm pipe: a malformed command frame");
        // and a bad option is one line and a non-zero exit
        Process q = new ProcessBuilder(cmd.subList(0, cmd.size() - 2)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(q.waitFor()).isEqualTo(1);
        assertThat(new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "jtpm pipe: give either --tpmstate dir=DIR or --backend …\n");
        assertThat(q.getInputStream().readAllBytes()).isEmpty();
    }
}
