package dev.jtpm.server.rm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetTestResult;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlHandle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resource manager's handle rewriting and context swapping ({@link ResourceManager#execute}) over an in-process
 * TPM: the input is a stream of commands framed by their size fields (tpm2-tools traffic in the corpus), each sent
 * for one of two spaces (the low bit of its position). Each response must be well formed; the RM must not meet an
 * unexpected exception (it logs "jtpm rm: " and the exception, and answers TPM_RC_FAILURE: a finding here); the
 * backend must not fall into failure mode; and once both spaces are closed the backend holds no transient object and
 * no session (nothing leaks past a space).
 */
class ResourceManagerFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void commands(byte[] data) throws Exception {
        FailureWatch.reset();
        AtomicLong millis = new AtomicLong(1_000);
        Tpm tpm = new Tpm(Platform.deterministic(5, millis::incrementAndGet));
        tpm.init();
        tpm.execute(CommandBytes.encode(new Startup(TpmSu.CLEAR)), 0);
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(logged, true, StandardCharsets.UTF_8), 0);
        Backend backend = Backend.wrap(tpm, "fuzz");
        ResourceManager rm = new ResourceManager(BackendLink.over(backend, () -> backend, 60_000),
                new ResourceManager.Limits(4, 3), log);
        Space[] spaces = {rm.openSpace(), rm.openSpace()};
        int i = 0;
        for (byte[] cmd : dev.jtpm.fuzz.FuzzFrames.commands(data, 64)) {
            byte[] rsp = rm.execute(spaces[i++ & 1], cmd, 0);
            dev.jtpm.fuzz.FuzzFrames.checkResponse(cmd, rsp);
            String l = logged.toString(StandardCharsets.UTF_8);
            if (l.contains("jtpm rm: ") && !l.contains("jtpm rm: backend")) throw new AssertionError("the RM met: " + l.trim());
            FailureWatch.check(dev.jtpm.fuzz.FuzzFrames.hex(cmd));
        }
        rm.closeSpace(spaces[0]);
        rm.closeSpace(spaces[1]);
        FailureWatch.check("closing the spaces");
        if (CommandBytes.decode(new GetTestResult(), tpm.execute(CommandBytes.encode(new GetTestResult()), 0)).orThrow()
                .testResult() != 0) throw new AssertionError("the backend is in failure mode");
        if (!tpm.isStarted()) return;   // a Shutdown went through: the backend has nothing loaded
        for (int range : new int[] {0x80000000, 0x02000000, 0x03000000}) {
            var r = CommandBytes.decode(new GetCapability(1, range, 64), tpm.execute(CommandBytes.encode(new GetCapability(1,
                    range, 64)), 0));
            if (!r.ok()) continue;
            var handles = ((TpmlHandle) r.response().capabilityData().data()).handle();
            handles = handles.stream().filter(h -> (h >>> 24) == (range >>> 24)).toList();
            if (!handles.isEmpty()) throw new AssertionError("left in the backend after both spaces closed: " + handles);
        }
    }
}
