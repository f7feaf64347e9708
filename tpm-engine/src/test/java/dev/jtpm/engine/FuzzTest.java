package dev.jtpm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.DictionaryAttackParameters;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.GetTestResult;
import dev.jtpm.types.command.GetTestResultResponse;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.IncrementalSelfTest;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.PcrReset;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StirRandom;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.types.structure.TpmtSymDef;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the whole pipeline: valid commands of every kind, with bytes flipped,
 * inserted, dropped and size fields rewritten. Every response must be a well-formed TPM response,
 * and the TPM must never fall into failure mode (which would mean an unexpected exception: a bug).
 */
class FuzzTest {

    private static List<byte[]> seeds() {
        var sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1, 16), TpmsPcrSelection.of(TpmAlg.SHA1, 2)));
        var digests = new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, Bytes.zeros(32)), new TpmtHa(TpmAlg.SHA1, Bytes.zeros(20))));
        Bytes nonce = Bytes.zeros(16);
        return List.of(
                CommandBytes.encode(new GetRandom(16)),
                CommandBytes.encode(new StirRandom(Bytes.zeros(8))),
                CommandBytes.encode(new GetCapability(6, 0x100, 50)),
                CommandBytes.encode(new GetCapability(1, 0x02000000, 10)),
                CommandBytes.encode(new PcrRead(sel)),
                CommandBytes.encode(new PcrExtend(16, digests)),
                CommandBytes.encode(new PcrEvent(16, Bytes.zeros(40))),
                CommandBytes.encode(new PcrReset(16)),
                CommandBytes.encode(new PcrAllocate(TpmRh.PLATFORM, sel)),
                CommandBytes.encode(new Hash(Bytes.zeros(100), TpmAlg.SHA384, TpmRh.OWNER)),
                CommandBytes.encode(new HashSequenceStart(Bytes.zeros(4), TpmAlg.NULL)),
                CommandBytes.encode(new SequenceUpdate(0x80000000, Bytes.zeros(10))),
                CommandBytes.encode(new SequenceComplete(0x80000000, Bytes.zeros(10), TpmRh.OWNER)),
                CommandBytes.encode(new EventSequenceComplete(16, 0x80000000, Bytes.zeros(10))),
                CommandBytes.encode(new StartAuthSession(TpmRh.NULL, TpmRh.OWNER, nonce, Bytes.EMPTY, TpmSe.HMAC,
                        TpmtSymDef.NULL, TpmAlg.SHA256)),
                CommandBytes.encode(new FlushContext(0x02000000)),
                CommandBytes.encode(new IncrementalSelfTest(List.of(TpmAlg.SHA1, TpmAlg.SHA256))),
                CommandBytes.encode(new ClockSet(TpmRh.OWNER, 1L << 50)),
                CommandBytes.encode(new DictionaryAttackParameters(TpmRh.LOCKOUT, 3, 1000, 1000)),
                CommandBytes.encode(new Shutdown(TpmSu.STATE)));
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> { for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8)); }
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));                     // truncate
            case 2 -> {                                                                              // insert
                int at = rnd.nextInt(b.length + 1);
                byte[] ins = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(ins);
                byte[] r = new byte[b.length + ins.length];
                System.arraycopy(b, 0, r, 0, at);
                System.arraycopy(ins, 0, r, at, ins.length);
                System.arraycopy(b, at, r, at + ins.length, b.length - at);
                b = r;
            }
            case 3 -> { if (b.length > 14) b[10 + rnd.nextInt(b.length - 10)] = (byte) rnd.nextInt(256); }
            case 4 -> { int at = 10 + rnd.nextInt(Math.max(1, b.length - 11)); if (at + 1 < b.length) { b[at] = (byte) 0xFF; b[at + 1] = (byte) 0xFF; } }
            default -> { }
        }
        // mostly keep the size field consistent, so mutations reach the deeper stages
        if (b.length >= 6 && rnd.nextInt(4) != 0) ByteBuffer.wrap(b).putInt(2, b.length);
        return b;
    }

    @Test
    void mutatedCommands_alwaysGetWellFormedResponses_andNeverFailureMode() {
        TestTpm t = TestTpm.started();
        Random rnd = new Random(20261128);
        List<byte[]> seeds = seeds();
        for (int i = 0; i < 60_000; i++) {
            byte[] cmd = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            byte[] rsp = t.raw(cmd);
            assertThat(rsp.length).isGreaterThanOrEqualTo(10);
            ByteBuffer bb = ByteBuffer.wrap(rsp);
            assertThat(bb.getShort(0) & 0xFFFF).isIn(0x8001, 0x8002);
            assertThat(bb.getInt(2)).as("size field").isEqualTo(rsp.length);
            if (i % 1000 == 999) {
                GetTestResultResponse r = t.run(new GetTestResult()).orThrow();
                assertThat(r.testResult()).as("failure mode after %d commands, last %s", i, Bytes.of(cmd)).isZero();
                if (!t.tpm.isStarted()) t.run(new dev.jtpm.types.command.Startup(TpmSu.CLEAR));
            }
        }
        assertThat(t.run(new GetTestResult()).orThrow().testResult()).isZero();
    }
}
