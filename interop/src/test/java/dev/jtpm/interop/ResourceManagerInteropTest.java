package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.SignResponse;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuSignature;
import dev.jtpm.wire.BigEndian;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm rm} as a separate process in front of jtpm (in-process, and a {@code jtpm socket}) and the real swtpm:
 * tpm2-tools through {@code -T swtpm:} with no abrmd — five primaries, a key, a signature openssl verifies, four
 * sessions (the bare TPM stops at three); 20 concurrent Java clients in create → load → sign → flush and session
 * loops, every ECDSA signature verified by the JDK with the key that client made; nothing left in the backend after
 * (the RM is killed with SIGKILL first, so it cannot clean up on its way out); a client process killed mid-sequence
 * leaves nothing; another connection's guessed handles are refused.
 */
class ResourceManagerInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA, TpmaObject.SIGN_ENCRYPT);
    private static final TpmtPublic ECDSA_P256 = TpmtPublic.of(TpmAlg.SHA256, SIGNER, Bytes.EMPTY,
            new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                    TpmtKdfScheme.NULL));

    /** A {@code jtpm rm} process (this JVM's class path), on a free port pair (data P, control P+1). */
    static final class RmProcess implements AutoCloseable {
        final Process process;
        final int port;
        final Path log;

        RmProcess(String backend) {
            port = FreePorts.pair();
            try {
                log = Files.createTempFile("jtpm-rm", ".log");
                process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "rm", "--backend", backend, "--server",
                        "type=tcp,port=" + port, "--verbose").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < 400; i++) {
                try (Socket s = new Socket("127.0.0.1", port + 1)) {
                    return;
                } catch (IOException e) {
                    sleep(25);
                }
                if (!process.isAlive()) break;
            }
            throw new IllegalStateException("jtpm rm did not start: " + logText());
        }

        String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

        String logText() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }

        int count(String what) { return countRegex(Pattern.quote(what)); }

        int countRegex(String regex) {
            Matcher m = Pattern.compile(regex).matcher(logText());
            int n = 0;
            while (m.find()) n++;
            return n;
        }

        /** Waits until every space kept for an exited tpm2-tools process has been flushed. */
        void awaitProcessSpacesReleased() {
            String released = "of process \\d+ released";
            for (int i = 0; i < 400 && count("kept for process") > countRegex(released); i++) sleep(50);
            assertThat(countRegex(released)).as(logText()).isEqualTo(count("kept for process")).isPositive();
        }

        /** SIGKILL: whatever the backend still holds now, the RM left there. */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() { kill(); }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The backend a test stands the RM in front of. */
    record Backend(String spec, String tcti, AutoCloseable server) implements AutoCloseable {
        static Backend of(String kind) {
            return switch (kind) {
                case "in-process" -> new Backend("in-process", null, null);
                case "jtpm" -> {
                    JtpmServer s = JtpmServer.started(Protocol.SWTPM);
                    yield new Backend("swtpm:host=127.0.0.1,port=" + s.port(), s.tcti(), s);
                }
                case "swtpm" -> {
                    SwtpmReference s = new SwtpmReference();
                    yield new Backend("swtpm:host=127.0.0.1,port=" + s.port(), s.tcti(), s);
                }
                default -> throw new IllegalArgumentException(kind);
            };
        }

        @Override
        public void close() throws Exception {
            if (server != null) server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "jtpm", "swtpm"})
    void tpm2Tools_moreKeysAndSessionsThanTheTpmHolds_throughTheRm(String kind) throws Exception {
        Tools.require("tpm2_createprimary");
        Tools.require("openssl");
        if (kind.equals("swtpm")) Tools.require("swtpm");
        Path d = Files.createTempDirectory("jtpm-rm-tools");
        try (Backend backend = Backend.of(kind)) {
            if (backend.tcti() != null) {
                // the bare TPM: tpm2_createprimary leaves its primary loaded, and the fourth finds no slot
                for (int i = 0; i < 3; i++) Tools.tpm2(backend.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc256").ok();
                Tools.Run fourth = Tools.tpm2(backend.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc256");
                assertThat(fourth.err()).as("bare " + kind).contains("0x902");
                Tools.tpm2(backend.tcti(), "tpm2_flushcontext", "-t").ok();
            }
            try (RmProcess rm = new RmProcess(backend.spec())) {
                String t = rm.tcti();
                for (int i = 0; i < 5; i++) {
                    Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-G", "ecc256", "-c", d.resolve("p" + i + ".ctx").toString()).ok();
                }
                for (int i = 0; i < 5; i++) {
                    Tools.tpm2(t, "tpm2_readpublic", "-c", d.resolve("p" + i + ".ctx").toString()).ok();
                }
                String p = d.resolve("p0.ctx").toString();
                Tools.tpm2(t, "tpm2_create", "-C", p, "-G", "ecc256", "-u", d.resolve("k.pub").toString(), "-r",
                        d.resolve("k.priv").toString()).ok();
                Tools.tpm2(t, "tpm2_load", "-C", p, "-u", d.resolve("k.pub").toString(), "-r", d.resolve("k.priv").toString(),
                        "-c", d.resolve("k.ctx").toString()).ok();
                Path msg = Files.writeString(d.resolve("msg"), "signed through jtpm rm");
                Tools.tpm2(t, "tpm2_sign", "-c", d.resolve("k.ctx").toString(), "-g", "sha256", "-f", "plain", "-o",
                        d.resolve("sig").toString(), msg.toString()).ok();
                Tools.tpm2(t, "tpm2_readpublic", "-c", d.resolve("k.ctx").toString(), "-f", "pem", "-o",
                        d.resolve("k.pem").toString()).ok();
                Tools.Run verify = Tools.run(java.util.Map.of(), null, "openssl", "dgst", "-sha256", "-verify",
                        d.resolve("k.pem").toString(), "-signature", d.resolve("sig").toString(), msg.toString());
                assertThat(verify.out()).as(verify.err()).contains("Verified OK");
                // four sessions, each saved to a file by one process and used by another
                for (int i = 0; i < 4; i++) Tools.tpm2(t, "tpm2_startauthsession", "-S", d.resolve("s" + i + ".ctx").toString()).ok();
                for (int i = 0; i < 4; i++) {
                    Tools.tpm2(t, "tpm2_policypcr", "-S", d.resolve("s" + i + ".ctx").toString(), "-l", "sha256:0", "-L",
                            d.resolve("pol" + i).toString()).ok();
                }
                for (int i = 0; i < 4; i++) Tools.tpm2(t, "tpm2_flushcontext", d.resolve("s" + i + ".ctx").toString()).ok();
                assertThat(Tools.tpm2(t, "tpm2_getcap", "handles-transient").ok().out().trim()).isEmpty();
                rm.awaitProcessSpacesReleased();
                rm.kill();
            }
            if (backend.tcti() != null) {
                assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-transient").ok().out().trim()).as(kind).isEmpty();
                assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-loaded-session").ok().out().trim()).as(kind).isEmpty();
                assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-saved-session").ok().out().trim()).as(kind).isEmpty();
            }
        }
    }

    /** One client's loops; returns how many signatures it verified. */
    static int clientLoops(int port, int client, int rounds) throws Exception {
        try (TpmDevice tpm = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            int parent = handle(tpm.execute(CommandBytes.encode(new CreatePrimary(TpmRh.OWNER,
                    new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(new byte[] {(byte) client})), Templates.ECC_P256_SRK, Bytes.EMPTY,
                    new TpmlPcrSelection(List.of()))), 0));
            int verified = 0;
            for (int r = 0; r < rounds; r++) {
                CreateResponse made = CommandBytes.decode(CreateResponse.class, tpm.execute(CommandBytes.encode(new Create(parent,
                        TpmsSensitiveCreate.EMPTY, ECDSA_P256, Bytes.EMPTY, new TpmlPcrSelection(List.of()))), 0)).orThrow();
                int key = handle(tpm.execute(CommandBytes.encode(new Load(parent, made.outPrivate(), made.outPublic())), 0));
                byte[] data = ("client " + client + " round " + r).getBytes(StandardCharsets.US_ASCII);
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
                TpmuSignature.Ecc sig = (TpmuSignature.Ecc) CommandBytes.decode(SignResponse.class, tpm.execute(CommandBytes.encode(
                        new Sign(key, Bytes.wrap(digest), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket())),
                        0)).orThrow().signature().signature();
                Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
                v.initVerify(jdkKey((TpmsEccPoint) made.outPublic().unique()));
                v.update(data);
                byte[] rs = new byte[64];
                byte[] rr = sig.signatureR().toArray(), ss = sig.signatureS().toArray();
                System.arraycopy(rr, 0, rs, 32 - rr.length, rr.length);
                System.arraycopy(ss, 0, rs, 64 - ss.length, ss.length);
                assertThat(v.verify(rs)).as("client %d round %d", client, r).isTrue();
                verified++;
                assertThat(rc(tpm.execute(CommandBytes.encode(new FlushContext(key)), 0))).isZero();
                // the session loop: two policy sessions alive at once, used, flushed
                int s1 = startSession(tpm);
                int s2 = startSession(tpm);
                assertThat(rc(tpm.execute(CommandBytes.encode(new PolicyCommandCode(s1, 0x15D)), 0))).isZero();
                assertThat(rc(tpm.execute(CommandBytes.encode(new PolicyGetDigest(s2)), 0))).isZero();
                assertThat(rc(tpm.execute(CommandBytes.encode(new PolicyGetDigest(s1)), 0))).isZero();
                assertThat(rc(tpm.execute(CommandBytes.encode(new FlushContext(s1)), 0))).isZero();
                assertThat(rc(tpm.execute(CommandBytes.encode(new FlushContext(s2)), 0))).isZero();
            }
            assertThat(rc(tpm.execute(CommandBytes.encode(new FlushContext(parent)), 0))).isZero();
            for (int range : new int[] {0x80000000, 0x02000000, 0x03000000}) {
                byte[] cap = tpm.execute(CommandBytes.encode(new GetCapability(1, range, 64)), 0);
                assertThat(BigEndian.u32(cap, 15)).as("client %d's handles at the end", client).isZero();
            }
            return verified;
        }
    }

    /**
     * StartAuthSession, waiting while the TPM's active sessions are all taken (TPM_RC_SESSION_HANDLES: 64 on jtpm and
     * libtpms, a limit of the TPM that no resource manager lifts — 50 clients with two sessions each reach it).
     */
    static int startSession(TpmDevice tpm) throws Exception {
        for (int attempt = 0; ; attempt++) {
            byte[] rsp = tpm.execute(policySession(), 0);
            if (rc(rsp) != TpmRc.SESSION_HANDLES.value() || attempt > 2000) return handle(rsp);
            Thread.sleep(5);
        }
    }

    static byte[] policySession() {
        return CommandBytes.encode(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(new byte[16]), Bytes.EMPTY, 0x01,
                TpmtSymDef.NULL, TpmAlg.SHA256));
    }

    static int rc(byte[] rsp) { return BigEndian.u32(rsp, 6); }

    static int handle(byte[] rsp) {
        assertThat(rc(rsp)).as("rc 0x%x", rc(rsp)).isZero();
        return BigEndian.u32(rsp, 10);
    }

    static ECPublicKey jdkKey(TpmsEccPoint q) throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())), spec));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jtpm", "swtpm"})
    void twentyConcurrentClients_everySignatureVerifies_nothingLeft(String kind) throws Exception {
        if (kind.equals("swtpm")) Tools.require("swtpm");
        // the longer run of docs/resource-manager.md: JTPM_RM_CLIENTS=50 JTPM_RM_ROUNDS=100
        int clients = Integer.parseInt(System.getenv().getOrDefault("JTPM_RM_CLIENTS", "20"));
        int rounds = Integer.parseInt(System.getenv().getOrDefault("JTPM_RM_ROUNDS", "4"));
        try (Backend backend = Backend.of(kind); RmProcess rm = new RmProcess(backend.spec())) {
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> clientLoops(rm.port, client, rounds)));
            }
            int verified = 0;
            for (Future<Integer> f : done) verified += f.get(10, TimeUnit.MINUTES); // a hang guard, not a bound
            pool.shutdown();
            assertThat(verified).isEqualTo(clients * rounds);
            System.out.printf("jtpm rm in front of %s: %d clients x %d rounds, %d signatures verified in %.1f s%n", kind, clients,
                    rounds, verified, (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < 200 && rm.count("closed and flushed") < clients; i++) sleep(50);
            rm.kill();
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-transient").ok().out().trim()).isEmpty();
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-loaded-session").ok().out().trim()).isEmpty();
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-saved-session").ok().out().trim()).isEmpty();
        }
    }

    @Test
    void killedClientProcess_leavesNothing_andItsHandlesAreRefusedToOthers() throws Exception {
        Tools.require("python3");
        try (Backend backend = Backend.of("jtpm"); RmProcess rm = new RmProcess(backend.spec())) {
            String script = """
                    import socket, sys, time
                    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                    def take(n):
                        b = b""
                        while len(b) < n:
                            c = s.recv(n - len(b))
                            if not c: raise SystemExit(1)
                            b += c
                        return b
                    for cmd in sys.argv[2:]:
                        s.sendall(bytes.fromhex(cmd))
                        head = take(10)
                        print((head + take(int.from_bytes(head[2:6], "big") - 10)).hex(), flush=True)
                    time.sleep(600)
                    """;
            byte[] primary = CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK,
                    Bytes.EMPTY, new TpmlPcrSelection(List.of())));
            Process client = new ProcessBuilder("python3", "-c", script, Integer.toString(rm.port), HEX.formatHex(primary),
                    HEX.formatHex(primary), HEX.formatHex(policySession())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            int obj1 = handle(HEX.parseHex(out.readLine()));
            int obj2 = handle(HEX.parseHex(out.readLine()));
            int session = handle(HEX.parseHex(out.readLine()));
            try (TpmDevice other = SwtpmSocketTransport.tcp("127.0.0.1", rm.port)) {
                assertThat(rc(other.execute(CommandBytes.encode(new ReadPublic(obj1)), 0))).isEqualTo(TpmRc.HANDLE.atHandle(1).value());
                assertThat(rc(other.execute(CommandBytes.encode(new ReadPublic(obj2)), 0))).isEqualTo(TpmRc.HANDLE.atHandle(1).value());
                assertThat(rc(other.execute(CommandBytes.encode(new PolicyGetDigest(session)), 0))).isEqualTo(TpmRc.REFERENCE_H0.value());
                assertThat(rc(other.execute(CommandBytes.encode(new FlushContext(obj1)), 0))).isEqualTo(TpmRc.HANDLE.atParameter(1).value());
                // the backend's real handles are no better: nothing is loaded there between commands
                for (int real = 0x80000000; real < 0x80000004; real++) {
                    assertThat(rc(other.execute(CommandBytes.encode(new ReadPublic(real)), 0))).isNotZero();
                }
                client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                for (int i = 0; i < 200 && rm.count("(2 objects, 1 sessions) closed and flushed") == 0; i++) sleep(50);
                assertThat(rm.logText()).contains("(2 objects, 1 sessions) closed and flushed");
            }
            rm.kill();
            assertThat(Tools.tpm2(backend.tcti(), "tpm2_getcap", "handles-transient").ok().out().trim()).isEmpty();
            // jtpm lists loaded sessions only: whether the saved one is gone, a direct flush tells
            try (TpmDevice direct = SwtpmSocketTransport.tcp("127.0.0.1", ((JtpmServer) backend.server()).port())) {
                assertThat(rc(direct.execute(CommandBytes.encode(new FlushContext(session)), 0))).isNotZero();
            }
        }
    }
}
