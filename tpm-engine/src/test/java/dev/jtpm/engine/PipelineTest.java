package dev.jtpm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private static final HexFormat HEX = HexFormat.of();

    private static TpmRc rcOf(byte[] response) {
        return new TpmRc(java.nio.ByteBuffer.wrap(response, 6, 4).getInt());
    }

    @Test
    void commandBeforeStartup_returnsInitialize() {
        TestTpm t = new TestTpm();
        assertThat(t.run(new GetRandom(8)).rc()).isEqualTo(TpmRc.INITIALIZE);
    }

    @Test
    void startupThenGetRandom_returnsRequestedBytes() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new GetRandom(16)).orThrow().randomBytes().size()).isEqualTo(16);
        assertThat(t.run(new GetRandom(200)).orThrow().randomBytes().size()).isEqualTo(64);
    }

    @Test
    void secondStartup_returnsInitialize() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new Startup(TpmSu.CLEAR)).rc()).isEqualTo(TpmRc.INITIALIZE);
    }

    @Test
    void startupStateWithoutShutdownState_returnsValueOnParameter1() {
        TestTpm t = new TestTpm();
        assertThat(t.run(new Startup(TpmSu.STATE)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void badTag_returnsBadTag() {
        TestTpm t = TestTpm.started();
        byte[] r = t.raw(HEX.parseHex("8003 0000000c 0000017b 0008".replace(" ", "")));
        assertThat(HEX.formatHex(r)).isEqualTo("80010000000a0000001e");
    }

    @Test
    void sizeMismatch_returnsCommandSize() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HEX.parseHex("80010000000d0000017b0008")))).isEqualTo(TpmRc.COMMAND_SIZE);
        assertThat(rcOf(t.raw(HEX.parseHex("8001000000")))).isEqualTo(TpmRc.COMMAND_SIZE);
    }

    @Test
    void unknownCommand_returnsCommandCode() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HEX.parseHex("80010000000a20001000")))).isEqualTo(TpmRc.COMMAND_CODE);
    }

    @Test
    void truncatedParameter_returnsInsufficientOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HEX.parseHex("80010000000b0000017b00")))).isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
    }

    @Test
    void trailingBytes_returnSize() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HEX.parseHex("80010000000d0000017b000800")))).isEqualTo(TpmRc.SIZE);
    }

    @Test
    void clockSurvivesPowerCycle_andResetCountGrows() {
        TestTpm t = TestTpm.started();
        t.millis.addAndGet(5_000);
        long before = t.run(new ReadClock()).orThrow().currentTime().clockInfo().clock();
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        var info = t.run(new ReadClock()).orThrow().currentTime();
        assertThat(info.clockInfo().clock()).isGreaterThanOrEqualTo(before);
        assertThat(info.clockInfo().resetCount()).isEqualTo(2);
        assertThat(info.time()).isZero();
    }

    @Test
    void passwordSessionWithWrongPassword_returnsBadAuth() {
        TestTpm t = TestTpm.started();
        var r = t.run(new dev.jtpm.types.command.ClockSet(dev.jtpm.types.TpmRh.OWNER, 1L << 40),
                java.util.List.of(Bytes.of((byte) 1)));
        assertThat(r.rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.run(new dev.jtpm.types.command.ClockSet(dev.jtpm.types.TpmRh.OWNER, 1L << 40)).ok()).isTrue();
    }

    @Test
    void defaultProfile_manufacturesEveryBankWithAll24Pcrs_asLibtpms() {
        Tpm tpm = new Tpm(dev.jtpm.engine.platform.Platform.deterministic(1, () -> 0L));
        tpm.init();
        tpm.execute(dev.jtpm.types.command.CommandBytes.encode(new Startup(TpmSu.CLEAR)), 0);
        var cmd = new dev.jtpm.types.command.GetCapability(dev.jtpm.types.TpmCap.PCRS, 0, 1);
        var pcrs = (dev.jtpm.types.structure.TpmlPcrSelection) dev.jtpm.types.command.CommandBytes
                .decode(cmd, tpm.execute(dev.jtpm.types.command.CommandBytes.encode(cmd), 0)).orThrow().capabilityData().data();
        assertThat(pcrs.pcrSelections()).hasSize(4)
                .allSatisfy(sel -> assertThat(sel.pcrSelect().toHex()).isEqualTo("ffffff"));
    }

    @Test
    void handleTypeIsCheckedBeforeAuthorization_asLibtpms() {
        TestTpm t = TestTpm.started();
        var allocate = new dev.jtpm.types.command.PcrAllocate(dev.jtpm.types.TpmRh.OWNER,
                new dev.jtpm.types.structure.TpmlPcrSelection(java.util.List.of()));
        assertThat(t.run(allocate, java.util.List.of(Bytes.of((byte) 9))).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }
}
