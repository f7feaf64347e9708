package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Tpm12Client.params;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.fuzz.FuzzFrames;
import dev.jtpm.types.TpmDevice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The TPM 1.2 pipeline from an owned TPM (what {@link Tpm12CommandsFuzzTest}, which starts unowned, does not reach):
 * endorsement key made, ownership taken with the well-known secret (owner and SRK), an NV index defined and written.
 * The owned state is made once and every input starts from a copy of it, after TPM_Startup(ST_CLEAR), with the same
 * seeded random generator — so the nonces the TPM hands out are the same on every run, and a recorded client session
 * (OIAP/OSAP, Seal/Unseal, owner-authorized NV and counter commands: {@link #writeSeeds}) replays with valid
 * authorization HMACs, from which the fuzzer mutates. Input: a locality octet, then up to 32 commands framed by their
 * size fields. Contract as {@link Tpm12CommandsFuzzTest}: every answer well formed, never TPM_FAIL, nothing at SEVERE.
 */
class Tpm12OwnedFuzzTest {
    private static final byte[] WELL_KNOWN = new byte[20];
    private static final int NV_INDEX = 5;
    private static Map<StateKind, byte[]> owned;

    /** The owned TPM's stored blobs, made once. */
    private static synchronized Map<StateKind, byte[]> owned() {
        if (owned != null) return owned;
        try {
            NvStore store = NvStore.inMemory();
            Tpm12 tpm = new Tpm12(new Platform(store, () -> 0L, new Random(11)));
            if (!tpm.init()) throw new IllegalStateException("a fresh TPM 1.2 does not start");
            Tpm12Client c = new Tpm12Client(tpm, new Random(12));
            expectOk(c.send(Ordinal.Startup, params((short) 1)), "Startup");
            Tpm12Client.Response ek = c.createEndorsementKeyPair();
            RSAPublicKey ekPub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
            expectOk(c.takeOwnership(ekPub, WELL_KNOWN, WELL_KNOWN), "TakeOwnership");
            byte[] noPcrs = params((short) 3, new byte[3], (byte) 0x1f, new byte[20]);
            byte[] pubInfo = params((short) 0x18, NV_INDEX, noPcrs, noPcrs, (short) 0x17, 0x20002, false, false, false, 16);
            Tpm12Client.Session s = c.osap(0x0002, 0x40000001, WELL_KNOWN); // TPM_ET_OWNER, TPM_KH_OWNER
            byte[] enc = Tpm12Client.encAuth(s, WELL_KNOWN, Tpm12Client.nonceEven(s));
            expectOk(c.auth1(Ordinal.NV_DefineSpace, new byte[0], params(pubInfo, enc), s, null, false), "NV_DefineSpace");
            Map<StateKind, byte[]> blobs = new EnumMap<>(StateKind.class);
            for (StateKind k : StateKind.values()) {
                byte[] b = store.load(k);
                if (b != null && k != StateKind.SAVESTATE) blobs.put(k, b);
            }
            owned = blobs;
            return owned;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expectOk(Tpm12Client.Response r, String what) {
        if (!r.ok()) throw new IllegalStateException(what + " answered 0x" + Integer.toHexString(r.rc()) + " in the fuzz world");
    }

    /** A TPM on a copy of the owned state, started (ST_CLEAR), its random generator seeded the same every time. */
    static Tpm12 fresh() {
        NvStore store = NvStore.inMemory();
        try {
            for (Map.Entry<StateKind, byte[]> e : owned().entrySet()) store.store(e.getKey(), e.getValue().clone());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tpm12 tpm = new Tpm12(new Platform(store, () -> 0L, new Random(21)));
        if (!tpm.init()) throw new AssertionError("the owned TPM 1.2 does not start");
        byte[] rsp = tpm.execute(new byte[] {0, (byte) 0xC1, 0, 0, 0, 12, 0, 0, 0, (byte) 0x99, 0, 1}, 0);
        if (rsp.length < 10 || rsp[6] != 0 || rsp[7] != 0 || rsp[8] != 0 || rsp[9] != 0) throw new AssertionError("Startup(ST_CLEAR) failed");
        return tpm;
    }

    @FuzzTest(maxDuration = "60s")
    void commands(byte[] data) {
        if (data.length < 1) return;
        FailureWatch.reset();
        Tpm12 tpm = fresh();
        int locality = (data[0] & 0xff) % 5;
        for (byte[] cmd : FuzzFrames.commands(Arrays.copyOfRange(data, 1, data.length), 32)) {
            byte[] rsp = tpm.execute(cmd, locality);
            FailureWatch.check(FuzzFrames.hex(cmd));
            Tpm12CommandsFuzzTest.check(cmd, rsp);
        }
    }

    /** Records the commands a client sends. */
    private static final class Recorder implements TpmDevice {
        private final Tpm12 tpm;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final ByteArrayOutputStream answered = new ByteArrayOutputStream();

        Recorder(Tpm12 tpm) {
            this.tpm = tpm;
            sent.write(0); // locality 0
        }

        @Override
        public byte[] execute(byte[] command, int locality) {
            sent.writeBytes(command);
            byte[] rsp = tpm.execute(command, locality);
            answered.writeBytes(rsp);
            return rsp;
        }

        @Override
        public void close() {}
    }

    /** A client session to record, on a fresh owned TPM. */
    @FunctionalInterface
    private interface Flow {
        void run(Tpm12Client c) throws IOException;
    }

    /** Writes the seeds (run on purpose, as CorpusMakerTest: {@code bin/fuzz --seed}). */
    @Test
    void writeSeeds() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("jtpm.fuzz.seed"), "writes the seed corpora only when asked (-Djtpm.fuzz.seed=true)");
        seed("seal-unseal", c -> {
            Tpm12Client.Response sealed = c.seal(WELL_KNOWN, WELL_KNOWN, new byte[0], new byte[] {1, 2, 3});
            expectOk(sealed, "Seal");
            expectOk(c.unseal(WELL_KNOWN, WELL_KNOWN, sealed.body()), "Unseal");
        });
        seed("nv-owner", c -> {
            expectOk(c.auth1(Ordinal.NV_WriteValue, new byte[0], params(NV_INDEX, 0, 4, new byte[] {1, 2, 3, 4}), c.oiap(), WELL_KNOWN,
                    false), "NV_WriteValue");
            c.auth1(Ordinal.NV_ReadValue, new byte[0], params(NV_INDEX, 0, 4), c.oiap(), WELL_KNOWN, false);
            c.send(Ordinal.NV_ReadValue, params(NV_INDEX, 0, 4));
        });
        seed("counter", c -> {
            Tpm12Client.Session s = c.osap(0x0002, 0x40000001, WELL_KNOWN); // TPM_ET_OWNER, TPM_KH_OWNER
            byte[] enc = Tpm12Client.encAuth(s, WELL_KNOWN, Tpm12Client.nonceEven(s));
            Tpm12Client.Response made = c.auth1(Ordinal.CreateCounter, new byte[0], params(enc, new byte[] {'j', 't', 'p', 'm'}), s, null, false);
            expectOk(made, "CreateCounter");
            int id = Tpm12Client.u32(made.body(), 0);
            c.send(Ordinal.ReadCounter, params(id));
            c.auth1(Ordinal.IncrementCounter, params(id), new byte[0], c.oiap(), WELL_KNOWN, false);
            c.auth1(Ordinal.ReleaseCounterOwner, params(id), new byte[0], c.oiap(), WELL_KNOWN, false);
        });
        seed("owner-reads", c -> {
            c.auth1(Ordinal.OwnerReadInternalPub, params(0x40000000), new byte[0], c.oiap(), WELL_KNOWN, false);
            c.auth1(Ordinal.OwnerReadInternalPub, params(0x40000006), new byte[0], c.oiap(), WELL_KNOWN, false);
            c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(), WELL_KNOWN, false);
            c.auth1(Ordinal.GetPubKey, params(0x40000000), new byte[0], c.oiap(), WELL_KNOWN, false);
        });
        seed("pcr-capability", c -> {
            c.send(Ordinal.Extend, params(3, new byte[20]));
            c.send(Ordinal.PcrRead, params(3));
            c.send(Ordinal.GetCapability, params(5, 4, 0x108));
            c.send(Ordinal.GetRandom, params(16));
            c.send(Ordinal.ReadPubek, params(new byte[20]));
            c.send(Ordinal.GetTicks, new byte[0]);
        });
        seed("owner-clear", c -> {
            expectOk(c.auth1(Ordinal.OwnerClear, new byte[0], new byte[0], c.oiap(), WELL_KNOWN, false), "OwnerClear");
            c.send(Ordinal.ReadPubek, params(new byte[20]));
        });
    }

    private static void seed(String name, Flow session) throws Exception {
        Recorder r = new Recorder(fresh());
        session.run(new Tpm12Client(r, new Random(12)));
        Path d = Path.of("src/test/resources/dev/jtpm/tpm12/Tpm12OwnedFuzzTestInputs/commands");
        Files.createDirectories(d);
        Files.write(d.resolve("seed-" + name), r.sent.toByteArray());
        // the recording replays: the same TPM, the same nonces, the same answers
        Tpm12 again = fresh();
        ByteArrayOutputStream replayed = new ByteArrayOutputStream();
        for (byte[] cmd : FuzzFrames.commands(Arrays.copyOfRange(r.sent.toByteArray(), 1, r.sent.size()), 32)) {
            replayed.writeBytes(again.execute(cmd, 0));
        }
        if (!Arrays.equals(replayed.toByteArray(), r.answered.toByteArray())) throw new AssertionError("seed " + name + " does not replay");
    }
}
