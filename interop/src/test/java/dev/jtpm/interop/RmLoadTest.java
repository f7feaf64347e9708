package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.SocketServerProcess.Kind;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.server.rm.RmOptions;
import dev.jtpm.server.rm.RmOver;
import dev.jtpm.server.rm.RmServer;
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
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 100 concurrent clients through {@code jtpm rm} (this JVM), each with its own connection, so its own space: it makes
 * a storage primary and an ECDSA P-256 key of its own (random private part), then signs digests of its own text —
 * alternately with a password and with a policy session it starts, satisfies (PolicyCommandCode(Sign), the key's
 * authPolicy) and ends with the Sign itself (continueSession clear). At most one session per client is active at a
 * time; 100 clients still exceed the TPM's 64 active sessions, and StartAuthSession's TPM_RC_SESSION_HANDLES is
 * retried after a pause, as docs/resource-manager.md says a client must (TPM_RC_CONTEXT_GAP and TPM_RC_RETRY too,
 * should they reach a client). Every signature is verified with that client's own public key over that client's own
 * digest — a response crossed between spaces fails, a lost one hangs the client (the join is a hang guard) or misses
 * the count. Afterwards: the RM's heap (after GC) within a margin of what it was before the load, its platform threads
 * back to the start level, no space left, and the backend — asked directly, not through the RM — holding no transient
 * object and no session.
 *
 * <p>Commands in all: {@code -Djtpm.rm.load.commands=N} or {@code JTPM_RM_LOAD_COMMANDS} (default 5,000: 100
 * clients × 50; the long run of docs/robustness.md is 100,000). In front of the in-process engine, a {@code jtpm
 * socket} process and swtpm 0.7.1 (the reference); {@code -Djtpm.rm.load.backend=in-process|jtpm-socket-process|swtpm}
 * (or {@code JTPM_RM_LOAD_BACKEND}) runs one of them.
 */
