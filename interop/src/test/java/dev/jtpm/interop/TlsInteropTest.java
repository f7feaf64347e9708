package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.TlsCertificates;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.tss.tls.TlsClient;
import dev.jtpm.tss.tls.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Encrypted remote access (issue 11 item 5) with real clients: {@code jtpm socket --server type=tls --ctrl type=tls}
 * as a process, tpm2-tools through {@code jtpm connect} (a process too), openssl s_client refused without a client
 * certificate, with one from another CA and with TLS 1.2 (no TPM response byte ever returned), a byte tap between
 * connect and the server that finds no TPM command in plaintext (the same tap in front of a plain server finds it),
 * {@code jtpm pipe --backend swtpm:…,cert=…} and the Java TSS over TLS, and clients that never finish their handshake
 * while others are served.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TlsInteropTest {
    /** TPM2_GetRandom(8): its header carries the command code 00 00 01 7b. */
    private static final byte[] GET_RANDOM = HexFormat.of().parseHex("80010000000c0000017b0008");

    private static Path dir;
    private static Path caBundle, serverCert, serverKey, clientCert, clientKey, otherCert, otherKey;
    private static Proc server;
    private static int serverPort;

    @BeforeAll
    static void certificatesAndServer() throws Exception {
        dir = Files.createTempDirectory("jtpm-tls");
        LocalCa ca = LocalCa.open(dir.resolve("ca"));
        caBundle = Files.writeString(dir.resolve("ca.pem"), ca.caCertificatesPem());
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server.key");
        write(ca.issueTls(TlsCertificates.Role.SERVER, "CN=jtpm-test-server", "IP:127.0.0.1,DNS:localhost",
                TlsCertificates.DEFAULT_VALIDITY), serverCert, serverKey);
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client.key");
        write(ca.issueTls(TlsCertificates.Role.CLIENT, "CN=jtpm-test-client", null, TlsCertificates.DEFAULT_VALIDITY),
                clientCert, clientKey);
        LocalCa other = LocalCa.open(dir.resolve("other-ca"));
        otherCert = dir.resolve("other.pem");
        otherKey = dir.resolve("other.key");
        write(other.issueTls(TlsCertificates.Role.CLIENT, "CN=intruder", null, TlsCertificates.DEFAULT_VALIDITY),
                otherCert, otherKey);
        serverPort = FreePorts.pair();
        server = tlsServer(serverPort, dir.resolve("state"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static void write(TlsCertificates.Issued issued, Path cert, Path key) throws IOException {
        StringBuilder chain = new StringBuilder();
        for (var c : issued.chain()) chain.append(LocalCa.pem(c));
        Files.writeString(cert, chain);
        Files.writeString(key, TlsCertificates.pkcs8Pem(issued.privateKey()));
    }

    private static String tlsParams() {
        return "cert=" + serverCert + ",key=" + serverKey + ",ca=" + caBundle;
    }

    private static Proc tlsServer(int port, Path state) throws IOException {
        Files.createDirectories(state);
        Proc p = Proc.jtpm(dir.resolve("server-" + port + ".log"), "socket", "--tpm2",
                "--server", "type=tls,port=" + port + "," + tlsParams(),
                "--ctrl", "type=tls,port=" + (port + 1) + "," + tlsParams(),
                "--tpmstate", "dir=" + state, "--flags", "not-need-init,startup-clear", "--log", "level=1");
        p.awaitPort(port + 1);
        return p;
    }

    /** {@code jtpm connect} from a free local port pair to {@code remotePort} (control remotePort + 1). */
    private static Proc connect(int localPort, int remotePort, String... extra) {
        List<String> args = new ArrayList<>(List.of("connect", "--to", "127.0.0.1:" + remotePort, "--cert", clientCert.toString(),
                "--key", clientKey.toString(), "--ca", caBundle.toString(), "--listen", "127.0.0.1:" + localPort));
        args.addAll(List.of(extra));
        Proc p = Proc.jtpm(dir.resolve("connect-" + localPort + ".log"), args.toArray(String[]::new));
        p.awaitPort(localPort + 1);
        return p;
    }

    @Test
    void tpm2Tools_throughConnect_getRandomAndSignatureVerifiedByOpenssl() throws Exception {
        Tools.require("tpm2_getrandom");
        Tools.require("openssl");
        int local = FreePorts.pair();
        try (Proc c = connect(local, serverPort)) {
            String t = "swtpm:host=127.0.0.1,port=" + local;
            Path d = Files.createTempDirectory(dir, "sign");
            assertThat(Tools.tpm2(t, "tpm2_getrandom", "--hex", "16").ok().out()).matches("[0-9a-f]{32}");
            Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-c", d.resolve("prim.ctx").toString()).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_create", "-C", d.resolve("prim.ctx").toString(), "-G", "ecc256", "-u", d.resolve("k.pub").toString(),
                    "-r", d.resolve("k.priv").toString()).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_load", "-C", d.resolve("prim.ctx").toString(), "-u", d.resolve("k.pub").toString(), "-r",
                    d.resolve("k.priv").toString(), "-c", d.resolve("k.ctx").toString()).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Path msg = Files.writeString(d.resolve("msg"), "signed by a TPM on the other end of a TLS connection");
            Tools.tpm2(t, "tpm2_sign", "-c", d.resolve("k.ctx").toString(), "-g", "sha256", "-f", "plain", "-o",
                    d.resolve("sig").toString(), msg.toString()).ok();
            Tools.tpm2(t, "tpm2_readpublic", "-c", d.resolve("k.ctx").toString(), "-f", "pem", "-o", d.resolve("k.pem").toString()).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.Run verify = Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", d.resolve("k.pem").toString(),
                    "-signature", d.resolve("sig").toString(), msg.toString());
            assertThat(verify.out()).as(verify.err()).contains("Verified OK");
        }
    }

    @Test
    void opensslWithTheClientCertificate_getsTheTpmResponse() throws Exception {
        // the positive control of the refusals below: the same s_client invocation, with the right certificate
        Tools.require("openssl");
        List<String> cmd = sClient(serverPort, "-tls1_3", "-cert", clientCert.toString(), "-key", clientKey.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream in = p.getOutputStream();
            in.write(GET_RANDOM);
            in.flush();
            byte[] rsp = p.getInputStream().readNBytes(20); // kept open: s_client ends the connection at EOF of stdin
            assertThat(HexFormat.of().formatHex(rsp)).startsWith("80010000001400000000" + "0008");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientWithoutCertificate_isRefusedInTheHandshake() {
        Tools.Run r = refused(sClient(serverPort, "-tls1_3"));
        assertThat(r.err()).contains("certificate required");
        assertThat(server.awaitLog("Empty client certificate chain")).contains("Empty client certificate chain");
    }

    @Test
    void clientFromAnotherCa_isRefusedInTheHandshake() {
        Tools.Run r = refused(sClient(serverPort, "-tls1_3", "-cert", otherCert.toString(), "-key", otherKey.toString()));
        assertThat(r.err()).containsAnyOf("unknown ca", "bad certificate", "certificate unknown", "alert");
        String[] why = {"PKIX path", "unable to find valid certification path", "signature check failed"};
        assertThat(server.awaitLog(why)).containsAnyOf(why);
    }

    @Test
    void tls12_isRefused() {
        Tools.Run r = refused(sClient(serverPort, "-tls1_2", "-cert", clientCert.toString(), "-key", clientKey.toString()));
        assertThat(r.err()).contains("protocol version");
    }

    /** Runs s_client with GetRandom on stdin: it must fail, and no byte of a TPM response may reach its stdout. */
    private static Tools.Run refused(List<String> cmd) {
        Tools.require("openssl");
        Tools.Run r = Tools.run(Map.of(), GET_RANDOM, cmd.toArray(String[]::new));
        assertThat(r.out()).as("TPM bytes returned to a refused client; stderr: " + r.err()).isEmpty();
        assertThat(r.exit()).isNotZero();
        return r;
    }

    private static List<String> sClient(int port, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile",
                caBundle.toString(), "-quiet", "-verify_return_error"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Test
    void byteTap_betweenConnectAndServer_seesNoTpmCommand_butDoesInFrontOfAPlainServer() throws Exception {
        Tools.require("tpm2_getrandom");
        int local = FreePorts.pair();
        try (RecordingProxy tap = new RecordingProxy(serverPort); Proc c = connect(local, tapPort(tap))) {
            String t = "swtpm:host=127.0.0.1,port=" + local;
            assertThat(Tools.tpm2(t, "tpm2_getrandom", "--hex", "8").ok().out()).matches("[0-9a-f]{16}");
            Tools.tpm2(t, "tpm2_getcap", "properties-fixed").ok();
            byte[] seen = tap.recorded();
            assertThat(seen.length).isGreaterThan(200); // the tap did see the traffic
            assertThat(HexFormat.of().formatHex(seen)).doesNotContain("0000017b").doesNotContain("0000017a")
                    .doesNotContainPattern("8001.{8}00000");
        }
        try (JtpmServer plain = JtpmServer.started(JtpmServer.Protocol.SWTPM); RecordingProxy tap = new RecordingProxy(plain.port())) {
            Tools.tpm2(tap.tcti(), "tpm2_getrandom", "--hex", "8").ok();
            assertThat(HexFormat.of().formatHex(tap.recorded())).containsPattern("8001.{8}0000017b");
        }
    }

    private static int tapPort(RecordingProxy tap) {
        String tcti = tap.tcti();
        return Integer.parseInt(tcti.substring(tcti.lastIndexOf('=') + 1));
    }

    @Test
    void jtpmPipe_withATlsBackend_servesTpm2Tools() {
        Tools.require("tpm2_getrandom");
        String backend = "--backend swtpm:host=127.0.0.1,port=" + serverPort + ",cert=" + clientCert + ",key=" + clientKey
                + ",ca=" + caBundle;
        assertThat(Tools.tpm2("cmd:" + PipeInteropTest.pipe(backend), "tpm2_getrandom", "--hex", "8").ok().out())
                .matches("[0-9a-f]{16}");
    }

    @Test
    void javaTss_overTls_dataAndControl() throws Exception {
        TlsClient client = TlsClient.load(new TlsFiles(clientCert, clientKey, caBundle), true);
        try (SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Tls("127.0.0.1", serverPort, client),
                new Endpoint.Tls("127.0.0.1", serverPort + 1, client))) {
            assertThat(t.ctrl().capabilities()).isNotZero();
            byte[] rsp = t.execute(GET_RANDOM, 0);
            assertThat(HexFormat.of().formatHex(rsp)).startsWith("800100000014000000000008");
        }
    }

    @Test
    void hostnameCheck_refusesAServerCertificateForAnotherName_unlessTurnedOff() throws Exception {
        LocalCa ca = LocalCa.open(dir.resolve("ca"));
        Path cert = dir.resolve("elsewhere.pem"), key = dir.resolve("elsewhere.key");
        write(ca.issueTls(TlsCertificates.Role.SERVER, "CN=elsewhere", "DNS:elsewhere.example", TlsCertificates.DEFAULT_VALIDITY),
                cert, key);
        TlsFiles files = new TlsFiles(cert, key, caBundle);
        dev.jtpm.server.InstanceConfig config = new dev.jtpm.server.InstanceConfig(
                new dev.jtpm.server.ChannelSpec.Tls("127.0.0.1", 0, files), new dev.jtpm.server.ChannelSpec.Tls("127.0.0.1", 0, files),
                dev.jtpm.server.SwtpmFlags.parse("not-need-init,startup-clear"), false, false, false, dev.jtpm.server.ServerLog.NONE);
        try (var instance = dev.jtpm.server.TpmInstance.start(dev.jtpm.server.StateStore.inMemory(), config)) {
            TlsFiles clientFiles = new TlsFiles(clientCert, clientKey, caBundle);
            for (boolean check : new boolean[] {true, false}) {
                TlsClient client = TlsClient.load(clientFiles, check);
                try (SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Tls("127.0.0.1", instance.dataPort(), client),
                        new Endpoint.Tls("127.0.0.1", instance.ctrlPort(), client))) {
                    if (check) {
                        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.execute(GET_RANDOM, 0))
                                .hasMessageContaining("TLS handshake with 127.0.0.1");
                    } else {
                        assertThat(HexFormat.of().formatHex(t.execute(GET_RANDOM, 0))).startsWith("800100000014000000000008");
                    }
                }
            }
        }
    }

    @Test
    void connect_onAUnixSocketPair() throws Exception {
        Path sock = Files.createTempDirectory("jtpm-tls-unix").resolve("tpm.sock");
        Proc c = Proc.jtpm(dir.resolve("connect-unix.log"), "connect", "--to", "127.0.0.1:" + serverPort, "--cert",
                clientCert.toString(), "--key", clientKey.toString(), "--ca", caBundle.toString(), "--listen", "unix:" + sock);
        try (c) {
            c.awaitFile(Path.of(sock + ".ctrl"));
            try (SwtpmSocketTransport t = SwtpmSocketTransport.unix(sock)) {
                assertThat(t.ctrl().capabilities()).isNotZero();
                assertThat(HexFormat.of().formatHex(t.execute(GET_RANDOM, 0))).startsWith("800100000014000000000008");
            }
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void clientsThatNeverFinishTheHandshake_doNotBlockOthers() throws Exception {
        Tools.require("tpm2_getrandom");
        int local = FreePorts.pair();
        try (Proc c = connect(local, serverPort);
             Socket silentData = new Socket("127.0.0.1", serverPort);
             Socket silentCtrl = new Socket("127.0.0.1", serverPort + 1);
             Socket partial = new Socket("127.0.0.1", serverPort)) {
            partial.getOutputStream().write(HexFormat.of().parseHex("16030100ff0100")); // the start of a ClientHello
            String t = "swtpm:host=127.0.0.1,port=" + local;
            for (int i = 0; i < 3; i++) assertThat(Tools.tpm2(t, "tpm2_getrandom", "--hex", "8").ok().out()).matches("[0-9a-f]{16}");
            // the stalled clients got nothing meanwhile; the server ends them at its handshake timeout
            assertThat(silentCtrl.getInputStream().available()).isZero();
            silentData.setSoTimeout(60_000);
            InputStream in = silentData.getInputStream();
            byte[] got = in.readAllBytes(); // an alert at most, then the end: never a TPM byte
            assertThat(HexFormat.of().formatHex(got)).doesNotStartWith("8001");
        }
    }

    @Test
    void jtpmHost_withTls_servesItsInstancesOverTls() throws Exception {
        int api = FreePorts.pair(), ports = FreePorts.pair();
        Path home = Files.createTempDirectory(dir, "host");
        try (Proc host = Proc.jtpm(dir.resolve("host.log"), "host", "--dir", home.toString(), "--api", "127.0.0.1:" + api,
                "--ports", ports + "-" + (ports + 1), "--tls", tlsParams())) {
            host.awaitPort(api);
            var http = java.net.http.HttpClient.newHttpClient();
            var rsp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api + "/instances"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"vm1\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(rsp.statusCode()).as(rsp.body()).isEqualTo(201);
            assertThat(rsp.body()).contains("\"type\": \"tls\"").contains("\"port\": " + ports);
            TlsClient client = TlsClient.load(new TlsFiles(clientCert, clientKey, caBundle), true);
            try (SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Tls("127.0.0.1", ports, client),
                    new Endpoint.Tls("127.0.0.1", ports + 1, client))) {
                assertThat(HexFormat.of().formatHex(t.execute(GET_RANDOM, 0))).startsWith("800100000014000000000008");
            }
            // and a plain client gets nothing from the instance's port
            try (Socket plain = new Socket("127.0.0.1", ports)) {
                plain.getOutputStream().write(GET_RANDOM);
                plain.setSoTimeout(60_000);
                assertThat(HexFormat.of().formatHex(plain.getInputStream().readAllBytes())).doesNotStartWith("8001");
            }
        }
    }

    /**
     * {@code jtpm rm --server type=tls}: tpm2-tools through {@code jtpm connect} for one-command tools, the whole
     * createprimary → create → load → sign chain through {@code cmd:jtpm pipe --backend swtpm:…,cert=…} (one TLS
     * connection, one space per tool run; the same chain through connect: {@link
     * #tpm2Tools_throughConnect_toRm_oneSpacePerProcess}), the control channel on port + 1 over TLS, and a client
     * without a certificate refused.
     */
    @Test
    void jtpmRm_overTls_throughConnectAndThroughPipe() throws Exception {
        Tools.require("tpm2_getrandom");
        Tools.require("openssl");
        int rmPort = FreePorts.pair(), local = FreePorts.pair();
        try (Proc rm = Proc.jtpm(dir.resolve("rm.log"), "rm", "--backend", "in-process", "--server",
                "type=tls,port=" + rmPort + "," + tlsParams())) {
            rm.awaitPort(rmPort + 1);
            try (Proc c = connect(local, rmPort)) {
                String t = "swtpm:host=127.0.0.1,port=" + local;
                assertThat(Tools.tpm2(t, "tpm2_getrandom", "--hex", "16").ok().out()).matches("[0-9a-f]{32}");
                assertThat(Tools.tpm2(t, "tpm2_pcrread", "sha256:0").ok().out()).contains("0 : 0x");
            }
            String p = "cmd:" + PipeInteropTest.pipe("--backend swtpm:host=127.0.0.1,port=" + rmPort + ",cert=" + clientCert
                    + ",key=" + clientKey + ",ca=" + caBundle);
            Path d = Files.createTempDirectory(dir, "rm");
            Tools.tpm2(p, "tpm2_createprimary", "-C", "o", "-c", d.resolve("prim.ctx").toString()).ok();
            Tools.tpm2(p, "tpm2_create", "-C", d.resolve("prim.ctx").toString(), "-G", "ecc256", "-u", d.resolve("k.pub").toString(),
                    "-r", d.resolve("k.priv").toString()).ok();
            Tools.tpm2(p, "tpm2_load", "-C", d.resolve("prim.ctx").toString(), "-u", d.resolve("k.pub").toString(), "-r",
                    d.resolve("k.priv").toString(), "-c", d.resolve("k.ctx").toString()).ok();
            Path msg = Files.writeString(d.resolve("msg"), "signed behind a resource manager over TLS");
            Tools.tpm2(p, "tpm2_sign", "-c", d.resolve("k.ctx").toString(), "-g", "sha256", "-f", "plain", "-o",
                    d.resolve("sig").toString(), msg.toString()).ok();
            Tools.tpm2(p, "tpm2_readpublic", "-c", d.resolve("k.ctx").toString(), "-f", "pem", "-o", d.resolve("k.pem").toString()).ok();
            Tools.Run verify = Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", d.resolve("k.pem").toString(),
                    "-signature", d.resolve("sig").toString(), msg.toString());
            assertThat(verify.out()).as(verify.err()).contains("Verified OK");
            TlsClient client = TlsClient.load(new TlsFiles(clientCert, clientKey, caBundle), true);
            try (var ctrl = dev.jtpm.tss.SwtpmControl.connect(new Endpoint.Tls("127.0.0.1", rmPort + 1, client))) {
                assertThat(ctrl.capabilities()).isNotZero();
            }
            Tools.Run refused = refused(sClient(rmPort, "-tls1_3"));
            assertThat(refused.err()).contains("certificate required");
        }
    }

    /**
     * tpm2-tools (tcti-swtpm: a connection per command) through {@code jtpm connect} to {@code jtpm rm --server type=tls}
     * in front of a jtpm TPM: connect sends each tool process's commands over one TLS connection, so the RM keeps one
     * space per process — createprimary → create → load → sign (openssl verifies), a policy session saved by one tool
     * and used by the next — and flushes it when connect closes the upstream after the process exits. Two client
     * processes at once each see only their own handles. Afterwards the backend, asked directly, holds nothing.
     */
    @Test
    void tpm2Tools_throughConnect_toRm_oneSpacePerProcess() throws Exception {
        Tools.require("tpm2_createprimary");
        Tools.require("openssl");
        Tools.require("python3");
        int rmPort = FreePorts.pair(), local = FreePorts.pair();
        Path d = Files.createTempDirectory(dir, "rmconnect");
        try (JtpmServer backend = JtpmServer.started(JtpmServer.Protocol.SWTPM)) {
            Proc rm = Proc.jtpm(dir.resolve("rm-connect.log"), "rm", "--backend", "swtpm:host=127.0.0.1,port=" + backend.port(),
                    "--server", "type=tls,port=" + rmPort + "," + tlsParams(), "--verbose");
            try (rm; Proc c = connect(local, rmPort)) {
                rm.awaitPort(rmPort + 1);
                String t = "swtpm:host=127.0.0.1,port=" + local;
                String prim = d.resolve("p.ctx").toString(), key = d.resolve("k.ctx").toString();
                Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-c", prim).ok();
                Tools.tpm2(t, "tpm2_create", "-C", prim, "-G", "ecc256", "-u", d.resolve("k.pub").toString(),
                        "-r", d.resolve("k.priv").toString()).ok();
                Tools.tpm2(t, "tpm2_load", "-C", prim, "-u", d.resolve("k.pub").toString(), "-r", d.resolve("k.priv").toString(),
                        "-c", key).ok();
                Path msg = Files.writeString(d.resolve("msg"), "signed through jtpm connect and jtpm rm");
                Tools.tpm2(t, "tpm2_sign", "-c", key, "-g", "sha256", "-f", "plain", "-o", d.resolve("sig").toString(),
                        msg.toString()).ok();
                Tools.tpm2(t, "tpm2_readpublic", "-c", key, "-f", "pem", "-o", d.resolve("k.pem").toString()).ok();
                Tools.Run verify = Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", d.resolve("k.pem").toString(),
                        "-signature", d.resolve("sig").toString(), msg.toString());
                assertThat(verify.out()).as(verify.err()).contains("Verified OK");
                String session = d.resolve("s.ctx").toString();
                Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", session).ok();
                Tools.tpm2(t, "tpm2_policypcr", "-S", session, "-l", "sha256:0", "-L", d.resolve("pol").toString()).ok();
                assertThat(Files.size(d.resolve("pol"))).isEqualTo(32);
                Tools.tpm2(t, "tpm2_flushcontext", session).ok();

                // two processes at once, each a connection per command: each sees its own primary only
                String script = """
                        import socket, sys
                        def xchg(hexcmd):
                            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                            s.sendall(bytes.fromhex(hexcmd))
                            b = b""
                            while len(b) < 10 or len(b) < int.from_bytes(b[2:6], "big"):
                                c = s.recv(4096)
                                if not c: raise SystemExit("closed")
                                b += c
                            s.close()
                            return b
                        r = xchg(sys.argv[2])
                        assert r[6:10] == bytes(4), r.hex()
                        own = r[10:14].hex()
                        def handles():
                            g = xchg(sys.argv[3])
                            n = int.from_bytes(g[15:19], "big")
                            return [g[19 + 4 * i:23 + 4 * i].hex() for i in range(n)]
                        print(own, ",".join(handles()), flush=True)
                        sys.stdin.readline()
                        print(own, ",".join(handles()), flush=True)
                        """;
                String primary = HexFormat.of().formatHex(dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.CreatePrimary(
                        dev.jtpm.types.TpmRh.OWNER, dev.jtpm.types.structure.TpmsSensitiveCreate.EMPTY,
                        dev.jtpm.types.structure.Templates.ECC_P256_SRK, dev.jtpm.types.Bytes.EMPTY,
                        new dev.jtpm.types.structure.TpmlPcrSelection(List.of()))));
                String getHandles = "8001" + "00000016" + "0000017a" + "00000001" + "80000000" + "00000010"; // GetCapability(HANDLES, transient)
                List<Process> clients = new ArrayList<>();
                List<java.io.BufferedReader> outs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Process p = new ProcessBuilder("python3", "-c", script, Integer.toString(local), primary, getHandles)
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    clients.add(p);
                    outs.add(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)));
                }
                List<String[]> seen = new ArrayList<>();
                for (var o : outs) seen.add(o.readLine().split(" "));
                for (Process p : clients) { // both alive and holding their primary now; ask again, then let them end
                    p.getOutputStream().write('\n');
                    p.getOutputStream().flush();
                }
                for (var o : outs) seen.add(o.readLine().split(" "));
                for (Process p : clients) assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
                String a = seen.get(0)[0], b = seen.get(1)[0];
                assertThat(a).startsWith("80").isNotEqualTo(b);
                assertThat(seen.get(0)[1]).isEqualTo(a);
                assertThat(seen.get(1)[1]).isEqualTo(b);
                assertThat(seen.get(2)[1]).isEqualTo(a);
                assertThat(seen.get(3)[1]).isEqualTo(b);

                // every tool process's space is flushed once connect sees the process gone (each had one upstream)
                int processes = 8 + 2; // eight tool runs, two python clients
                for (int i = 0; i < 1200 && count(rm.log(), "closed and flushed") < processes; i++) Thread.sleep(50);
                assertThat(count(rm.log(), "closed and flushed")).as(rm.log()).isEqualTo(processes);
                assertThat(rm.log()).contains("(1 objects, 0 sessions) closed and flushed"); // createprimary's p.ctx object
                assertThat(count(c.log(), "upstream closed")).as(c.log()).isEqualTo(processes);
                rm.kill(); // SIGKILL: it cannot clean up on its way out
            }
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-transient").ok().out().trim()).isEmpty();
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-loaded-session").ok().out().trim()).isEmpty();
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-saved-session").ok().out().trim()).isEmpty();
        }
    }

    /**
     * The forwarder in this JVM (so this JVM is the client process): connections from two threads at once, a new one
     * per command, share this process's upstream — a primary made on one connection is read on another — and each
     * response reaches the connection that asked (GetRandom of two sizes, interleaved); the idle timeout closes the
     * upstream and with it the RM's space (the handle is gone afterwards); {@code --per-connection} mode keeps a
     * space per connection.
     */
    @Test
    void forwarder_oneUpstreamPerProcess_concurrentCallersAndIdleTimeout() throws Exception {
        int rmPort = FreePorts.pair(), local = FreePorts.pair(), local2 = FreePorts.pair();
        TlsClient client = TlsClient.load(new TlsFiles(clientCert, clientKey, caBundle), true);
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        var remote = new dev.jtpm.server.connect.TlsForwarder.Remote("127.0.0.1", rmPort);
        var ctrl = new dev.jtpm.server.connect.TlsForwarder.Remote("127.0.0.1", rmPort + 1);
        byte[] primary = dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.CreatePrimary(
                dev.jtpm.types.TpmRh.OWNER, dev.jtpm.types.structure.TpmsSensitiveCreate.EMPTY,
                dev.jtpm.types.structure.Templates.ECC_P256_SRK, dev.jtpm.types.Bytes.EMPTY,
                new dev.jtpm.types.structure.TpmlPcrSelection(List.of())));
        try (Proc rm = Proc.jtpm(dir.resolve("rm-fwd.log"), "rm", "--backend", "in-process", "--server",
                "type=tls,port=" + rmPort + "," + tlsParams(), "--verbose");
             var fwd = dev.jtpm.server.connect.TlsForwarder.start(new dev.jtpm.server.connect.TlsForwarder.Local.Tcp("127.0.0.1", local),
                     remote, ctrl, client, true, 0, log::add);
             var idle = dev.jtpm.server.connect.TlsForwarder.start(new dev.jtpm.server.connect.TlsForwarder.Local.Tcp("127.0.0.1", local2),
                     remote, ctrl, client, true, 300, log::add)) {
            rm.awaitPort(rmPort + 1);
            byte[] made = once(local, primary);
            assertThat(rc(made)).isZero();
            int handle = java.nio.ByteBuffer.wrap(made, 10, 4).getInt();
            byte[] readPublic = dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.ReadPublic(handle));
            var callers = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int size : new int[] {8, 24}) {
                    done.add(callers.submit(() -> {
                        byte[] random = HexFormat.of().parseHex("80010000000c0000017b00" + String.format("%02x", size));
                        for (int i = 0; i < 100; i++) {
                            byte[] r = once(local, random);
                            assertThat(r.length).isEqualTo(12 + size);
                            assertThat(rc(once(local, readPublic))).isZero(); // the same space: this process's
                        }
                        return null;
                    }));
                }
                for (var f : done) f.get(120, TimeUnit.SECONDS);
            } finally {
                callers.shutdownNow();
            }
            assertThat(rm.log()).doesNotContain("closed and flushed"); // one long-lived upstream so far

            // the idle timeout: the upstream closes, the RM flushes its space, a later command starts a new one
            byte[] made2 = once(local2, primary);
            int handle2 = java.nio.ByteBuffer.wrap(made2, 10, 4).getInt();
            for (int i = 0; i < 1200 && log.stream().noneMatch(l -> l.contains("idle: closed")); i++) Thread.sleep(50);
            assertThat(log).anyMatch(l -> l.contains("idle: closed"));
            for (int i = 0; i < 1200 && !rm.log().contains("(1 objects, 0 sessions) closed and flushed"); i++) Thread.sleep(50);
            assertThat(rm.log()).contains("(1 objects, 0 sessions) closed and flushed");
            byte[] gone = once(local2, dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.ReadPublic(handle2)));
            assertThat(rc(gone)).isEqualTo(dev.jtpm.types.TpmRc.HANDLE.atHandle(1).value());
        }
        // per connection: each command its own space, so the primary is gone on the next connection
        int rmPort2 = FreePorts.pair(), local3 = FreePorts.pair();
        try (Proc rm = Proc.jtpm(dir.resolve("rm-fwd2.log"), "rm", "--backend", "in-process", "--server",
                "type=tls,port=" + rmPort2 + "," + tlsParams());
             var fwd = dev.jtpm.server.connect.TlsForwarder.start(new dev.jtpm.server.connect.TlsForwarder.Local.Tcp("127.0.0.1", local3),
                     new dev.jtpm.server.connect.TlsForwarder.Remote("127.0.0.1", rmPort2),
                     new dev.jtpm.server.connect.TlsForwarder.Remote("127.0.0.1", rmPort2 + 1), client, false, 0, log::add)) {
            rm.awaitPort(rmPort2 + 1);
            byte[] made = once(local3, primary);
            assertThat(rc(made)).isZero();
            int handle = java.nio.ByteBuffer.wrap(made, 10, 4).getInt();
            assertThat(rc(once(local3, dev.jtpm.types.command.CommandBytes.encode(new dev.jtpm.types.command.ReadPublic(handle)))))
                    .isEqualTo(dev.jtpm.types.TpmRc.HANDLE.atHandle(1).value());
        }
    }

    /** One command over a new local connection, as tcti-swtpm sends it. */
    private static byte[] once(int port, byte[] command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000); // hang guard
            s.getOutputStream().write(command);
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(10);
            assertThat(head).hasSize(10);
            int size = java.nio.ByteBuffer.wrap(head, 2, 4).getInt();
            byte[] rsp = java.util.Arrays.copyOf(head, size);
            assertThat(in.readNBytes(rsp, 10, size - 10)).isEqualTo(size - 10);
            return rsp;
        }
    }

    private static int rc(byte[] rsp) { return java.nio.ByteBuffer.wrap(rsp, 6, 4).getInt(); }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    @Test
    void keyNotMatchingTheCertificate_isAOneLineErrorAtStart() throws Exception {
        int port = FreePorts.pair();
        Proc p = Proc.jtpm(dir.resolve("badkey.log"), "socket", "--tpm2", "--server",
                "type=tls,port=" + port + ",cert=" + serverCert + ",key=" + clientKey + ",ca=" + caBundle,
                "--tpmstate", "dir=" + Files.createTempDirectory(dir, "badkey"));
        assertThat(p.awaitExit()).isNotZero();
        assertThat(p.log().strip()).doesNotContain("\n").contains("does not belong to the certificate");
        Proc q = Proc.jtpm(dir.resolve("nofile.log"), "connect", "--to", "127.0.0.1:1", "--cert", dir.resolve("missing.pem").toString(),
                "--key", clientKey.toString(), "--ca", caBundle.toString(), "--listen", "127.0.0.1:" + port);
        assertThat(q.awaitExit()).isNotZero();
        assertThat(q.log().strip()).doesNotContain("\n").contains("missing.pem: no such file");
    }

    @Test
    void opensslMadeCertificates_legacyKeyForms_work() throws Exception {
        Tools.require("openssl");
        Tools.require("tpm2_getrandom");
        Path o = Files.createTempDirectory(dir, "openssl");
        // the docs/tls.md openssl way: a CA, a server certificate with an IP SAN, a client certificate
        ok(o, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "30", "-subj", "/CN=test-ca");
        ok(o, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", "server.key"); // EC PRIVATE KEY (SEC1)
        ok(o, "openssl", "req", "-new", "-key", "server.key", "-subj", "/CN=server", "-out", "server.csr");
        ok(o, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "30", "-out", "server.pem", "-extfile", "/dev/stdin");
        ok(o, "openssl", "genrsa", "-traditional", "-out", "client.key", "2048"); // RSA PRIVATE KEY (PKCS#1)
        ok(o, "openssl", "req", "-new", "-key", "client.key", "-subj", "/CN=client", "-out", "client.csr");
        ok(o, "openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "30", "-out", "client.pem");
        assertThat(Files.readString(o.resolve("server.key"))).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(o.resolve("client.key"))).contains("BEGIN RSA PRIVATE KEY");
        int port = FreePorts.pair();
        String p = "cert=" + o.resolve("server.pem") + ",key=" + o.resolve("server.key") + ",ca=" + o.resolve("ca.pem");
        try (Proc s = Proc.jtpm(o.resolve("server.log"), "socket", "--tpm2", "--server", "type=tls,port=" + port + "," + p,
                "--ctrl", "type=tls,port=" + (port + 1) + "," + p, "--tpmstate", "dir=" + Files.createDirectories(o.resolve("state")),
                "--flags", "not-need-init,startup-clear")) {
            s.awaitPort(port + 1);
            String backend = "--backend swtpm:host=127.0.0.1,port=" + port + ",cert=" + o.resolve("client.pem") + ",key="
                    + o.resolve("client.key") + ",ca=" + o.resolve("ca.pem");
            assertThat(Tools.tpm2("cmd:" + PipeInteropTest.pipe(backend), "tpm2_getrandom", "--hex", "8").ok().out())
                    .matches("[0-9a-f]{16}");
        }
    }

    private static void ok(Path cwd, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    /** A jtpm process (this JVM's java and class path), its output in a log file. */
    static final class Proc implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Proc(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Proc jtpm(Path log, String... args) {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main"));
            cmd.addAll(List.of(args));
            try {
                return new Proc(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The log once it holds one of {@code any}, or as it is after 10 s: the server logs a refused handshake on its
         * handshake thread, which may come after the client has seen the alert.
         */
        String awaitLog(String... any) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                String text = log();
                for (String a : any) if (text.contains(a)) return text;
                if (System.nanoTime() > end) return text;
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return log();
                }
            }
        }

        void awaitPort(int port) {
            await(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }

        void awaitFile(Path p) { await(() -> Files.exists(p)); }

        private void await(java.util.function.BooleanSupplier ready) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a hang guard only
            while (!ready.getAsBoolean()) {
                if (!process.isAlive()) throw new IllegalStateException("exited with " + process.exitValue() + ": " + log());
                if (System.nanoTime() > end) throw new IllegalStateException("not ready: " + log());
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        /** SIGKILL, and waits for the exit. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("did not exit: " + log());
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
