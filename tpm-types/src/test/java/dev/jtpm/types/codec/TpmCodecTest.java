package dev.jtpm.types.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.GetCapabilityResponse;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsCapabilityData;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsTaggedProperty;
import dev.jtpm.types.structure.TpmtHa;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TpmCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    @Test
    void pcrSelection_goldenBytes() {
        TpmlPcrSelection sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 7, 16)));
        byte[] b = TpmCodec.encode(sel);
        assertThat(HEX.formatHex(b)).isEqualTo("00000001" + "000b" + "03" + "810001");
        assertThat(TpmCodec.decode(TpmlPcrSelection.class, b)).isEqualTo(sel);
    }

    @Test
    void pcrSelection_unknownHash_isHash() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmlPcrSelection.class, HEX.parseHex("000000010099" + "03000000"))))
                .isEqualTo(TpmRc.HASH);
    }

    @Test
    void pcrSelection_selectSizeOutOfRange_isValue() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmlPcrSelection.class, HEX.parseHex("00000001000b" + "0500000000000"
                + "0")))).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void list_countAboveMax_isSize() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmlPcrSelection.class, HEX.parseHex("00000005"))))
                .isEqualTo(TpmRc.SIZE);
    }

    @Test
    void truncated_isInsufficient_andTrailing_isSize() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmlPcrSelection.class, HEX.parseHex("00000001000b03")))).isEqualTo(TpmRc.INSUFFICIENT);
        assertThat(rcOf(() -> TpmCodec.decode(TpmlPcrSelection.class, HEX.parseHex("0000000000")))).isEqualTo(TpmRc.SIZE);
    }

    @Test
    void taggedHash_digestSizeFollowsAlgorithm() {
        TpmtHa ha = new TpmtHa(TpmAlg.SHA1, Bytes.zeros(20));
        byte[] b = TpmCodec.encode(new TpmlDigestValues(List.of(ha)));
        assertThat(b).hasSize(4 + 2 + 20);
        assertThat(TpmCodec.decode(TpmlDigestValues.class, b).digests()).containsExactly(ha);
        // a SHA-256 tag with only 20 bytes of digest is short
        byte[] bad = HEX.parseHex("00000001000b" + "00".repeat(20));
        assertThat(rcOf(() -> TpmCodec.decode(TpmlDigestValues.class, bad))).isEqualTo(TpmRc.INSUFFICIENT);
    }

    @Test
    void union_writesSelectorFromArm_andRejectsUnknownSelector() {
        GetCapabilityResponse r = new GetCapabilityResponse(false, new TpmsCapabilityData(
                new TpmlTaggedTpmProperty(List.of(new TpmsTaggedProperty(0x100, 0x322E3000)))));
        byte[] b = TpmCodec.encode(r);
        assertThat(HEX.formatHex(b)).isEqualTo("00" + "00000006" + "00000001" + "00000100" + "322e3000");
        assertThat(TpmCodec.decode(GetCapabilityResponse.class, b)).isEqualTo(r);
        assertThat(rcOf(() -> TpmCodec.decode(TpmsCapabilityData.class, HEX.parseHex("0000006300000000"))))
                .isEqualTo(TpmRc.VALUE);
    }

    @Test
    void yesNo_aboveOne_isValue() {
        assertThat(rcOf(() -> TpmCodec.decode(GetCapabilityResponse.class, HEX.parseHex("020000000600000000"))))
                .isEqualTo(TpmRc.VALUE);
    }

    @Test
    void command_failureCarriesParameterIndex() {
        TpmCodec.RecordCodec<Hash> c = TpmCodec.of(Hash.class);
        // data "ab", hashAlg 0x0099 (unknown) → TPM_RC_HASH on parameter 2
        byte[] params = HEX.parseHex("0002abcd" + "0099" + "40000001");
        assertThat(rcOf(() -> c.readCommand(new int[0], new TpmReader(params)))).isEqualTo(TpmRc.HASH.atParameter(2));
        // hierarchy 0x40000002 → TPM_RC_VALUE on parameter 3
        byte[] params2 = HEX.parseHex("0002abcd" + "000b" + "40000002");
        assertThat(rcOf(() -> c.readCommand(new int[0], new TpmReader(params2)))).isEqualTo(TpmRc.VALUE.atParameter(3));
        // data larger than TPM2B_MAX_BUFFER → TPM_RC_SIZE on parameter 1
        byte[] params3 = HEX.parseHex("0401");
        assertThat(rcOf(() -> c.readCommand(new int[0], new TpmReader(params3)))).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void command_handlesComeFromTheHandleArea() {
        TpmCodec.RecordCodec<PcrExtend> c = TpmCodec.of(PcrExtend.class);
        assertThat(c.handleCount()).isEqualTo(1);
        PcrExtend e = c.readCommand(new int[] {16}, new TpmReader(HEX.parseHex("00000000")));
        assertThat(e.pcrHandle()).isEqualTo(16);
        assertThat(c.handles(e)).containsExactly(16);
    }

    @Test
    void randomInput_neverThrowsAnythingButTpmFailure() {
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(40)];
            rnd.nextBytes(b);
            for (Class<? extends Record> t : List.of(TpmlPcrSelection.class, TpmlDigestValues.class,
                    GetCapabilityResponse.class)) {
                try {
                    TpmCodec.decode(t, b);
                } catch (TpmFailure expected) {
                    // the only allowed failure
                }
            }
        }
    }

    @Test
    void sizeLimitedBytes_rejectOversize() {
        assertThatThrownBy(() -> TpmCodec.decode(dev.jtpm.types.command.StirRandom.class, HEX.parseHex("0081" + "00".repeat(129))))
                .isInstanceOf(TpmFailure.class);
    }
}
