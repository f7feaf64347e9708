package dev.jtpm.tpm12;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.fuzz.FuzzFrames;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * Raw command bytes into the TPM 1.2 pipeline ({@link Tpm12#execute}) after TPM_Startup(ST_CLEAR): the input is a
 * stream of commands framed by their own size fields, at most 32, the first octet of each input choosing the
 * locality. Contract: every answer is a well-formed TPM 1.2 response (tag 00C4–00C6, size field = length, at least
 * 10 octets), none is TPM_FAIL, and nothing is logged at SEVERE (failure mode, an unexpected exception).
 * {@code Tpm12FuzzTest} in tpm12-engine is the mutation test these complement.
 */
class Tpm12CommandsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void commands(byte[] data) {
        if (data.length < 1) return;
        FailureWatch.reset();
        Tpm12 tpm = new Tpm12(new Platform(NvStore.inMemory(), () -> 0L, new Random(11)));
        if (!tpm.init()) throw new AssertionError("a fresh TPM 1.2 does not start");
        check(new byte[0], tpm.execute(new byte[] {0, (byte) 0xC1, 0, 0, 0, 12, 0, 0, 0, (byte) 0x99, 0, 1}, 0));
        int locality = (data[0] & 0xff) % 5;
        List<byte[]> commands = FuzzFrames.commands(java.util.Arrays.copyOfRange(data, 1, data.length), 32);
        for (byte[] cmd : commands) {
            byte[] rsp = tpm.execute(cmd, locality);
            FailureWatch.check(FuzzFrames.hex(cmd));
            check(cmd, rsp);
        }
    }

    static void check(byte[] cmd, byte[] rsp) {
        if (rsp == null || rsp.length < 10) throw new AssertionError("short response to " + FuzzFrames.hex(cmd));
        ByteBuffer b = ByteBuffer.wrap(rsp);
        int tag = b.getShort(0) & 0xffff;
        if (tag < 0xC4 || tag > 0xC6) throw new AssertionError("response tag " + Integer.toHexString(tag) + " to " + FuzzFrames.hex(cmd));
        if (b.getInt(2) != rsp.length) throw new AssertionError("response size field " + b.getInt(2) + " != " + rsp.length);
        if (b.getInt(6) == Tpm12Rc.FAIL) throw new AssertionError("TPM_FAIL (failure mode) after " + FuzzFrames.hex(cmd));
    }
}
