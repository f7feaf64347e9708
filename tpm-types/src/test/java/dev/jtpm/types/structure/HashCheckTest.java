package dev.jtpm.types.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Implemented hash" in TPMS_PCR_SELECTION and TPMT_HA is an unmarshalling check ({@code @Is}), not
 * a constructor check: clients build and lenient readers decode banks the TPM lacks, while a strict
 * read still answers TPM_RC_HASH on the same parameter as before.
 */
class HashCheckTest {
    private static final HexFormat HEX = HexFormat.of();

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        return TpmRc.SUCCESS;
    }

    @Test
    void pcrSelection_unimplementedBank_canBeBuiltAndEncoded() {
        TpmsPcrSelection sm3 = TpmsPcrSelection.of(TpmAlg.SM3_256, 0, 1);
        assertThat(HEX.formatHex(TpmCodec.encode(sm3))).isEqualTo("0012" + "03" + "030000");
    }

    @Test
    void pcrSelection_unimplementedBank_strictDecodeReturnsHash_lenientDecodeKeepsIt() {
        byte[] bytes = HEX.parseHex("00000001" + "0012" + "03" + "ffffff");
        assertThat(rcOf(() -> TpmCodec.decode(TpmlPcrSelection.class, bytes))).isEqualTo(TpmRc.HASH);
        TpmlPcrSelection lenient = TpmCodec.decodeLenient(TpmlPcrSelection.class, bytes);
        assertThat(lenient.pcrSelections().get(0).hash()).isEqualTo(TpmAlg.SM3_256);
        assertThat(lenient.pcrSelections().get(0).isSelected(23)).isTrue();
    }

    @Test
    void pcrRead_unimplementedBank_returnsHashOnParameter1() {
        TpmReader params = new TpmReader(HEX.parseHex("00000001" + "0027" + "03" + "010000"));
        assertThat(rcOf(() -> TpmCodec.of(PcrRead.class).readCommand(new int[0], params))).isEqualTo(TpmRc.HASH.atParameter(1));
    }

    @Test
    void pcrSelection_sizeofSelectOutOfRange_isStillValueAlsoWhenLenient() {
        assertThatThrownBy(() -> new TpmsPcrSelection(TpmAlg.SHA256, Bytes.zeros(4)))
                .isInstanceOfSatisfying(TpmFailure.class, f -> assertThat(f.rc()).isEqualTo(TpmRc.VALUE));
        byte[] bytes = HEX.parseHex("00000001" + "0012" + "02" + "ffff");
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmlPcrSelection.class, bytes))).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void ha_unimplementedHash_canBeBuiltAndEncoded() {
        TpmtHa ha = new TpmtHa(TpmAlg.SHA3_256, Bytes.zeros(32));
        assertThat(HEX.formatHex(TpmCodec.encode(ha))).isEqualTo("0027" + "00".repeat(32));
    }

    @Test
    void ha_unimplementedHash_strictDecodeReturnsHash_lenientDecodeKeepsIt() {
        byte[] bytes = HEX.parseHex("0012" + "ab".repeat(32));
        assertThat(rcOf(() -> TpmCodec.decode(TpmtHa.class, bytes))).isEqualTo(TpmRc.HASH);
        assertThat(TpmCodec.decodeLenient(TpmtHa.class, bytes)).isEqualTo(new TpmtHa(TpmAlg.SM3_256, Bytes.fromHex("ab".repeat(32))));
    }

    @Test
    void ha_hashOfUnknownSize_isHashEvenWhenLenient() {
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtHa.class, HEX.parseHex("0099")))).isEqualTo(TpmRc.HASH);
    }

    @Test
    void pcrExtend_unimplementedDigest_returnsHashOnParameter1() {
        TpmReader params = new TpmReader(HEX.parseHex("00000001" + "0012" + "00".repeat(32)));
        assertThat(rcOf(() -> TpmCodec.of(PcrExtend.class).readCommand(new int[] {0}, params))).isEqualTo(TpmRc.HASH.atParameter(1));
        // and a client can still build the command for a TPM that has the bank
        PcrExtend cmd = new PcrExtend(0, new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SM3_256, Bytes.zeros(32)))));
        assertThat(TpmCodec.encode(cmd)).hasSize(4 + 4 + 2 + 32);
    }
}
