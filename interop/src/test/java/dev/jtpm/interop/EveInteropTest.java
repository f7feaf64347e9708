package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EVE walk-through with the real commands, each its own process: {@code jtpm setup --profile eve},
 * {@code jtpm eve-ptpm}, then {@code jtpm eve-run} exactly as EVE's docs run eve_run (tpm2_hash with a ticket,
 * tpm2_sign with the AIK 0x81000003, tpm2_readpublic to PEM) and {@code openssl dgst -verify}. Once over an
 * in-process TPM, once with a real swtpm behind {@code --tcti swtpm:…} (its AIK made by tpm2-tools with EVE's
 * attributes).
 */
class EveInteropTest {

    @TempDir Path dir;

    private static List<String> jtpm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private record Out(int exit, String out) {}

    private static Out run(Path cwd, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly(); // hang guard
        return new Out(p.exitValue(), out);
    }

    /** Starts jtpm eve-ptpm and waits for its "listening" line. */
    private static Process evePtpm(int port, String tcti) throws IOException {
        Process p = new ProcessBuilder(jtpm("eve-ptpm", "--listen", "127.0.0.1:" + port, "--tcti", tcti)).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        assertThat(line).as("eve-ptpm's first line").startsWith("jtpm eve-ptpm: listening on 127.0.0.1:" + port);
        Thread.ofVirtual().start(() -> err.lines().forEach(l -> { })); // keep its stderr drained
        return p;
    }

    private void walkthrough(int port) throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("client"));
        Files.writeString(cwd.resolve("data_to_be_signed"), "data an EVE app signs with the AIK\n");
        String server = "127.0.0.1:" + port;
        Out hash = run(cwd, jtpm("eve-run", "--server", server, "tpm2_hash", "-Q", "-C", "e", "-t", "ticket.bin", "-g", "sha256",
                "-o", "digest.bin", "data_to_be_signed"));
        assertThat(hash.exit()).as(hash.out()).isZero();
        assertThat(hash.out()).isEqualTo("\n");
        Out sign = run(cwd, jtpm("eve-run", "--server", server, "tpm2_sign", "-Q", "-c", "0x81000003", "-g", "sha256", "-s", "rsassa",
                "-o", "data.out.sign", "-t", "ticket.bin", "-f", "plain", "data_to_be_signed"));
        assertThat(sign.exit()).as(sign.out()).isZero();
        assertThat(sign.out()).doesNotContain("ERROR").doesNotContain("Backend failure");
        Out pub = run(cwd, jtpm("eve-run", "--server", server, "tpm2_readpublic", "-Q", "-c", "0x81000003", "-o", "ak.pub", "-f", "pem"));
        assertThat(pub.out()).isEqualTo("\n");
        Out verify = run(cwd, List.of("openssl", "dgst", "-sha256", "-verify", "ak.pub", "-signature", "data.out.sign", "data_to_be_signed"));
        assertThat(verify.out().strip()).isEqualTo("Verified OK");
        Out forbidden = run(cwd, jtpm("eve-run", "--server", server, "tpm2_evictcontrol", "-C", "o", "-c", "0x81000003"));
        assertThat(forbidden.out()).isEqualTo("tpm2_evictcontrol:Command is forbidden!\n");
    }

    @Test
    void walkthrough_inProcessTpm_setUpWithProfileEve() throws Exception {
        Tools.require("tpm2_getcap");
        Tools.require("openssl");
        Path state = Files.createDirectories(dir.resolve("state"));
        Out setup = run(dir, jtpm("setup", "--tpm2", "--tpmstate", state.toString(), "--profile", "eve"));
        assertThat(setup.exit()).as(setup.out()).isZero();
        assertThat(setup.out()).contains("Successfully created EVE AIK with handle 0x81000003.");
        Out again = run(dir, jtpm("setup", "--tpm2", "--tpmstate", state.toString(), "--profile", "eve"));
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("EVE AIK at 0x81000003 kept.").doesNotContain("Successfully created EVE");
        int port = FreePorts.pair();
        Process server = evePtpm(port, "in-process:" + state);
        try {
            walkthrough(port);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void walkthrough_swtpmBehindTcti() throws Exception {
        Tools.require("tpm2_getcap");
        Tools.require("openssl");
        Tools.require("swtpm");
        try (SwtpmReference swtpm = new SwtpmReference()) {
            Path ctx = dir.resolve("aik.ctx");
            Tools.tpm2(swtpm.tcti(), "tpm2_createprimary", "-C", "o", "-G", "rsa2048:rsassa-sha256:null", "-a",
                    "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|sign", "-c", ctx.toString()).ok();
            Tools.tpm2(swtpm.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", ctx.toString(), "0x81000003").ok();
            Tools.tpm2(swtpm.tcti(), "tpm2_flushcontext", "-t").ok();
            int port = FreePorts.pair();
            Process server = evePtpm(port, swtpm.tcti());
            try {
                walkthrough(port);
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
