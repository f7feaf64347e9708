package dev.jtpm.server.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.ServerLog;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.wire.CtrlRequest;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtpm host}: instances through the management API, isolated, restartable, refused bad input. */
class InstanceHostTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] PCR_READ_16 = HEX.parseHex("8001000000140000017e00000001000b03000001");

    @TempDir Path dir;
    InstanceHost host;
    ManagementApi api;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        open();
    }

    void open() throws IOException {
        host = InstanceHost.open(dir.resolve("host"), new InstanceHost.Endpoints.Sockets(dir.resolve("s")), ServerLog.NONE);
        api = ManagementApi.start(host, "127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        api.close();
        host.close();
    }

    record Answer(int status, String body) {}

    Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    SwtpmSocketTransport tpm(String instanceJson) {
        Matcher m = Pattern.compile("\"server\": \\{\"type\": \"unixio\", \"path\": \"([^\"]+)\"").matcher(instanceJson);
        assertThat(m.find()).as(instanceJson).isTrue();
        Path data = Path.of(m.group(1));
        Path ctrl = Path.of(m.group(1).replaceAll("\\.sock$", ".ctrl"));
        return new SwtpmSocketTransport(new dev.jtpm.tss.Endpoint.Unix(data), new dev.jtpm.tss.Endpoint.Unix(ctrl));
    }

    static byte[] extend16(byte fill) {
        byte[] cmd = HEX.parseHex("80020000004100000182000000100000000940000009000000000000000001000b" + "00".repeat(32));
        java.util.Arrays.fill(cmd, cmd.length - 32, cmd.length, fill);
        return cmd;
    }

    @Test
    void instancesAreIsolated_andServeTheSwtpmProtocol() throws Exception {
        Answer a = call("POST", "/instances", "{\"name\": \"vm1\"}");
        Answer b = call("POST", "/instances", "{\"name\": \"vm2\"}");
        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(field(a.body(), "state")).isEqualTo("running");
        try (SwtpmSocketTransport t1 = tpm(a.body()); SwtpmSocketTransport t2 = tpm(b.body())) {
            assertThat(HEX.formatHex(t1.execute(extend16((byte) 0x11), 0))).startsWith("80020000001300000000");
            assertThat(t1.execute(PCR_READ_16, 0)).isNotEqualTo(t2.execute(PCR_READ_16, 0));
            // a primary key from the same template differs: each instance has its own seeds
            byte[] cp = HEX.parseHex("8002" + "00000000" + "00000131" + "40000001" + "00000009" + "400000090000000000"
                    + "000400000000" // inSensitive: empty userAuth and data
                    + "001a" + "0023000b000304720000000600800043001000030010" + "00000000" // ECC P-256 storage key
                    + "0000" + "00000000"); // outsideInfo, creationPCR
            cp = java.nio.ByteBuffer.allocate(cp.length).put(cp).putInt(2, cp.length).array();
            byte[] k1 = t1.execute(cp, 0), k2 = t2.execute(cp, 0);
            assertThat(HEX.formatHex(k1)).startsWith("80020000");
            assertThat(k1).isNotEqualTo(k2);
        }
        assertThat(Files.isDirectory(dir.resolve("host/vm1/tpm2"))).isTrue();
        Answer list = call("GET", "/instances", null);
        assertThat(list.body()).contains("\"vm1\"", "\"vm2\"");
        String metrics = call("GET", "/metrics", null).body();
        assertThat(metrics).contains("jtpm_commands_total{cc=\"0x00000182\"} 1", "jtpm_commands_total{cc=\"0x00000131\"} 2",
                "jtpm_instances 2", "jtpm_instances_running 2");
        assertThat(metrics).containsPattern("jtpm_command_seconds_count [1-9]");
    }

    @Test
    void stopStartDelete_andTheHostComesBackWithItsInstances() throws Exception {
        String vm = call("POST", "/instances", "{\"name\": \"vm1\", \"flags\": \"not-need-init,startup-clear\"}").body();
        byte[] pcr;
        try (SwtpmSocketTransport t = tpm(vm)) {
            t.execute(extend16((byte) 0x22), 0);
            pcr = t.execute(PCR_READ_16, 0);
        }
        call("POST", "/instances", "{\"name\": \"down\"}");
        assertThat(field(call("POST", "/instances/down/stop", null).body(), "state")).isEqualTo("stopped");
        assertThat(host.running("down")).isNull();

        // a killed host is simulated by opening a second host on the same directory after closing this one
        api.close();
        host.close();
        open();
        assertThat(field(call("GET", "/instances/vm1", null).body(), "state")).isEqualTo("running");
        assertThat(field(call("GET", "/instances/down", null).body(), "state")).as("stopped stays stopped").isEqualTo("stopped");
        try (SwtpmSocketTransport t = tpm(vm)) {
            // the automatic Shutdown(STATE) at close and startup-clear at start: PCRs reset, the instance serves
            assertThat(HEX.formatHex(t.execute(PCR_READ_16, 0))).startsWith("800100000");
            assertThat(t.execute(PCR_READ_16, 0)).isNotEqualTo(pcr);
        }
        assertThat(field(call("POST", "/instances/down/start", null).body(), "state")).isEqualTo("running");
        assertThat(call("DELETE", "/instances/down", null).status()).isEqualTo(204);
        assertThat(Files.exists(dir.resolve("host/down"))).isFalse();
        assertThat(call("GET", "/instances/down", null).status()).isEqualTo(404);
    }

    @Test
    void cmdShutdown_endsTheTpm_andTheHostServesItAgain() throws Exception {
        String vm = call("POST", "/instances", "{\"name\": \"q\"}").body();
        var before = host.running("q");
        try (SwtpmSocketTransport t = tpm(vm)) {
            assertThat(t.ctrl().send(new CtrlRequest.Shutdown()).result()).isZero();
        }
        for (int i = 0; i < 200 && host.running("q") == before; i++) Thread.sleep(20);
        assertThat(host.running("q")).isNotNull().isNotSameAs(before);
        try (SwtpmSocketTransport t = tpm(vm)) {
            assertThat(HEX.formatHex(t.execute(PCR_READ_16, 0))).startsWith("80010000");
        }
        assertThat(call("GET", "/metrics", null).body()).contains("jtpm_instances_restarted_total 1");
    }

    /** An instance whose state does not load is in failure mode; the others serve on. */
    @Test
    void oneInstanceInFailureMode_leavesTheOthersWorking() throws Exception {
        String bad = call("POST", "/instances", "{\"name\": \"bad\"}").body();
        String good = call("POST", "/instances", "{\"name\": \"good\"}").body();
        call("POST", "/instances/bad/stop", null);
        // a well-formed swtpm container around a payload that is no TPM state
        Files.write(dir.resolve("host/bad/tpm2/tpm2-00.permall"),
                dev.jtpm.wire.StateBlob.encodeFile(new byte[] {1, 2, 3, 4, 5}, java.util.Optional.empty()));
        assertThat(call("POST", "/instances/bad/start", null).status()).isEqualTo(200);
        try (SwtpmSocketTransport b = tpm(bad); SwtpmSocketTransport g = tpm(good)) {
            assertThat(HEX.formatHex(b.execute(PCR_READ_16, 0))).as("failure mode").isEqualTo("80010000000a00000101");
            assertThat(HEX.formatHex(g.execute(PCR_READ_16, 0))).startsWith("80010000003e00000000");
            assertThat(HEX.formatHex(g.execute(extend16((byte) 0x33), 0))).startsWith("80020000001300000000");
        }
        assertThat(call("GET", "/metrics", null).body()).containsPattern("jtpm_command_failures_total [1-9]");
    }

    @Test
    void badRequests_getClearErrors() throws Exception {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        assertThat(call("POST", "/instances", "{\"name\": \"a\"}").status()).isEqualTo(201);
        String[][] bad = {
                {"POST", "/instances", "{\"name\": \"a\"}", "409", "exists"},
                {"POST", "/instances", "{\"name\": \"../etc\"}", "400", "bad instance name"},
                {"POST", "/instances", "{\"name\": \"\"}", "400", "bad instance name"},
                {"POST", "/instances", "{\"name\": \"" + "x".repeat(65) + "\"}", "400", "bad instance name"},
                {"POST", "/instances", "{\"nam\": \"b\"}", "400", "unknown member"},
                {"POST", "/instances", "{\"name\": 5}", "400", "give the instance name"},
                {"POST", "/instances", "{\"name\": \"b\", \"flags\": \"startup-bogus\"}", "400", "--flags"},
                {"POST", "/instances", "{\"name\": \"b\"", "400", "bad JSON"},
                {"POST", "/instances", "[1]", "400", "bad JSON"},
                {"POST", "/instances", "{\"name\": \"b\"} x", "400", "text after"},
                {"GET", "/instances/none", null, "404", "no instance"},
                {"POST", "/instances/none/stop", null, "404", "no instance"},
                {"POST", "/instances/a/reboot", null, "404", "no such action"},
                {"PUT", "/instances/a", "{}", "405", "use GET or DELETE"},
                {"GET", "/other", null, "404", "no such resource"},
                {"DELETE", "/metrics", null, "405", "use GET"},
        };
        for (String[] c : bad) {
            Answer r = call(c[0], c[1], c[2]);
            assertThat(r.status()).as(String.join(" ", c[0], c[1], String.valueOf(c[2]))).isEqualTo(Integer.parseInt(c[3]));
            assertThat(r.body()).as(c[1]).startsWith("{\"error\": ").contains(c[4]).doesNotContain("\n{");
        }
        assertThat(Files.exists(dir.resolve("host/b"))).as("nothing made by a refused create").isFalse();
        assertThat(call("GET", "/instances", null).body()).doesNotContain("\"b\"");
        assertThat(call("GET", "/metrics", null).body()).contains("jtpm_api_requests_total{status=\"400\"}");
    }

    @Test
    void malformedHttp_isAnsweredAndTheApiGoesOn() throws Exception {
        for (String raw : new String[] {"GARBAGE\r\n\r\n", "POST /instances HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                "POST /instances HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "POST /instances HTTP/1.1\r\nContent-Length: 999999\r\n\r\n"}) {
            try (Socket s = new Socket("127.0.0.1", api.port())) {
                s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as(raw).matches("(?s)HTTP/1\\.1 4(00|11|13) .*\\{\"error\": .*");
            }
        }
        assertThat(call("GET", "/instances", null).status()).isEqualTo(200);
    }
}
