package dev.jtpm.server.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.ServerLog;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Sign;
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
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuSignature;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load on a {@code jtpm host} (issue 15, item 3, the host half): N instances, 100 concurrent clients, each owning N/100
 * instances; every client makes an ECDSA P-256 primary in each of its instances (each instance has its own seeds, so
 * its own key) and then signs random digests round-robin over them, verifying every signature with the public key it
 * got from that instance: a response crossed between instances or connections, or lost, fails verification or the
 * count. Also: heap after the load (after GC) against heap with the instances idle, and platform threads: at most
 * one per open data connection at the peak, and (in the documented run, or with {@code -Djtpm.load.drain=true}) back
 * to where they were once the connection pool's keep-alive has passed.
 *
 * <p>Size: {@code -Djtpm.load.instances=1000 -Djtpm.load.commands=100000} for the documented run; the suite runs 100
 * instances and 5,000 signatures.
 */
class HostLoadTest {
    private static final int CLIENTS = 100;
    @TempDir Path dir;

    private static TpmtPublic signer() {
        return TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                        TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                        TpmtKdfScheme.NULL));
    }

    private static PublicKey p256(TpmsEccPoint q) throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        ECPoint w = new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray()));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    }

    private static byte[] p1363(Bytes r, Bytes s) {
        byte[] out = new byte[64];
        byte[] rb = r.toArray(), sb = s.toArray();
        System.arraycopy(rb, 0, out, 32 - rb.length, rb.length);
        System.arraycopy(sb, 0, out, 64 - sb.length, sb.length);
        return out;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** One instance as a client sees it: its transport, its key handle and public key. */
    private record Target(SwtpmSocketTransport tpm, int key, PublicKey publicKey) {}

    @Test
    void manyInstances_concurrentClients_everySignatureVerifies_noCrossedResponse_boundedHeapAndThreads() throws Exception {
        int instances = Integer.getInteger("jtpm.load.instances", 100);
        int commands = Integer.getInteger("jtpm.load.commands", 5_000);
        InstanceHost host = InstanceHost.open(dir.resolve("host"), new InstanceHost.Endpoints.Sockets(dir.resolve("s")),
                ServerLog.NONE);
        var threads = ManagementFactory.getThreadMXBean();
        try {
            long t0 = System.nanoTime();
            List<Path> sockets = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                var info = host.create("vm" + i, null);
                sockets.add(((ChannelSpec.UnixIo) info.server()).path());
            }
            long created = System.nanoTime() - t0;
            long idleHeap = usedHeapAfterGc();
            int threadsBefore = threads.getThreadCount();
            AtomicLong signed = new AtomicLong(), failures = new AtomicLong();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            long t1 = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                final int client = c;
                clients.add(Thread.ofVirtual().start(() -> {
                    List<Target> mine = new ArrayList<>();
                    SecureRandom rnd = new SecureRandom();
                    try {
                        for (int i = client; i < instances; i += CLIENTS) {
                            Path data = sockets.get(i);
                            Path ctrl = data.resolveSibling(data.getFileName().toString().replaceAll("\\.sock$", ".ctrl"));
                            SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Unix(data), new Endpoint.Unix(ctrl));
                            CreatePrimary cp = new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, signer(), Bytes.EMPTY,
                                    new TpmlPcrSelection(List.of()));
                            var r = CommandBytes.decode(cp, t.execute(CommandBytes.encode(cp), 0)).orThrow();
                            mine.add(new Target(t, r.objectHandle(), p256((TpmsEccPoint) r.outPublic().unique())));
                        }
                        int share = commands / CLIENTS + (client < commands % CLIENTS ? 1 : 0);
                        for (int n = 0; n < share && !mine.isEmpty(); n++) {
                            Target x = mine.get(n % mine.size());
                            byte[] digest = new byte[32];
                            rnd.nextBytes(digest);
                            Sign sign = new Sign(x.key(), Bytes.wrap(digest), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256),
                                    TpmtTkHashcheck.nullTicket());
                            var s = CommandBytes.decode(sign, x.tpm().execute(CommandBytes.encode(sign), 0));
                            if (!s.ok()) {
                                problems.add("Sign: " + s.rc());
                                failures.incrementAndGet();
                                continue;
                            }
                            var ecc = (TpmuSignature.Ecc) s.response().signature().signature();
                            Signature v = Signature.getInstance("NONEwithECDSAinP1363Format");
                            v.initVerify(x.publicKey());
                            v.update(digest);
                            if (v.verify(p1363(ecc.signatureR(), ecc.signatureS()))) signed.incrementAndGet();
                            else {
                                problems.add("a signature that does not verify with the instance's key");
                                failures.incrementAndGet();
                            }
                        }
                        for (Target x : mine) {
                            CommandBytes.decode(new FlushContext(x.key()), x.tpm().execute(CommandBytes.encode(new FlushContext(x.key())), 0));
                            x.tpm().close();
                        }
                    } catch (Exception e) {
                        problems.add(e.toString());
                        failures.incrementAndGet();
                    }
                }));
            }
            int peakThreads = threadsBefore;
            for (Thread t : clients) {
                while (!t.join(java.time.Duration.ofMillis(200))) peakThreads = Math.max(peakThreads, threads.getThreadCount());
            }
            long ran = System.nanoTime() - t1;
            long loadedHeap = usedHeapAfterGc();
            int threadsAfter = threads.getThreadCount();
            System.out.printf("HostLoadTest: %d instances created in %.1f s; %d clients, %d signatures verified in %.1f s "
                            + "(%.0f/s), %d failures; heap idle %.1f MB, after the load %.1f MB; platform threads %d before, "
                            + "peak %d, %d after%n", instances, created / 1e9, CLIENTS, signed.get(), ran / 1e9,
                    signed.get() / (ran / 1e9), failures.get(), idleHeap / 1e6, loadedHeap / 1e6, threadsBefore, peakThreads,
                    threadsAfter);
            assertThat(problems).isEmpty();
            assertThat(signed.get()).as("every signature asked for came back and verified").isEqualTo(commands);
            assertThat(loadedHeap - idleHeap).as("heap growth after the load, bytes").isLessThan(64L << 20);
            // one pooled platform thread serves each open data connection (every client keeps one per instance it owns)
            assertThat(peakThreads - threadsBefore).as("platform threads added at the peak").isLessThanOrEqualTo(instances + 8);
            if (instances >= 1000 || Boolean.getBoolean("jtpm.load.drain")) {
                // the idle pooled threads end after their keep-alive (60 s): then nothing of the load is left
                int left = threads.getThreadCount();
                for (int i = 0; i < 180 && left > threadsBefore + 8; i++) {
                    Thread.sleep(500);
                    left = threads.getThreadCount();
                }
                System.out.printf("HostLoadTest: %d platform threads once the pool's keep-alive passed%n", left);
                assertThat(left - threadsBefore).as("platform threads left after the keep-alive").isLessThanOrEqualTo(8);
            }
        } finally {
            host.close();
        }
    }
}