class RmLoadTest {
    private static final int CLIENTS = 100;
    private static final int CC_SIGN = 0x15D;
    private static final int CC_POLICY_COMMAND_CODE = 0x16C;
    private static final long HEAP_MARGIN = 16L << 20;
    /** The key's authPolicy: PolicyCommandCode(TPM_CC_Sign) from a zero digest. */
    private static final byte[] SIGN_POLICY = sha256(new byte[32], BigEndian.of32(CC_POLICY_COMMAND_CODE), BigEndian.of32(CC_SIGN));
    private static final TpmtPublic SIGNER = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA, TpmaObject.SIGN_ENCRYPT), Bytes.wrap(SIGN_POLICY),
            new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL));
    /** Offsets in Sign's command with one password session: the session handle and its attributes octet. */
    private static final int SIGN_SESSION_HANDLE = 18, SIGN_SESSION_ATTRIBUTES = 24;

    /** What all clients counted. */
    static final class Counts {
        final AtomicLong commands = new AtomicLong();
        final AtomicLong signatures = new AtomicLong();
        final AtomicLong policySignatures = new AtomicLong();
        final Map<String, AtomicInteger> retries = new ConcurrentHashMap<>();

        void retried(int rc) { retries.computeIfAbsent(String.format("0x%03X", rc), k -> new AtomicInteger()).incrementAndGet(); }

        String retriesText() {
            return new TreeMap<>(retries).toString();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "jtpm-socket-process", "swtpm"})
    void hundredClients_everySignatureVerifies_nothingLeaks(String kind) throws Exception {
        String only = System.getProperty("jtpm.rm.load.backend", System.getenv().getOrDefault("JTPM_RM_LOAD_BACKEND", ""));
        Assumptions.assumeTrue(only.isEmpty() || only.equals(kind), "only " + only + " asked for");
        if (kind.equals("swtpm")) Tools.require("swtpm");
        int total = Integer.getInteger("jtpm.rm.load.commands",
                Integer.parseInt(System.getenv().getOrDefault("JTPM_RM_LOAD_COMMANDS", "5000")));
        int perClient = Math.max(12, total / CLIENTS);
        try (Target target = Target.of(kind)) {
            int port = FreePorts.pair();
            RmServer.Config config = RmOptions.parse("type=tcp,port=" + port + ",bindaddr=127.0.0.1", null, 16, 8,
                    RmOptions.DEFAULT_READ_TIMEOUT_MILLIS, RmOptions.DEFAULT_BACKEND_TIMEOUT_MILLIS);
            RmServer rm = RmOver.start(target.backend(), config);
            try {
                // warm-up: the backend opened, every code path once, the JDK's crypto and the virtual-thread carriers started
                Counts warm = new Counts();
                List<Thread> warmers = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int client = -1 - c;
                    warmers.add(Thread.ofVirtual().start(() -> client(port, client, 12, warm)));
                }
                for (Thread t : warmers) t.join(600_000); // a hang guard, not a bound
                awaitNoSpaces(rm);
                long heapBefore = heapAfterGc();
                int threadsBefore = settledPlatformThreads(Integer.MAX_VALUE);

                Counts counts = new Counts();
                List<Throwable> failures = new ArrayList<>();
                long t0 = System.nanoTime();
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(Thread.ofPlatform().name("rm-load-client-" + c).start(() -> {
                        try {
                            client(port, client, perClient, counts);
                        } catch (Throwable e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                int peakThreads = 0;
                long guard = System.nanoTime() + 3_600_000_000_000L; // a hang guard (a lost response blocks its client), not a bound
                for (Thread t : clients) {
                    while (t.isAlive()) {
                        peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                        t.join(200);
                        if (System.nanoTime() > guard) {
                            throw new AssertionError("clients still waiting for a response after an hour: "
                                    + clients.stream().filter(Thread::isAlive).map(Thread::getName).toList());
                        }
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertThat(failures).as("client failures").isEmpty();
                awaitNoSpaces(rm);
                long heapAfter = heapAfterGc();
                int threadsAfter = settledPlatformThreads(threadsBefore);
                System.out.printf("RmLoadTest in front of %s: %d clients, %,d commands (%,d signatures, %,d with a policy session) "
                        + "verified in %.1f s (%,.0f commands/s); retried %s; heap after GC %.1f -> %.1f MB; platform threads %d / "
                        + "peak %d / %d%n", kind, CLIENTS, counts.commands.get(), counts.signatures.get(), counts.policySignatures.get(),
                        seconds, counts.commands.get() / seconds, counts.retriesText(), heapBefore / 1e6, heapAfter / 1e6,
                        threadsBefore, peakThreads, threadsAfter);

                assertThat(counts.commands.get()).isEqualTo((long) CLIENTS * perClient);
                assertThat(counts.policySignatures.get()).isPositive().isLessThan(counts.signatures.get());
                assertThat(heapAfter).as("heap after GC, before %d bytes", heapBefore).isLessThan(heapBefore + HEAP_MARGIN);
                assertThat(threadsAfter).as(threadNames()).isLessThanOrEqualTo(threadsBefore);
                assertThat(rm.rm().spaces()).isEmpty();
                // the backend itself, not the RM's emulated answer: the engine in this process at once; a server after the
                // RM has let go of it (swtpm serves one connection at a time; closing the RM flushes nothing more: no space is left)
                if (target.server() == null) {
                    assertNothingLeft(target.backend(), kind);
                } else {
                    rm.close();
                    try (TpmDevice direct = SwtpmSocketTransport.tcp("127.0.0.1", target.port())) {
                        assertNothingLeft(direct, kind);
                    }
                }
            } finally {
                rm.close();
            }
        }
    }

    /**
     * One client on its own connection: {@code commands} commands exactly (retried answers not counted), every
     * signature verified with its own key.
     */
    static void client(int port, int client, int commands, Counts counts) {
        try (TpmDevice tpm = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            Exchange x = new Exchange(tpm, counts);
            int parent = handle(x.send(CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY,
                    Secret.of(("client " + client).getBytes(StandardCharsets.US_ASCII))), Templates.ECC_P256_SRK, Bytes.EMPTY,
                    new TpmlPcrSelection(List.of())))));
            CreateResponse made = CommandBytes.decode(CreateResponse.class, x.send(CommandBytes.encode(new Create(parent,
                    TpmsSensitiveCreate.EMPTY, SIGNER, Bytes.EMPTY, new TpmlPcrSelection(List.of()))))).orThrow();
            int key = handle(x.send(CommandBytes.encode(new Load(parent, made.outPrivate(), made.outPublic()))));
            assertThat(rc(x.send(CommandBytes.encode(new FlushContext(parent))))).isZero();
            ECPublicKey publicKey = ResourceManagerInteropTest.jdkKey((TpmsEccPoint) made.outPublic().unique());
            int budget = commands - 4 - 4; // the four above, FlushContext(key) and three GetCapability below
            for (int round = 0; budget > 0; round++) {
                byte[] data = ("client " + client + " round " + round).getBytes(StandardCharsets.US_ASCII);
                byte[] sign = CommandBytes.encode(new Sign(key, Bytes.wrap(sha256(data)), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256),
                        TpmtTkHashcheck.nullTicket()));
                boolean policy = round % 2 == 1 && budget >= 3;
                if (policy) {
                    int session = handle(x.startPolicySession());
                    assertThat(rc(x.send(CommandBytes.encode(new PolicyCommandCode(session, CC_SIGN))))).isZero();
                    ByteBuffer.wrap(sign).putInt(SIGN_SESSION_HANDLE, session);
                    sign[SIGN_SESSION_ATTRIBUTES] = 0; // continueSession clear: the Sign ends the session
                    budget -= 2;
                }
                byte[] rsp = x.send(sign);
                budget--;
                assertThat(rc(rsp)).as("client %d round %d sign rc", client, round).isZero();
                verify(publicKey, data, CommandBytes.decode(SignResponse.class, rsp).orThrow().signature().signature(), client, round);
                counts.signatures.incrementAndGet();
                if (policy) counts.policySignatures.incrementAndGet();
            }
            assertThat(rc(x.send(CommandBytes.encode(new FlushContext(key))))).isZero();
            for (int range : new int[] {0x80000000, 0x02000000, 0x03000000}) {
                byte[] cap = x.send(CommandBytes.encode(new GetCapability(1, range, 64)));
                assertThat(rc(cap)).isZero();
                assertThat(BigEndian.u32(cap, 15)).as("client %d's handles 0x%08x at the end", client, range).isZero();
            }
        } catch (Exception e) {
            throw new AssertionError("client " + client + ": " + e, e);
        }
    }

    /** One client's exchanges, counted; the warnings a client retries are retried. */
    record Exchange(TpmDevice tpm, Counts counts) {
        byte[] send(byte[] command) throws Exception {
            for (int attempt = 0; ; attempt++) {
                byte[] rsp = tpm.execute(command, 0);
                int rc = rc(rsp);
                // TPM_RC_CONTEXT_GAP (the RM re-saves and retries itself; should it reach a client) and TPM_RC_RETRY
                if ((rc == TpmRc.CONTEXT_GAP.value() || rc == 0x922) && attempt < 100) {
                    counts.retried(rc);
                    Thread.sleep(5);
                    continue;
                }
                counts.commands.incrementAndGet();
                return rsp;
            }
        }

        /** StartAuthSession (policy), waiting while the TPM's active sessions are all taken (TPM_RC_SESSION_HANDLES). */
        byte[] startPolicySession() throws Exception {
            byte[] cmd = CommandBytes.encode(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(new byte[16]), Bytes.EMPTY, 0x01,
                    TpmtSymDef.NULL, TpmAlg.SHA256));
            for (int attempt = 0; ; attempt++) {
                byte[] rsp = tpm.execute(cmd, 0);
                if (rc(rsp) == TpmRc.SESSION_HANDLES.value() && attempt < 10_000) {
                    counts.retried(rc(rsp));
                    Thread.sleep(2);
                    continue;
                }
                return send0(rsp);
            }
        }

        private byte[] send0(byte[] rsp) {
            counts.commands.incrementAndGet();
            return rsp;
        }
    }

    static void verify(ECPublicKey key, byte[] data, TpmuSignature signature, int client, int round) throws Exception {
        TpmuSignature.Ecc sig = (TpmuSignature.Ecc) signature;
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(key);
        v.update(data);
        byte[] rs = new byte[64];
        byte[] r = sig.signatureR().toArray(), s = sig.signatureS().toArray();
        System.arraycopy(r, 0, rs, 32 - r.length, r.length);
        System.arraycopy(s, 0, rs, 64 - s.length, s.length);
        assertThat(v.verify(rs)).as("client %d round %d: signature over its own digest with its own key", client, round).isTrue();
    }

    static void assertNothingLeft(TpmDevice backend, String kind) throws Exception {
        for (int range : new int[] {0x80000000, 0x02000000, 0x03000000}) {
            byte[] cap = backend.execute(CommandBytes.encode(new GetCapability(1, range, 64)), 0);
            assertThat(rc(cap)).isZero();
            assertThat(BigEndian.u32(cap, 15)).as("%s handles 0x%08x left in the backend", kind, range).isZero();
        }
    }

    /** The TPM the RM stands in front of: the backend the RM uses, and the server process (null: in this process) and its port. */
    record Target(Backend backend, AutoCloseable server, int port) implements AutoCloseable {
        static Target of(String kind) throws Exception {
            return switch (kind) {
                case "in-process" -> new Target(BackendSpec.parse("--backend", "in-process").open(), null, -1);
                case "jtpm-socket-process", "swtpm" -> {
                    Path dir = Files.createTempDirectory("jtpm-rm-load");
                    SocketServerProcess p = new SocketServerProcess(kind.equals("swtpm") ? Kind.SWTPM : Kind.JTPM, dir,
                            "not-need-init,startup-clear");
                    String spec = p.tcti(); // swtpm:host=127.0.0.1,port=P
                    yield new Target(BackendSpec.parse("--backend", spec).open(), p, Integer.parseInt(spec.substring(spec.lastIndexOf('=') + 1)));
                }
                default -> throw new IllegalArgumentException(kind);
            };
        }

        @Override
        public void close() throws Exception {
            backend.close();
            if (server != null) server.close();
        }
    }

    static void awaitNoSpaces(RmServer rm) throws InterruptedException {
        for (int i = 0; i < 600 && !rm.rm().spaces().isEmpty(); i++) Thread.sleep(50); // the servers' threads close their spaces
        assertThat(rm.rm().spaces()).as("spaces left").isEmpty();
    }

    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The platform thread count once connection threads have ended: waits (a hang guard) until it is at most {@code level}. */
    static int settledPlatformThreads(int level) throws InterruptedException {
        int n = ManagementFactory.getThreadMXBean().getThreadCount();
        for (int i = 0; i < 600 && n > level; i++) {
            Thread.sleep(100);
            n = ManagementFactory.getThreadMXBean().getThreadCount();
        }
        if (level == Integer.MAX_VALUE) { // the start level: stable for a second
            for (int stable = 0; stable < 10; ) {
                Thread.sleep(100);
                int m = ManagementFactory.getThreadMXBean().getThreadCount();
                stable = m == n ? stable + 1 : 0;
                n = m;
            }
        }
        return n;
    }

    static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().collect(Collectors.joining(", "));
    }

    static int rc(byte[] rsp) { return BigEndian.u32(rsp, 6); }

    static int handle(byte[] rsp) {
        assertThat(rc(rsp)).as("rc 0x%x", rc(rsp)).isZero();
        return BigEndian.u32(rsp, 10);
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
