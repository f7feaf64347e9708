package dev.jtpm.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.server.SocketOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jtpm socket --tpmstate backend-uri=postgresql://…,name=NAME --key …} as a process, driven by tpm2-tools and
 * swtpm_ioctl: NV data survives a stop and start through the database, the rows hold ciphertext, and a second server
 * for the same name is refused with one line.
 */
@Timeout(300)
class SocketOnPostgresTest {
    static PostgresServer pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Tpm2Tools.require();
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception { if (pg != null) pg.close(); }

    private Process socket(int port, Path key, Path log) throws IOException {
        return socket(port, key, log, "sock1", "--flags", "not-need-init,startup-clear");
    }

    private Process socket(int port, Path key, Path log, String name, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), SocketMain.class.getName(),
                "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--tpmstate", "backend-uri=" + pg.uri("jtpm", "lease=3") + ",name=" + name,
                "--key", "file=" + key + ",format=hex"));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static void awaitListening(Process p, int port) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!p.isAlive()) throw new AssertionError("server exited " + p.exitValue());
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("server never listened");
    }

    private static void shutdown(Process p, int ctrlPort) throws Exception {
        Process io = new ProcessBuilder("swtpm_ioctl", "--tcp", "127.0.0.1:" + ctrlPort, "-s").inheritIO().start();
        assertThat(io.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void nvDataSurvivesARestartThroughTheDatabase_asCiphertext_andASecondServerIsRefused() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "00112233445566778899aabbccddeeff\n");
        Path log = tmp.resolve("socket.log");
        String marker = "PLAINTEXT-MARKER-0123456789abcdef";
        Files.writeString(tmp.resolve("data"), marker);
        int port = freePair();
        Process p = socket(port, key, log);
        try {
            awaitListening(p, port);
            Tpm2Tools.run(tmp, port, null, "nvdefine", "-C", "o", "-s", "33", "-a", "ownerread|ownerwrite", "0x1500030").ok();
            Tpm2Tools.run(tmp, port, null, "nvwrite", "-C", "o", "-i", "data", "0x1500030").ok();

            int other = freePair();
            Process second = socket(other, key, tmp.resolve("second.log"));
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isNotZero();
            assertThat(Files.readString(tmp.resolve("second.log"))).contains("jtpm socket: instance sock1 is in use");

            shutdown(p, port + 1);
        } finally {
            p.destroyForcibly();
        }
        String rows = pg.psql("jtpm", "SELECT string_agg(encode(blob, 'hex'), '') FROM jtpm_state WHERE name = 'sock1'");
        assertThat(rows).isNotEmpty().doesNotContain(HexFormat.of().formatHex("MARKER".getBytes(StandardCharsets.US_ASCII)));
        assertThat(Files.readString(log)).doesNotContain(pg.password());

        Process again = socket(port, key, log);
        try {
            awaitListening(again, port);
            assertThat(Tpm2Tools.run(tmp, port, null, "nvread", "-C", "o", "0x1500030").ok().out()).isEqualTo(marker);
            shutdown(again, port + 1);
        } finally {
            again.destroyForcibly();
        }
    }

    private static Tpm2Tools.Run ioctl(Path cwd, int ctrlPort, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("swtpm_ioctl", "--tcp", "127.0.0.1:" + ctrlPort));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Tpm2Tools.Run(p.exitValue(), out, err);
    }

    /**
     * QEMU's live migration with both ends on the database: the destination starts with {@code --migration incoming}
     * while the source still holds the lease; the source gives the lease up with the savestate blob
     * ({@code release-lock-outgoing}); the destination claims it when the blobs arrive; the source can no longer write.
     */
    @Test
    void liveMigration_incomingWaitsForTheSourceToReleaseTheLease() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "00112233445566778899aabbccddeeff\n");
        Files.writeString(tmp.resolve("data"), "migrated-nv-data");
        int pa = freePair(), pb = freePair();
        Process a = socket(pa, key, tmp.resolve("a.log"), "mig1", "--flags", "not-need-init,startup-clear",
                "--migration", "release-lock-outgoing");
        Process b = null;
        try {
            awaitListening(a, pa);
            Tpm2Tools.run(tmp, pa, null, "nvdefine", "-C", "o", "-s", "16", "-a", "ownerread|ownerwrite", "0x1500031").ok();
            Tpm2Tools.run(tmp, pa, null, "nvwrite", "-C", "o", "-i", "data", "0x1500031").ok();
            b = socket(pb, key, tmp.resolve("b.log"), "mig1", "--migration", "incoming");
            awaitListening(b, pb); // not refused: the incoming side claims nothing yet
            for (String type : List.of("permanent", "volatile", "savestate")) {
                ioctl(tmp, pa + 1, "--save", type, tmp.resolve(type + ".blob").toString()).ok();
            }
            assertThat(pg.psql("jtpm", "SELECT count(*) FROM jtpm_instance WHERE name = 'mig1' AND owner IS NULL")).isEqualTo("1");
            ioctl(tmp, pb + 1, "--stop").ok();
            for (String type : List.of("permanent", "volatile", "savestate")) {
                ioctl(tmp, pb + 1, "--load", type, tmp.resolve(type + ".blob").toString()).ok();
            }
            ioctl(tmp, pb + 1, "-i").ok();
            assertThat(Tpm2Tools.run(tmp, pb, null, "nvread", "-C", "o", "0x1500031").ok().out()).isEqualTo("migrated-nv-data");
            Files.writeString(tmp.resolve("data2"), "written-on-dest!");
            Tpm2Tools.run(tmp, pb, null, "nvwrite", "-C", "o", "-i", "data2", "0x1500031").ok();
            // the source gave its lease up: its writes fail
            assertThat(Tpm2Tools.run(tmp, pa, null, "nvwrite", "-C", "o", "-i", "data", "0x1500031").exit()).isNotZero();
            assertThat(pg.psql("jtpm", "SELECT count(*) FROM jtpm_instance WHERE name = 'mig1' AND owner IS NOT NULL"
                    + " AND lease_until > clock_timestamp()")).isEqualTo("1");
            shutdown(b, pb + 1);
        } finally {
            a.destroyForcibly();
            if (b != null) b.destroyForcibly();
        }
    }

    @Test
    void optionParsing_needsAName_andKeepsTheUri() throws Exception {
        assertThatThrownBy(() -> SocketOptions.parse(List.of("--tpm2", "--ctrl", "type=unixio,path=/x", "--tpmstate",
                "backend-uri=postgresql://db.example:5432/jtpm"), Map.of())).hasMessage("--tpmstate: missing name=");
        SocketOptions o = SocketOptions.parse(List.of("--tpm2", "--ctrl", "type=unixio,path=/x", "--tpmstate",
                "backend-uri=postgresql://db.example:5432/jtpm?sslmode=verify-full&lease=5,name=vm7"), Map.of());
        assertThat(o.stateDir()).isNull();
        assertThat(o.stateUri()).isEqualTo("postgresql://db.example:5432/jtpm?sslmode=verify-full&lease=5");
        assertThat(o.stateName()).isEqualTo("vm7");
    }

    private static int freePair() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = 20000 + 2 * ThreadLocalRandom.current().nextInt(6300);
            if (free(p) && free(p + 1)) return p;
        }
        throw new IllegalStateException("no free port pair");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
