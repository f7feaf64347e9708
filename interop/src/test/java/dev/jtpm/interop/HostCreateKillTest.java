package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A new {@code jtpm host} instance is on disk when the API answers its creation: the host process is killed
 * (SIGKILL) right after the answer and one command, started again on the same directory, and the instance
 * derives the same owner primary key as before (the same seeds: its state was written, not manufactured anew).
 * The create path holds the state writes of the TPM's start until the start is done and writes them once before
 * answering; this is the check that the write happens before the answer.
 */
class HostCreateKillTest {
    private static final int OWNER = 0x40000001, CREATE_PRIMARY = 0x131;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void createdInstance_survivesSigkillRightAfterTheAnswer() throws Exception {
        Path dir = JtpmServer.tempDir();
        int port = FreePorts.pair();
        byte[] before;
        Process host = startHost(dir, port);
        try {
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/instances"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"vm1\"}")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            before = transact(socketPath(created.body()), createPrimaryEcc());
            host.destroyForcibly();
            assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            host.destroyForcibly();
        }
        assertThat(RawCommands.rc(before)).isZero();

        Process again = startHost(dir, port);
        try {
            HttpResponse<String> info = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/instances/vm1"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
            byte[] after = transact(socketPath(info.body()), createPrimaryEcc());
            assertThat(after).as("the same primary key: the same seeds and proofs").isEqualTo(before);
        } finally {
            again.destroyForcibly();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process startHost(Path dir, int port) throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "host", "--dir", dir.resolve("host").toString(),
                "--api", "127.0.0.1:" + port);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("host-" + System.nanoTime() + ".log").toFile()).start();
        for (int i = 0; i < 1200; i++) {
            if (!p.isAlive()) throw new IllegalStateException("jtpm host exited with " + p.exitValue());
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/instances")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                return p;
            } catch (IOException notYet) {
                Thread.sleep(25);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("jtpm host's API did not come up");
    }

    private static Path socketPath(String json) {
        Matcher m = Pattern.compile("\"server\"\\s*:\\s*\\{[^}]*\"path\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as("a data socket path in " + json).isTrue();
        return Path.of(m.group(1));
    }

    /** TPM2_CreatePrimary of an ECC P-256 ECDSA signing key in the owner hierarchy, empty password. */
    private static byte[] createPrimaryEcc() {
        byte[] publicArea = RawCommands.cat(RawCommands.u16(0x0023, 0x000B), RawCommands.u32(0x00040072), RawCommands.u16(0),
                RawCommands.u16(0x0010, 0x0018, 0x000B, 0x0003, 0x0010), RawCommands.u16(0), RawCommands.u16(0));
        byte[] params = RawCommands.cat(RawCommands.sized(RawCommands.u16(0, 0)), RawCommands.sized(publicArea),
                RawCommands.u16(0), RawCommands.u32(0));
        return RawCommands.authorized(CREATE_PRIMARY, OWNER, params);
    }

    private static byte[] transact(Path socket, byte[] command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap(command));
            ByteBuffer header = ByteBuffer.allocate(10);
            while (header.hasRemaining()) if (ch.read(header) < 0) throw new IOException("closed");
            int size = header.getInt(2);
            ByteBuffer rsp = ByteBuffer.allocate(size);
            rsp.put(header.array());
            while (rsp.hasRemaining()) if (ch.read(rsp) < 0) throw new IOException("closed");
            return rsp.array();
        }
    }
}
