package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.cros.VtpmInterface;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtpm cros-vtpmd}: one-line option errors, and the software-only story in one command (socket and D-Bus). */
class CrosVtpmCommandTest {
    @TempDir Path dir;

    @Test
    void optionErrors_oneLine_exit1() throws Exception {
        JtpmProcess.Result r = JtpmProcess.run("cros-vtpmd", "--backend", "bogus:x", "--server", "type=tcp,port=0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("jtpm cros-vtpmd: --backend: unknown backend 'bogus'").doesNotContain("\n");
        r = JtpmProcess.run("cros-vtpmd", "--backend", "in-process", "--state", dir.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jtpm cros-vtpmd: nothing to serve: give --bus and/or --server");
        r = JtpmProcess.run("cros-vtpmd", "--backend", "in-process", "--localca-dir", "a", "--ek-cert", "b", "--server", "type=tcp");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jtpm cros-vtpmd: give --localca-dir or --ek-cert, not both");
        r = JtpmProcess.run("cros-vtpmd", "--backend", "in-process", "--server", "type=udp");
        assertThat(r.err().strip()).isEqualTo("jtpm cros-vtpmd: --server: unknown type 'udp' (tcp or unixio)");
        // a backend that is not there: the daemon stops at start-up, as vtpmd's CHECKs do
        int port = JtpmProcess.freePortPair();
        r = JtpmProcess.run("cros-vtpmd", "--backend", "swtpm:host=127.0.0.1,port=" + port, "--state", dir.toString(),
                "--localca-dir", dir.resolve("ca").toString(), "--server", "type=tcp,port=0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("jtpm cros-vtpmd: virtual keys unavailable: TPM_RC 0x101");
    }

    @Test
    void softwareOnly_oneCommand_socketAndDbus() throws Exception {
        Path daemon = Path.of("/usr/bin/dbus-daemon");
        if (!Files.isExecutable(daemon)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("dbus-daemon missing (Debian's dbus) — required on CI");
            Assumptions.abort("dbus-daemon is not installed (Debian's dbus)");
        }
        Process bus = new ProcessBuilder(daemon.toString(), "--session", "--nofork", "--nopidfile",
                "--address=unix:path=" + dir.resolve("bus"), "--print-address").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String address = new BufferedReader(new InputStreamReader(bus.getInputStream(), StandardCharsets.UTF_8)).readLine().strip();
            int port = JtpmProcess.freePortPair();
            try (JtpmProcess p = JtpmProcess.start("cros-vtpmd", "--backend", "in-process:" + dir.resolve("host"),
                    "--state", dir.resolve("state").toString(), "--localca-dir", dir.resolve("ca").toString(),
                    "--bus", address, "--server", "type=tcp,port=" + port)) {
                BufferedReader err = new BufferedReader(new InputStreamReader(p.process.getErrorStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = err.readLine()) != null && !line.startsWith("jtpm cros-vtpmd: gLinux profile")) {
                    // SLF4J's notice about having no provider, if any
                }
                assertThat(line).contains("D-Bus org.chromium.Vtpm").contains("socket data port " + port + " control port " + (port + 1));
                // the socket: GetCapability(HANDLES, 0x81000000)
                byte[] cmd = HexFormat.of().parseHex("80010000001600000" + "17a" + "00000001" + "81000000" + "00000010");
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write(cmd);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] rsp = new byte[27];
                    in.readFully(rsp);
                    assertThat(HexFormat.of().formatHex(rsp)).endsWith("00000002" + "81000002" + "81010002");
                }
                // D-Bus: SendCommand(SendCommandRequest{SelfTest(YES)})
                try (DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build()) {
                    VtpmInterface v = c.getRemoteObject(VtpmInterface.SERVICE_NAME, VtpmInterface.SERVICE_PATH, VtpmInterface.class);
                    byte[] reply = v.SendCommand(HexFormat.of().parseHex("0a0b80010000000b0000014301"));
                    assertThat(HexFormat.of().formatHex(reply)).isEqualTo("0a0a80010000000a00000000");
                }
                assertThat(Files.exists(dir.resolve("state/vsrk.blob"))).isTrue();
                p.process.destroy(); // SIGTERM
                assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            bus.destroy();
            bus.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
