package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real {@code jtpm socket} without {@code --tpm2}, SIGKILLed 15 times while a client writes a sequence number to an
 * NV index and increments a monotonic counter: after every restart the owner is there, the NV index holds the last
 * acknowledged number (or the one in flight), and the counter is never below its last acknowledged value.
 */
@Timeout(600)
class Tpm12KillTest {
    private static final int KILLS = 15;

    private static Process start(Path dir, int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "socket",
                "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1", "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--tpmstate", "dir=" + dir, "--flags", "not-need-init,startup-clear")
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
    }

    @Test
    void sigkillDuringNvWritesAndIncrements_losesNothingAcknowledged() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-tpm12-kill");
        byte[] owner = new byte[20], counterAuth = new byte[20];
        AtomicLong ackNv = new AtomicLong(-1), ackCounter = new AtomicLong(-1);
        Random rnd = new Random(17);
        int checked = 0;
        for (int round = 0; round <= KILLS; round++) {
            int port = FreePorts.pair();
            Process p = start(dir, port);
            try {
                CrashSafetyTest.awaitPort(port, p);
                try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                    Tpm12Client c = new Tpm12Client(t, new Random(round));
                    if (round == 0) {
                        Tpm12Client.Response ek = c.createEndorsementKeyPair();
                        RSAPublicKey ekPub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
                        assertThat(c.takeOwnership(ekPub, owner, owner).rc()).isZero();
                        byte[] noPcrs = params((short) 3, new byte[3], (byte) 0x1f, new byte[20]);
                        assertThat(c.send(Ordinal.NV_DefineSpace, params(params((short) 0x18, 0x20, noPcrs, noPcrs, (short) 0x17, 0x20002,
                                false, false, false, 8), new byte[20])).rc()).isZero();
                        Tpm12Client.Session s = c.osap(2, 0x40000001, owner);
                        Tpm12Client.Response cr = c.auth1(Ordinal.CreateCounter, new byte[0],
                                params(Tpm12Client.encAuth(s, counterAuth, Tpm12Client.nonceEven(s)), "KILL".getBytes()), s, null, false);
                        assertThat(cr.rc()).isZero();
                    } else {
                        assertThat(c.send(Ordinal.GetCapability, params(5, 4, 0x111)).body()[4]).as("owner after kill %d", round).isEqualTo((byte) 1);
                        long nv = ByteBuffer.wrap(c.send(Ordinal.NV_ReadValue, params(0x20, 0, 8)).body(), 4, 8).getLong();
                        assertThat(nv).as("NV after kill %d", round).isIn(ackNv.get(), ackNv.get() + 1);
                        ackNv.set(nv);
                        Tpm12Client.Response counter = c.send(Ordinal.ReadCounter, params(0));
                        long value = Integer.toUnsignedLong(ByteBuffer.wrap(counter.body(), 6, 4).getInt());
                        assertThat(value).as("counter after kill %d", round).isGreaterThanOrEqualTo(ackCounter.get());
                        ackCounter.set(value);
                        checked++;
                    }
                }
                if (round == KILLS) break;
                Thread client = Thread.ofVirtual().start(() -> {
                    try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                        Tpm12Client c = new Tpm12Client(t, new Random());
                        while (true) {
                            long next = ackNv.get() + 1;
                            if (c.send(Ordinal.NV_WriteValue, params(0x20, 0, 8, ByteBuffer.allocate(8).putLong(next).array())).rc() != 0) return;
                            ackNv.set(next);
                            Tpm12Client.Response r = c.auth1(Ordinal.IncrementCounter, new byte[0], params(0), c.oiap(), counterAuth, false);
                            if (r.rc() != 0) return;
                            ackCounter.set(Integer.toUnsignedLong(ByteBuffer.wrap(r.body(), 6, 4).getInt()));
                        }
                    } catch (IOException expected) {
                        // the kill
                    }
                });
                Thread.sleep(100 + rnd.nextInt(600));
                p.destroyForcibly();
                client.join();
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(checked).isEqualTo(KILLS);
        assertThat(ackNv.get()).as("writes acknowledged").isGreaterThan(KILLS);
        System.out.printf("Tpm12KillTest: %d kills, NV sequence at %d, counter at %d%n", KILLS, ackNv.get(), ackCounter.get());
    }
}
