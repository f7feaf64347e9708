package dev.jtpm.server.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.GetTestResult;
import dev.jtpm.types.command.HierarchyChangeAuth;
import dev.jtpm.types.command.TpmCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure containment (issue 15): an unexpected exception inside one engine's command puts that TPM into failure
 * mode — GetTestResult says so, GetCapability still answers, every other command is TPM_RC_FAILURE — and harms
 * neither the server (it keeps accepting data and control connections), nor the other instances of a
 * {@code jtpm host}, nor the state on disk (the last state written before the fault, which loads and serves again).
 *
 * <p>Faults are injected below the wire, never through it: (1) a test {@link StateStore} that throws an
 * {@link IllegalStateException} from {@code store} once armed — the engine meets it while committing a command; (2)
 * for the host, a directory put where the store writes its temporary file ({@code TMP2-00.permall}), so the write
 * fails with an I/O error the engine does not expect. No command, control request or API call can do either.
 */
class FailureContainmentTest {
    @TempDir Path dir;

    private static <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(
            SwtpmSocketTransport t, C cmd, Bytes... passwords) throws IOException {
        byte[] b = passwords.length == 0 ? CommandBytes.encode(cmd) : CommandBytes.encode(cmd, List.of(passwords));
        return CommandBytes.decode(cmd, t.execute(b, 0));
    }

    /** GetTestResult's testResult (0: operational). */
    private static int testResult(SwtpmSocketTransport t) throws IOException {
        return run(t, new GetTestResult()).orThrow().testResult();
    }

