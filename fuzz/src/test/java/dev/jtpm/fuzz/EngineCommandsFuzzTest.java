package dev.jtpm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetTestResult;
import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * Raw command bytes into a TPM that already has objects, NV indices and sessions ({@link EngineWorld}): the input is
 * a stream of commands framed by their own size fields (what a data channel carries), at most 64. Each response must
 * be well formed, no command may put the TPM into failure mode (an unexpected exception), and the state the TPM holds
 * afterwards must serialize and load again into a new TPM (what a CMD_STOP + CMD_INIT or a migration does).
 *
 * <p>The corpus ({@code EngineCommandsFuzzTestInputs/commands}) holds tpm2-tools runs captured through a server
 * ({@link CorpusCapture}) and every finding; without {@code JAZZER_FUZZ} only the corpus runs.
 */
class EngineCommandsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void commands(byte[] data) {
        FailureWatch.reset();
        Tpm tpm = EngineWorld.fresh();
        List<byte[]> commands = FuzzFrames.commands(data, 64);
        for (byte[] cmd : commands) {
            byte[] rsp = tpm.execute(cmd, 0);
            FailureWatch.check(FuzzFrames.hex(cmd));
            FuzzFrames.checkResponse(cmd, rsp);
        }
        int testResult = CommandBytes.decode(new GetTestResult(), tpm.execute(CommandBytes.encode(new GetTestResult()), 0))
                .orThrow().testResult();
        if (testResult != 0) throw new AssertionError("failure mode after the input");
        reload(tpm);
    }

    /** The state a TPM holds after the input loads into a new TPM, which then answers without failure mode. */
    private static void reload(Tpm tpm) {
        if (!tpm.isStarted()) return;
        byte[] permanent = tpm.permanentState();
        byte[] vol = tpm.volatileState();
        NvStore nv = NvStore.inMemory();
        try {
            nv.store(StateKind.PERMANENT, permanent);
            if (vol != null) nv.store(StateKind.VOLATILE, vol);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Tpm again = new Tpm(new Platform(nv, () -> 50_000, new Random(9)));
        if (!again.init()) throw new AssertionError("the state the TPM held after the input does not load");
        FailureWatch.check("reload");
        byte[] rsp = again.execute(CommandBytes.encode(new GetTestResult()), 0);
        FailureWatch.check("GetTestResult after reload");
        FuzzFrames.checkResponse(new byte[0], rsp);
    }
}
