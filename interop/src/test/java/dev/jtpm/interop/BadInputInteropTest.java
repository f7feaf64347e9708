package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed input on the data and control channels: each gets the specification's (or swtpm's)
 * error, and the server keeps serving the next connection — checked each time with tpm2-tools.
 */
class BadInputInteropTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Sends bytes on a fresh data connection and returns the response (or null if none came). */
    private static byte[] exchange(int port, String hex, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(HEX.parseHex(hex.replace(" ", "")));
            out.flush();
            if (halfClose) s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] header = new byte[10];
            try {
                new DataInputStream(in).readFully(header);
            } catch (java.io.EOFException | SocketTimeoutException e) {
                return null;
            }
            int size = (header[2] & 0xFF) << 24 | (header[3] & 0xFF) << 16 | (header[4] & 0xFF) << 8 | header[5] & 0xFF;
            byte[] rest = new byte[size - 10];
            new DataInputStream(in).readFully(rest);
            byte[] all = new byte[size];
            System.arraycopy(header, 0, all, 0, 10);
            System.arraycopy(rest, 0, all, 10, rest.length);
            return all;
        }
    }

    private static void stillServes(JtpmServer s) {
        assertThat(Tools.tpm2(s.tcti(), "tpm2_getrandom", "--hex", "4").ok().out().trim()).hasSize(8);
    }

    @Test
    void malformedDataCommands_getTheSpecCodes_andTheServerKeepsServing() throws IOException {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            int port = s.port();
            // bad tag → TPM_RC_BAD_TAG
            assertThat(HEX.formatHex(exchange(port, "8005 0000000c 0000017b 0008", false))).isEqualTo("80010000000a0000001e");
            stillServes(s);
            // truncated parameter (GetRandom without its UINT16) → TPM_RC_INSUFFICIENT on parameter 1
            assertThat(HEX.formatHex(exchange(port, "8001 0000000a 0000017b", false))).isEqualTo("80010000000a000001da");
            stillServes(s);
            // unknown handle type in PCR_Reset's handle area (an NV index) → TPM_RC_VALUE or HANDLE on handle 1
            byte[] r = exchange(port, "8002 0000001b 0000013d 01000000 00000009 40000009 0000 01 0000", false);
            assertThat(HEX.formatHex(r, 6, 10)).isIn("0000018b", "00000184");
            stillServes(s);
            // unknown command code → TPM_RC_COMMAND_CODE
            assertThat(HEX.formatHex(exchange(port, "8001 0000000a 00000199", false))).isEqualTo("80010000000a00000143");
            stillServes(s);
            // size field smaller than the bytes sent: the frame ends early → trailing bytes are the next frame;
            // a 10-byte GetRandom frame lacks its parameter → TPM_RC_INSUFFICIENT
            byte[] small = exchange(port, "8001 0000000a 0000017b 0008", false);
            assertThat(HEX.formatHex(small, 6, 10)).isEqualTo("000001da");
            stillServes(s);
            // size field larger than what was sent, then the client stops sending: no crash, next client served
            byte[] large = exchange(port, "8001 00000020 0000017b 0008", true);
            if (large != null) assertThat(HEX.formatHex(large, 6, 10)).isEqualTo("00000142");
            stillServes(s);
            // oversized: a size field beyond the 4096-byte buffer → TPM_RC_COMMAND_SIZE
            byte[] over = exchange(port, "8001 00002000 0000017b 0008", true);
            assertThat(over).isNotNull();
            assertThat(HEX.formatHex(over, 6, 10)).isEqualTo("00000142");
            stillServes(s);
            // random garbage, many times
            Random rnd = new Random(9);
            for (int i = 0; i < 50; i++) {
                byte[] junk = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(junk);
                exchange(port, HEX.formatHex(junk), true);
            }
            stillServes(s);
        }
    }

    @Test
    void garbageOnTheControlChannel_neverStopsTheServer() throws IOException {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            Random rnd = new Random(11);
            for (int i = 0; i < 50; i++) {
                try (Socket c = new Socket("127.0.0.1", s.port() + 1)) {
                    c.setSoTimeout(2000);
                    byte[] junk = new byte[1 + rnd.nextInt(40)];
                    rnd.nextBytes(junk);
                    c.getOutputStream().write(junk);
                    c.shutdownOutput();
                    try {
                        c.getInputStream().readAllBytes();
                    } catch (SocketTimeoutException ignored) {
                        // a command that waits for more bytes is closed by the server's 500 ms limit
                    }
                }
            }
            // an unknown control code gets TPM_BAD_ORDINAL (0x0A), 4 bytes
            try (Socket c = new Socket("127.0.0.1", s.port() + 1)) {
                c.getOutputStream().write(HEX.parseHex("00000099"));
                assertThat(HEX.formatHex(c.getInputStream().readNBytes(4))).isEqualTo("0000000a");
            }
            stillServes(s);
        }
    }
}