    private static void assertFailureMode(SwtpmSocketTransport t) throws IOException {
        assertThat(testResult(t)).as("GetTestResult reports failure mode").isEqualTo(TpmRc.FAILURE.value());
        var cap = run(t, new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.MANUFACTURER, 1));
        assertThat(cap.ok()).as("GetCapability still answers: %s", cap.rc()).isTrue();
        assertThat(run(t, new GetRandom(8)).rc()).isEqualTo(TpmRc.FAILURE);
    }

    private static HierarchyChangeAuth changeOwnerAuth(String to) {
        return new HierarchyChangeAuth(TpmRh.OWNER, Secret.of(to.getBytes()));
    }

    /** A store that fails like a bug once {@link #armed}. */
    private static final class FaultyStore implements StateStore {
        final StateStore inner;
        final AtomicBoolean armed = new AtomicBoolean();

        FaultyStore(StateStore inner) { this.inner = inner; }

        @Override public byte[] load(StateKind k) throws IOException { return inner.load(k); }

        @Override
        public void store(StateKind k, byte[] b) throws IOException {
            if (armed.get()) throw new IllegalStateException("injected fault");
            inner.store(k, b);
        }

        @Override public void delete(StateKind k) throws IOException { inner.delete(k); }

        @Override public void close() throws IOException { inner.close(); }
    }

    @Test
    void anUnexpectedException_failsThatTpmOnly_theServerServes_andTheStateOnDiskIsTheLastGoodOne() throws Exception {
        Path state = dir.resolve("tpm");
        SwtpmFlags flags = new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false);
        FaultyStore store = new FaultyStore(DirectoryStateStore.open(state, 0600));
        byte[] good;
        try (TpmInstance server = TpmInstance.start(store, InstanceConfig.tcpOnFreePorts(flags))) {
            try (SwtpmSocketTransport t = tcp(server)) {
                run(t, changeOwnerAuth("first"), Bytes.EMPTY).orThrow();
                good = Files.readAllBytes(state.resolve("tpm2-00.permall"));
                store.armed.set(true);
                assertThat(run(t, changeOwnerAuth("second"), Bytes.wrap("first".getBytes())).rc()).isEqualTo(TpmRc.FAILURE);
                assertFailureMode(t);
            }
            // the server still takes new connections, on both channels
            try (SwtpmSocketTransport t = tcp(server);
                 SwtpmControl ctrl = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", server.ctrlPort()))) {
                assertFailureMode(t);
                assertThat(ctrl.capabilities()).isNotZero();
            }
            store.armed.set(false);
        }
        assertThat(Files.readAllBytes(state.resolve("tpm2-00.permall"))).as("the state on disk").isEqualTo(good);
        try (TpmInstance again = TpmInstance.start(DirectoryStateStore.open(state, 0600), InstanceConfig.tcpOnFreePorts(flags));
             SwtpmSocketTransport t = tcp(again)) {
            assertThat(testResult(t)).isZero();
            assertThat(run(t, changeOwnerAuth("third"), Bytes.wrap("first".getBytes())).ok())
                    .as("the owner authValue is the last one written before the fault").isTrue();
        }
    }

    @Test
    void inAHost_oneInstanceInFailureMode_leavesTheOthersAndTheApiAlone() throws Exception {
        InstanceHost host = InstanceHost.open(dir.resolve("host"), new InstanceHost.Endpoints.Sockets(dir.resolve("s")),
                ServerLog.NONE);
        ManagementApi api = ManagementApi.start(host, "127.0.0.1:0");
        HttpClient http = HttpClient.newHttpClient();
        try {
            String flags = ", \"flags\": \"not-need-init,startup-clear\"}";
            String vm1 = post(http, api, "/instances", "{\"name\": \"vm1\"" + flags);
            String vm2 = post(http, api, "/instances", "{\"name\": \"vm2\"" + flags);
            Path permall = dir.resolve("host/vm1/tpm2/tpm2-00.permall");
            try (SwtpmSocketTransport t1 = tpm(vm1); SwtpmSocketTransport t2 = tpm(vm2)) {
                run(t1, changeOwnerAuth("one"), Bytes.EMPTY).orThrow();
                byte[] good = Files.readAllBytes(permall);
                Files.createDirectory(permall.resolveSibling("TMP2-00.permall"));   // the next write of vm1 fails
                assertThat(run(t1, changeOwnerAuth("two"), Bytes.wrap("one".getBytes())).rc()).isEqualTo(TpmRc.FAILURE);
                assertFailureMode(t1);
                for (int i = 0; i < 20; i++) {
                    assertThat(run(t2, changeOwnerAuth("vm2-" + i), Bytes.wrap(i == 0 ? new byte[0] : ("vm2-" + (i - 1)).getBytes()))
                            .ok()).as("the other instance writes its state").isTrue();
                }
                assertThat(testResult(t2)).isZero();
                assertThat(get(http, api, "/instances")).contains("\"vm1\"", "\"vm2\"");
                assertThat(get(http, api, "/metrics")).contains("jtpm_instances_running 2");
                assertThat(Files.readAllBytes(permall)).as("vm1's state on disk").isEqualTo(good);
            }
            Files.delete(permall.resolveSibling("TMP2-00.permall"));
            post(http, api, "/instances/vm1/stop", null);
            String restarted = post(http, api, "/instances/vm1/start", null);
            try (SwtpmSocketTransport t1 = tpm(restarted)) {
                assertThat(testResult(t1)).isZero();
                assertThat(run(t1, changeOwnerAuth("three"), Bytes.wrap("one".getBytes())).ok()).isTrue();
            }
        } finally {
            api.close();
            host.close();
        }
    }

    private static String post(HttpClient http, ManagementApi api, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(a.statusCode()).as(a.body()).isBetween(200, 299);
        return a.body();
    }

    private static String get(HttpClient http, ManagementApi api, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static SwtpmSocketTransport tcp(TpmInstance i) {
        return new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", i.dataPort()), new Endpoint.Tcp("127.0.0.1", i.ctrlPort()));
    }

    private static SwtpmSocketTransport tpm(String instanceJson) {
        Matcher m = Pattern.compile("\"server\": \\{\"type\": \"unixio\", \"path\": \"([^\"]+)\"").matcher(instanceJson);
        assertThat(m.find()).as(instanceJson).isTrue();
        Path data = Path.of(m.group(1));
        Path ctrl = Path.of(m.group(1).replaceAll("\\.sock$", ".ctrl"));
        return new SwtpmSocketTransport(new Endpoint.Unix(data), new Endpoint.Unix(ctrl));
    }
}
