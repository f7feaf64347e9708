package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EVE's own C++ clients against jtpm eve-ptpm: eve-tools' {@code eve_run} (the docs' AIK walk-through, openssl
 * verifying) and {@code libevetools} (the Azure IoT Edge plug-in's credential flow: startauthsession, policysecret,
 * activate_credential, flushcontext, readpublic). Opt-in: {@code EVE_TOOLS_DIR} names a built
 * {@code lf-edge/eve-tools/eve-tpm-tools} ({@code make all}: needs g++, libprotobuf-dev, protobuf-compiler); the
 * clients reach port 8877 at the default gateway, so the server listens on 127.0.0.1:8877 and a stand-in
 * {@code route} on PATH names 127.0.0.1 as the gateway.
 */
class EveToolsClientTest {

    @TempDir Path dir;

    @Test
    void eveRunAndLibevetools_againstJtpmEvePtpm() throws Exception {
        String tools = System.getenv("EVE_TOOLS_DIR");
        if (tools == null) System.err.println("NOTICE: EVE_TOOLS_DIR not set: eve-tools' C++ clients not run");
        assumeTrue(tools != null, "EVE_TOOLS_DIR names a built eve-tpm-tools");
        Tools.require("tpm2_makecredential");
        Tools.require("openssl");
        Tools.require("g++");
        Path eveTools = Path.of(tools);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path route = bin.resolve("route");
        Files.writeString(route, "#!/bin/sh\necho 'Kernel IP routing table'\n"
                + "echo 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface'\n"
                + "echo '0.0.0.0         127.0.0.1       0.0.0.0         UG    0      0        0 eth0'\n");
        Files.setPosixFilePermissions(route, PosixFilePermissions.fromString("rwx------"));
        Path driver = dir.resolve("libevetools_flow");
        try (InputStream src = getClass().getResourceAsStream("/eve/libevetools_flow.cpp")) {
            Files.write(dir.resolve("libevetools_flow.cpp"), src.readAllBytes());
        }
        Out cc = run(dir, Map.of(), "g++", "-std=c++11", "-I" + eveTools.resolve("lib/include"), "libevetools_flow.cpp", "-o", driver.toString(),
                "-L" + eveTools, "-l:libevetools.so", "-lprotobuf");
        assertThat(cc.exit()).as(cc.out()).isZero();

        Path state = Files.createDirectories(dir.resolve("state"));
        assertThat(run(dir, Map.of(), jtpm("setup", "--tpm2", "--tpmstate", state.toString(), "--profile", "eve")).exit()).isZero();
        Process server = new ProcessBuilder(jtpm("eve-ptpm", "--listen", "127.0.0.1:8877", "--tcti", "in-process:" + state)).start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            assertThat(err.readLine()).startsWith("jtpm eve-ptpm: listening on 127.0.0.1:8877");
            Thread.ofVirtual().start(() -> err.lines().forEach(l -> { }));
            Map<String, String> env = new HashMap<>();
            env.put("PATH", bin + ":" + System.getenv("PATH"));
            env.put("LD_LIBRARY_PATH", eveTools.toString());
            Path cwd = Files.createDirectories(dir.resolve("client"));
            String eveRun = eveTools.resolve("eve_run").toString();
            Files.writeString(cwd.resolve("data_to_be_signed"), "signed by EVE's eve_run through jtpm\n");
            assertThat(run(cwd, env, eveRun, "tpm2_hash", "-Q", "-C", "e", "-t", "ticket.bin", "-g", "sha256", "-o", "digest.bin",
                    "data_to_be_signed").out()).isEqualTo("\n");
            assertThat(run(cwd, env, eveRun, "tpm2_sign", "-Q", "-c", "0x81000003", "-g", "sha256", "-s", "rsassa", "-o",
                    "data.out.sign", "-t", "ticket.bin", "-f", "plain", "data_to_be_signed").out()).doesNotContain("ERROR");
            assertThat(run(cwd, env, eveRun, "tpm2_readpublic", "-Q", "-c", "0x81000003", "-o", "ak.pub", "-f", "pem").out()).isEqualTo("\n");
            assertThat(run(cwd, Map.of(), "openssl", "dgst", "-sha256", "-verify", "ak.pub", "-signature", "data.out.sign",
                    "data_to_be_signed").out().strip()).isEqualTo("Verified OK");
            assertThat(run(cwd, env, eveRun, "tpm2_readpublic", "-c", "0x81000003", "-o", "/tmp/stolen.pub").out())
                    .isEqualTo("/tmp/stolen.pub:output filename should not be a path!\n");

            // read_ek_public, the SRK's name, a credential made outside the TPM, then libevetools' flow
            run(cwd, env, eveRun, "tpm2_readpublic", "-c", "0x81000001", "-f", "tss", "-o", "ek.pub", "-Q");
            Matcher name = Pattern.compile("(?m)^name: ([0-9a-f]+)$").matcher(run(cwd, env, eveRun, "tpm2_readpublic", "-c", "0x81000002").out());
            assertThat(name.find()).isTrue();
            Files.write(cwd.resolve("secret.bin"), java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
            assertThat(run(cwd, Map.of(), "tpm2_makecredential", "-T", "none", "-u", "ek.pub", "-s", "secret.bin", "-n", name.group(1),
                    "-o", "cred_blob", "-Q").exit()).isZero();
            Out flow = run(cwd, env, driver.toString(), "cred_blob");
            assertThat(flow.out()).as(flow.out()).contains("cert_info: 00112233445566778899aabbccddeeff").contains("AIK PEM: 451 bytes");
            assertThat(flow.exit()).isZero();
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> jtpm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private record Out(int exit, String out) {}

    private static Out run(Path cwd, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        return run(cwd, env, List.of(cmd));
    }

    private static Out run(Path cwd, Map<String, String> env, List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly(); // hang guard
        return new Out(p.exitValue(), out);
    }
}
