package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Microsoft simulator's two ports, answered as ms-tpm-20-ref's TcpServer.c answers. */
class MssimServerTest {
    TpmInstance tpm;

    @BeforeEach
    void start() throws IOException {
        tpm = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(new ChannelSpec.Mssim("127.0.0.1", 0), null,
                SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE));
        assertThat(tpm.platformPort()).isEqualTo(tpm.dataPort() + 1);
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    @Test
    void powerOn_initializesTheTpm_andSignalsAreAcked() throws IOException {
        try (Raw p = new Raw(tpm.platformPort())) {
            assertThat(tpm.controller().isRunning()).isFalse();
            assertThat(p.send("00000001").readHex(4)).isEqualTo("00000000");
            assertThat(tpm.controller().isRunning()).isTrue();
            for (String signal : new String[] {"0000000b", "00000003", "00000004", "00000009", "0000000a", "0000000d",
                    "0000000e", "0000000c", "00000011", "00000012"}) {
                assertThat(p.send(signal).readHex(4)).as(signal).isEqualTo("00000000");
            }
            assertThat(p.send("00000002").readHex(4)).isEqualTo("00000000");
            assertThat(tpm.controller().isRunning()).isFalse();
        }
    }

    @Test
    void unknownPlatformCommand_getsOneAndIsDropped() throws IOException {
        try (Raw p = new Raw(tpm.platformPort())) {
            assertThat(p.send("00000063").readHex(4)).isEqualTo("00000001");
            assertThat(p.closedByPeer()).isTrue();
        }
        try (Raw p = new Raw(tpm.platformPort())) {
            assertThat(p.send("00000008").readHex(4)).as("SEND_COMMAND is TPM-port only").isEqualTo("00000001");
        }
    }

    @Test
    void tpmPortCommands_joinedOrSplitAnyhow_areEachAnswered() throws Exception {
        String cmd = "00000008" + "00" + "0000000a" + "80010000000a00000181";
        String rsp = "0000000a" + "80010000000a00000101" + "00000000"; // before power-on: TPM_RC_FAILURE
        try (Raw t = new Raw(tpm.dataPort())) {
            assertThat(t.send(cmd + cmd).readHex(36)).as("two in one write").isEqualTo(rsp + rsp);
            for (byte b : Raw.HEX.parseHex(cmd)) {
                t.send(new byte[] {b});
                Thread.sleep(1);
            }
            assertThat(t.readHex(18)).as("byte by byte").isEqualTo(rsp);
            t.send(cmd + "00000014"); // then SESSION_END: the connection is closed after the answer
            assertThat(t.readHex(18)).isEqualTo(rsp);
            assertThat(t.closedByPeer()).isTrue();
        }
    }

    @Test
    void commandResponseSizes_reportsTheLargestSinceTheLastQuery() throws IOException {
        try (Raw t = new Raw(tpm.dataPort()); Raw p = new Raw(tpm.platformPort())) {
            t.send("00000008" + "00" + "0000000a" + "80010000000a00000181").read(18);
            assertThat(p.send("00000019").readHex(24)).isEqualTo("00000010" + "0a000000" + "81010000" + "0a000000" + "81010000" + "00000000");
            assertThat(p.send("00000019").readHex(24)).isEqualTo("00000010" + "0".repeat(32) + "00000000");
        }
    }

    @Test
    void tpmPort_handshakeSendCommandHashAndSessionEnd() throws IOException {
        try (Raw t = new Raw(tpm.dataPort())) {
            assertThat(t.send("0000000f00000001").readHex(12)).isEqualTo("00000001" + "0000000d" + "00000000");
            assertThat(t.send("00000008" + "00" + "0000000a" + "80010000000a00000181").readHex(18))
                    .as("powered off: failure reply, enveloped").isEqualTo("0000000a" + "80010000000a00000101" + "00000000");
            assertThat(t.send("0000001000000000").readHex(4)).isEqualTo("00000000");
            assertThat(t.send("00000014").closedByPeer()).as("SESSION_END: no ack").isTrue();
        }
        try (Raw p = new Raw(tpm.platformPort())) {
            p.send("00000001").read(4);
        }
        try (Raw t = new Raw(tpm.dataPort())) {
            assertThat(t.send("00000005").readHex(4)).isEqualTo("00000000");
            assertThat(t.send("00000006" + "00000003" + "616263").readHex(4)).isEqualTo("00000000");
            assertThat(t.send("00000007").readHex(4)).isEqualTo("00000000");
            assertThat(t.send("00000001").closedByPeer()).as("platform code on the TPM port: dropped").isTrue();
        }
    }

    @Test
    void stop_asksTheHostToExit() throws Exception {
        try (Raw t = new Raw(tpm.dataPort())) {
            assertThat(t.send("00000015").closedByPeer()).isTrue();
        }
        assertThat(tpm.awaitExitRequest(10, TimeUnit.SECONDS)).isTrue();
    }
}
