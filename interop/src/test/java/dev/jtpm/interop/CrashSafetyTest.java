package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@code jtpm socket} process, killed with SIGKILL at random moments of a loop of
 * extends and orderly shutdowns (each shutdown rewrites the permanent state): every restart must
 * find a state it can load and serve from.
 */
class CrashSafetyTest {

    static Process startServer(Path dir, int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "socket",
                "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--tpmstate", "dir=" + dir, "--flags", "not-need-init,startup-clear")
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
    }

    static void awaitPort(int port, Process p) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!p.isAlive()) throw new AssertionError("server exited with " + p.exitValue());
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(25);
            }
        }
        throw new AssertionError("server did not start");
    }

    @Test
    void sigkillDuringExtendsAndShutdowns_neverLeavesAnUnloadableState() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-crash");
        Random rnd = new Random(5);
        TpmlDigestValues digest = new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, Bytes.zeros(32))));
        for (int round = 0; round <= 8; round++) {   // the last round only checks what the 8th kill left
            int port = FreePorts.pair();
            Process p = startServer(dir, port);
            try {
                awaitPort(port, p);
                try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                    // the state left by the previous kill loads: the TPM serves
                    var random = CommandBytes.decode(new GetRandom(8), t.execute(CommandBytes.encode(new GetRandom(8)), 0));
                    assertThat(random.ok()).as("round " + round + ": " + random.rc()).isTrue();
                    var read = CommandBytes.decode(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0)))),
                            t.execute(CommandBytes.encode(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0))))), 0));
                    assertThat(read.ok()).isTrue();
                }
                if (round == 8) break;
                // a client hammering extends and shutdowns until the server dies under it
                Thread client = Thread.ofVirtual().start(() -> {
                    try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                        for (int i = 0; i < 100_000; i++) {
                            byte[] cmd = i % 3 == 0 ? CommandBytes.encode(new Shutdown(TpmSu.STATE))
                                    : CommandBytes.encode(new PcrExtend(16, digest));
                            t.execute(cmd, 0);
                        }
                    } catch (IOException expected) {
                        // the kill
                    }
                });
                Thread.sleep(20 + rnd.nextInt(400));
                p.destroyForcibly();       // SIGKILL, mid-command
                client.join(10_000);
            } finally {
                p.destroyForcibly();       // SIGKILL
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).contains("tpm2-00.permall");
        }
    }
}
