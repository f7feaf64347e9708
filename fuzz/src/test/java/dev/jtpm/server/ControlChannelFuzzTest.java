package dev.jtpm.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.fuzz.FuzzWorlds;
import java.util.Arrays;

/**
 * The swtpm control channel as the server runs it: {@link ControlChannel}'s framing ({@code CtrlRequest.needed}, the
 * size limits, the 500 ms deadline), {@code CtrlRequest.decode} and {@link ControlHandler} over a live
 * {@link TpmController} (INIT, STOP, state blobs in and out, locality, hash sequences, buffer size, LOCK_STORAGE).
 * Input: one octet choosing how many octets each read returns (fragmentation), then the bytes a client sends. The
 * server must close the connection (it never hangs), no server thread may die, and the TPM must never fall into
 * failure mode through an unexpected exception (a SET_STATEBLOB of garbage followed by INIT is a refused state, not
 * that).
 */
class ControlChannelFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void requests(byte[] data) throws Exception {
        if (data.length < 1) return;
        FailureWatch.reset();
        TpmController controller = ServerWorld.controller(FuzzWorlds.permanentBlob(), FuzzWorlds.volatileBlob());
        MemoryConn conn = new MemoryConn(Arrays.copyOfRange(data, 1, data.length), (data[0] & 0xff) + 1);
        ControlChannel channel = new ControlChannel(MemoryConn.acceptorOf(conn), new ControlHandler(controller, false, null),
                ServerLog.NONE, false, () -> { });
        ServerWorld.finish(conn, channel, "control requests");
    }
}
