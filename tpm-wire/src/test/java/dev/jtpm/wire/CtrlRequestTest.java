package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CtrlRequestTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void encode_goldenBytes() {
        assertThat(hex(new CtrlRequest.GetCapability())).isEqualTo("00000001");
        assertThat(hex(new CtrlRequest.Init(1))).isEqualTo("0000000200000001");
        assertThat(hex(new CtrlRequest.SetLocality(0))).isEqualTo("0000000500");
        assertThat(hex(new CtrlRequest.HashData(new byte[] {1, 2}))).isEqualTo("00000007000000020102");
        assertThat(hex(new CtrlRequest.ResetTpmEstablished(3))).isEqualTo("0000000b03");
        assertThat(hex(new CtrlRequest.GetStateBlob(1, 2, 0))).isEqualTo("0000000c000000010000000200000000");
        assertThat(hex(new CtrlRequest.SetStateBlob(0, 3, new byte[] {9}))).isEqualTo("0000000d00000000000000030000000109");
        assertThat(hex(new CtrlRequest.Stop())).isEqualTo("0000000e");
        assertThat(hex(new CtrlRequest.SetBufferSize(4096))).isEqualTo("0000001100001000");
        assertThat(hex(new CtrlRequest.GetInfo(3, 0))).isEqualTo("00000012" + "0000000000000003" + "00000000" + "00000000");
        assertThat(hex(new CtrlRequest.LockStorage(300))).isEqualTo("000000130000012c");
    }

    @Test
    void decode_roundTripsEveryCommand() {
        List<CtrlRequest> all = List.of(new CtrlRequest.GetCapability(), new CtrlRequest.Init(1), new CtrlRequest.Shutdown(),
                new CtrlRequest.GetTpmEstablished(), new CtrlRequest.SetLocality(4), new CtrlRequest.HashStart(),
                new CtrlRequest.HashEnd(), new CtrlRequest.CancelTpmCmd(), new CtrlRequest.StoreVolatile(),
                new CtrlRequest.ResetTpmEstablished(3), new CtrlRequest.GetStateBlob(1, 1, 7), new CtrlRequest.Stop(),
                new CtrlRequest.GetConfig(), new CtrlRequest.SetDataFd(), new CtrlRequest.SetBufferSize(0),
                new CtrlRequest.GetInfo(2, 5), new CtrlRequest.LockStorage(3));
        for (CtrlRequest r : all) {
            assertThat(CtrlRequest.decode(r.encode())).as(r.toString()).isEqualTo(r);
            assertThat(CtrlRequest.needed(r.encode(), r.encode().length)).isEqualTo(r.encode().length);
        }
        CtrlRequest.HashData h = (CtrlRequest.HashData) CtrlRequest.decode(new CtrlRequest.HashData(new byte[] {5, 6}).encode());
        assertThat(h.data()).containsExactly(5, 6);
    }

    @Test
    void decode_wrongPayloadSizes_areMalformed() {
        assertThat(CtrlRequest.decode(HEX.parseHex("00000002000000"))).isInstanceOf(CtrlRequest.Malformed.class);
        assertThat(CtrlRequest.decode(HEX.parseHex("000000020000000000"))).isInstanceOf(CtrlRequest.Malformed.class);
        assertThat(CtrlRequest.decode(HEX.parseHex("0000000e00"))).isInstanceOf(CtrlRequest.Malformed.class);
        assertThat(CtrlRequest.decode(HEX.parseHex("00000005"))).isInstanceOf(CtrlRequest.Malformed.class);
        assertThat(CtrlRequest.decode(HEX.parseHex("0000001200"))).isInstanceOf(CtrlRequest.Malformed.class);
    }

    @Test
    void decode_qemuPaddedLocality_isAccepted() {
        assertThat(CtrlRequest.decode(HEX.parseHex("0000000503000000"))).isEqualTo(new CtrlRequest.SetLocality(3));
    }

    @Test
    void decode_unknownCode() {
        assertThat(CtrlRequest.decode(HEX.parseHex("00000099"))).isEqualTo(new CtrlRequest.Unknown(0x99));
    }

    @Test
    void needed_growsWithTheDeclaredDataLength() {
        byte[] b = HEX.parseHex("0000000700000010");
        assertThat(CtrlRequest.needed(b, 2)).isEqualTo(4);
        assertThat(CtrlRequest.needed(b, 4)).isEqualTo(8);
        assertThat(CtrlRequest.needed(b, 8)).isEqualTo(8 + 16);
        byte[] s = HEX.parseHex("0000000d000000000000000100000100");
        assertThat(CtrlRequest.needed(s, 16)).isEqualTo(16 + 256);
    }

    private static String hex(CtrlRequest r) { return HEX.formatHex(r.encode()); }
}
