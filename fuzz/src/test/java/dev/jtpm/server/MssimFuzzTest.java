package dev.jtpm.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.fuzz.FuzzWorlds;
import java.util.Arrays;

/**
 * The Microsoft simulator framing as {@link MssimServer} serves it: the TPM port (TPM_SEND_COMMAND with locality and
 * size, HASH_*, REMOTE_HANDSHAKE, SESSION_END) or the platform port (power, reset, cancel, NV, sizes). Input: an octet
 * whose low bit picks the port, an octet choosing the read size (fragmentation), then the client's bytes. The server
 * must close the connection, no thread may die, and no command may put the TPM into failure mode.
 */
class MssimFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void stream(byte[] data) throws Exception {
        if (data.length < 2) return;
        FailureWatch.reset();
        TpmController controller = ServerWorld.controller(FuzzWorlds.permanentBlob(), FuzzWorlds.volatileBlob());
        MemoryConn conn = new MemoryConn(Arrays.copyOfRange(data, 2, data.length), (data[1] & 0xff) + 1);
        boolean tpmPort = (data[0] & 1) == 0;
        MssimServer server = new MssimServer(MemoryConn.acceptorOf(tpmPort ? conn : null),
                MemoryConn.acceptorOf(tpmPort ? null : conn), controller, ServerLog.NONE, () -> { });
        ServerWorld.finish(conn, server, "mssim stream");
    }
}
