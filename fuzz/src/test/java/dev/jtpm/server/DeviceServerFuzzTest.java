package dev.jtpm.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.TpmHeader;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link DeviceServer}, the socket front end of a device that is not jtpm's engine (cros-vtpm's vtpmd serves its
 * {@code Virtualizer} through it): the data channel's framing (raw commands by their size field, or TPM_SEND_COMMAND
 * envelopes) or the control channel's requests, over an in-memory connection. Input: an octet whose low bit picks the
 * channel, an octet choosing the read size (fragmentation), then the client's bytes. The device checks what it is
 * handed. Contract: the server closes the connection (a hang is a finding), no server thread dies, the device is never
 * given more than 4096 octets (a size field that disagrees with an envelope's length is the device's to answer, as
 * libtpms answers it behind swtpm), and every answer on the data
 * channel is a well-formed response of at least a header.
 */
class DeviceServerFuzzTest {

    /** Checks each command it is given and answers a header-only success naming nothing. */
    static final class CheckingDevice implements TpmDevice {
        final AtomicInteger commands = new AtomicInteger();
        volatile String problem;

        @Override
        public byte[] execute(byte[] command, int locality) {
            commands.incrementAndGet();
            // a raw frame is cut by its size field; a TPM_SEND_COMMAND envelope's own length is the command's, as swtpm
            // hands it to libtpms (which answers TPM_RC_COMMAND_SIZE for a size field that disagrees): the device judges
            if (command.length > TpmHeader.MAX_COMMAND_SIZE) problem = "the device was handed " + command.length + " octets";
            if (locality < 0 || locality > 255) problem = "locality " + locality;
            return TpmHeader.errorResponse(0);
        }

        @Override
        public void close() {}
    }

    @FuzzTest(maxDuration = "60s")
    void stream(byte[] data) throws Exception {
        if (data.length < 2) return;
        FailureWatch.reset();
        CheckingDevice device = new CheckingDevice();
        MemoryConn conn = new MemoryConn(Arrays.copyOfRange(data, 2, data.length), (data[1] & 0xff) + 1);
        boolean dataChannel = (data[0] & 1) == 0;
        DeviceServer server = DeviceServer.serve(device, MemoryConn.acceptorOf(dataChannel ? conn : null),
                MemoryConn.acceptorOf(dataChannel ? null : conn), ServerLog.NONE);
        ServerWorld.finish(conn, server, dataChannel ? "device data stream" : "device control stream");
        if (device.problem != null) throw new AssertionError(device.problem);
        if (dataChannel) checkResponses(conn.written(), device.commands.get());
    }

    /** The data channel's output: responses (raw, or enveloped with a trailing UINT32 0), each at least a header. */
    private static void checkResponses(byte[] out, int commands) {
        int p = 0, n = 0;
        while (p < out.length) {
            if (out.length - p >= 4 && BigEndian.u32(out, p) > 0 && BigEndian.u32(out, p) < TpmHeader.SIZE) {
                throw new AssertionError("a response length below a header at " + p);
            }
            int size;
            if (out.length - p >= TpmHeader.SIZE && (out[p] & 0xff) == 0x80 && (out[p + 1] == 1 || out[p + 1] == 2)) {
                size = BigEndian.u32(out, p + 2); // raw
            } else if (out.length - p >= 4 + TpmHeader.SIZE + 4) {
                size = BigEndian.u32(out, p) + 8; // TPM_SEND_COMMAND's answer: length, response, UINT32 0
            } else {
                throw new AssertionError("a truncated response at " + p + " of " + out.length);
            }
            if (size < TpmHeader.SIZE || size > out.length - p) throw new AssertionError("a response of size " + size + " at " + p);
            p += size;
            n++;
        }
        if (n < commands) throw new AssertionError(commands + " commands, " + n + " responses");
    }
}
