package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.StateBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control channel byte for byte, as swtpm 0.7.1 answers (TCP channel: no SET_DATAFD). */
class ControlChannelTest {
    TpmInstance tpm;
    int ctrl;
    int data;

    @BeforeEach
    void start() throws IOException {
        tpm = TpmInstance.start(StateStore.inMemory(), InstanceConfig.tcpOnFreePorts(SwtpmFlags.DEFAULT));
        ctrl = tpm.ctrlPort();
        data = tpm.dataPort();
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    String rt(String hex, int n) throws IOException { return Raw.roundTrip(ctrl, hex, n); }

    @Test
    void getCapability_isFfffWithoutSetDatafdOnTcp() throws IOException {
        assertThat(rt("00000001", 8)).isEqualTo("000000000001efff");
    }

    @Test
    void runningOnlyCommands_beforeInit_areBadOrdinal() throws IOException {
        for (String cmd : new String[] {"00000004", "0000000b03", "00000006", "0000000700000001ff", "00000008", "00000009",
                "0000000a", "0000000c000000010000000100000000"}) {
            try (Raw r = new Raw(ctrl)) {
                assertThat(r.send(cmd).readHex(4)).as(cmd).isEqualTo("0000000a");
            }
        }
    }

    @Test
    void dataCommand_beforeInit_getsTheTenByteFailure() throws IOException {
        assertThat(Raw.roundTrip(data, "80010000000a00000181", 10)).isEqualTo("80010000000a00000101");
    }

    @Test
    void init_thenEstablishedAndLocality() throws IOException {
        assertThat(rt("0000000200000000", 4)).isEqualTo("00000000");
        assertThat(tpm.controller().isRunning()).isTrue();
        assertThat(rt("00000004", 8)).isEqualTo("0000000000000000");
        assertThat(rt("0000000505", 4)).isEqualTo("0000003d");
        assertThat(rt("0000000504", 4)).isEqualTo("00000000");
        assertThat(rt("0000000503000000", 4)).as("QEMU pads to 4 bytes").isEqualTo("00000000");
        assertThat(tpm.controller().locality()).isEqualTo(3);
        assertThat(rt("0000000b05", 4)).isEqualTo("0000003d");
        assertThat(rt("0000000b00", 4)).isEqualTo("0000003d");
        assertThat(rt("0000000b03", 4)).isEqualTo("00000000");
        assertThat(tpm.controller().locality()).as("RESET_EST leaves the locality").isEqualTo(3);
    }

    @Test
    void init_wrongPayloadSize_isBadParameter() throws IOException {
        assertThat(rt("000000020000000000", 4)).isEqualTo("00000003");
        assertThat(rt("0000000e00", 4)).as("STOP takes no payload").isEqualTo("00000003");
    }

    @Test
    void hashing_configCancelStoreVolatile_succeedWhileRunning() throws IOException {
        rt("0000000200000000", 4);
        assertThat(rt("00000006", 4)).isEqualTo("00000000");
        assertThat(rt("0000000700000003616263", 4)).isEqualTo("00000000");
        assertThat(rt("00000008", 4)).isEqualTo("00000000");
        assertThat(rt("00000009", 4)).isEqualTo("00000000");
        assertThat(rt("0000000a", 4)).isEqualTo("00000000");
        assertThat(rt("0000000f", 8)).isEqualTo("0000000000000000");
    }

    @Test
    void setDatafd_overTcp_isBadParameter() throws IOException {
        assertThat(rt("00000010", 4)).isEqualTo("00000003");
    }

    @Test
    void setBufferSize_queryAnytime_changeOnlyWhenStopped() throws IOException {
        assertThat(rt("0000001100000000", 16)).isEqualTo("000000000000100000000af800001000");
        rt("0000000200000000", 4);
        assertThat(rt("0000001100000bb8", 4)).isEqualTo("0000000a");
        assertThat(rt("0000000e", 4)).isEqualTo("00000000");
        assertThat(rt("0000001100000bb8", 16)).isEqualTo("0000000000000bb800000af800001000");
        assertThat(rt("0000001100000001", 16)).isEqualTo("0000000000000af800000af800001000");
        assertThat(rt("0000001100002000", 16)).isEqualTo("000000000000100000000af800001000");
    }

    @Test
    void getInfo_jsonShapeOffsetsAndErrors() throws IOException {
        String json = "{\"TPMSpecification\":{\"family\":\"2.0\",\"level\":0,\"revision\":164},"
                + "\"TPMAttributes\":{\"manufacturer\":\"id:4A54504D\",\"version\":\"id:00010000\",\"model\":\"jtpm\"}}";
        int tot = json.length() + 1;
        try (Raw r = new Raw(ctrl)) {
            r.send(new CtrlRequest.GetInfo(3, 0).encode());
            assertThat(r.readHex(12)).isEqualTo("00000000" + String.format("%08x%08x", tot, tot));
            assertThat(new String(r.read(tot), StandardCharsets.US_ASCII)).isEqualTo(json + "\0");
        }
        try (Raw r = new Raw(ctrl)) {
            r.send(new CtrlRequest.GetInfo(3, tot - 3).encode());
            assertThat(r.readHex(12 + 3)).isEqualTo("00000000" + String.format("%08x%08x", tot, 3) + "7d7d00");
        }
        assertThat(rt(Raw.HEX.formatHex(new CtrlRequest.GetInfo(3, tot - 1).encode()), 4)).isEqualTo("00000003");
        assertThat(rt(Raw.HEX.formatHex(new CtrlRequest.GetInfo(0, 0).encode()), 15)).isEqualTo("00000000" + "00000003" + "00000003" + "7b7d00");
    }

    @Test
    void unknownIsBadOrdinal_lockStorageSucceedsOnAStoreWithoutLock() throws IOException {
        assertThat(rt("00000099", 4)).isEqualTo("0000000a");
        assertThat(rt("000000130000012c", 4)).isEqualTo("00000000");
    }

    @Test
    void stateBlobs_savestateMissingIsRetry_setOnlyWhenStopped_usedAtInit() throws Exception {
        rt("0000000200000000", 4);
        assertThat(rt("0000000c000000010000000300000000", 16)).isEqualTo("00000800" + "00000000" + "00000000" + "00000000");
        byte[] blob = StateBlob.plainMigration("saved".getBytes(StandardCharsets.US_ASCII)).encode();
        String set = Raw.HEX.formatHex(new CtrlRequest.SetStateBlob(0, 3, blob).encode());
        assertThat(rt(set, 4)).as("running").isEqualTo("0000000a");
        assertThat(rt("0000000e", 4)).isEqualTo("00000000");
        assertThat(rt(set, 4)).isEqualTo("00000000");
        String garbage = Raw.HEX.formatHex(new CtrlRequest.SetStateBlob(0, 3, new byte[] {1, 2, 3}).encode());
        assertThat(rt(garbage, 4)).as("shorter than a header: swtpm's TPM_BAD_PARAMETER").isEqualTo("00000003");
        assertThat(rt("0000000d" + "00000000" + "00000009" + "00000001" + "00", 4)).as("unknown type").isEqualTo("00000009");
        assertThat(tpm.store().load(StateKind.SAVESTATE)).as("kept until INIT").isNull();
        assertThat(rt("0000000200000000", 4)).isEqualTo("00000000");
        assertThat(tpm.store().load(StateKind.SAVESTATE)).isEqualTo("saved".getBytes(StandardCharsets.US_ASCII));
        try (Raw r = new Raw(ctrl)) {
            r.send("0000000c000000010000000300000000");
            assertThat(r.readHex(16)).isEqualTo("00000000" + "00000000" + String.format("%08x%08x", blob.length, blob.length));
            assertThat(r.read(blob.length)).isEqualTo(blob);
        }
        try (Raw r = new Raw(ctrl)) {
            r.send("0000000c00000001000000030000000a");
            assertThat(r.readHex(16)).as("offset").isEqualTo("00000000" + "00000000" + String.format("%08x%08x", blob.length - 10, blob.length - 10));
        }
    }

    @Test
    void stop_thenDataCommandsFail_andInitRestarts() throws IOException {
        rt("0000000200000000", 4);
        assertThat(rt("0000000e", 4)).isEqualTo("00000000");
        assertThat(tpm.controller().isRunning()).isFalse();
        assertThat(Raw.roundTrip(data, "80010000000a00000181", 10)).isEqualTo("80010000000a00000101");
        assertThat(rt("00000004", 4)).isEqualTo("0000000a");
        assertThat(rt("0000000200000001", 4)).isEqualTo("00000000");
    }

    @Test
    void manyCommandsOnOneConnection_andOneClientAfterAnother() throws IOException {
        try (Raw r = new Raw(ctrl)) {
            for (int i = 0; i < 20; i++) assertThat(r.send("00000001").readHex(8)).isEqualTo("000000000001efff");
        }
        for (int i = 0; i < 20; i++) assertThat(rt("0000000500", 4)).isEqualTo("00000000");
    }

    @Test
    void secondClient_isServedAfterTheFirstLeaves() throws Exception {
        Raw first = new Raw(ctrl);
        first.send("00000001").read(8);
        Raw second = new Raw(ctrl);
        second.send("00000001");
        first.close();
        assertThat(second.readHex(8)).isEqualTo("000000000001efff");
        second.close();
    }

    @Test
    void incompleteCommand_isDroppedWithoutReply_andTheServerGoesOn() throws IOException {
        try (Raw r = new Raw(ctrl)) {
            r.send("00000002");
            assertThat(r.closedByPeer()).isTrue();
        }
        try (Raw r = new Raw(ctrl)) {
            r.send("0000");
            r.socket.shutdownOutput();
            assertThat(r.closedByPeer()).isTrue();
        }
        assertThat(rt("00000001", 8)).isEqualTo("000000000001efff");
    }

    @Test
    void garbage_neverKillsTheServer() throws IOException {
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 30; i++) {
            byte[] g = new byte[1 + rnd.nextInt(64)];
            rnd.nextBytes(g);
            g[0] = 0; // keep lengths small: never a giant HASH_DATA/SET_STATEBLOB that waits for its data
            try (Raw r = new Raw(ctrl)) {
                r.send(g);
                r.socket.shutdownOutput();
                r.in.readAllBytes();
            }
        }
        assertThat(rt("00000001", 8)).isEqualTo("000000000001efff");
    }

    @Test
    void shutdown_repliesThenAsksTheHostToExit() throws Exception {
        rt("0000000200000000", 4);
        assertThat(rt("00000003", 4)).isEqualTo("00000000");
        assertThat(tpm.awaitExitRequest(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tpm.controller().isRunning()).isFalse();
    }
}
