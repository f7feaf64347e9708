package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CtrlResponseTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void goldenReplies_matchTheVerifiedSwtpmTrace() {
        assertThat(HEX.formatHex(CtrlResponse.capability(0xffff))).isEqualTo("000000000000ffff");
        assertThat(HEX.formatHex(CtrlResponse.bufferSize(4096, 2808, 4096))).isEqualTo("000000000000100000000af800001000");
        assertThat(HEX.formatHex(CtrlResponse.established(false))).isEqualTo("0000000000000000");
        assertThat(HEX.formatHex(CtrlResponse.established(true))).isEqualTo("0000000001000000");
        assertThat(HEX.formatHex(CtrlResponse.result(Ptm.TPM_BAD_ORDINAL))).isEqualTo("0000000a");
    }

    @Test
    void stateBlobError_isAlwaysTheSixteenByteHeader() {
        assertThat(HEX.formatHex(CtrlResponse.stateBlob(Ptm.TPM_RETRY, 0, new byte[] {1, 2})))
                .isEqualTo("00000800000000000000000000000000");
        assertThat(HEX.formatHex(CtrlResponse.stateBlob(0, 0, new byte[] {1, 2})))
                .isEqualTo("000000000000000000000002000000020102");
    }

    @Test
    void info_countsTheNulInTotLength() {
        byte[] r = CtrlResponse.info(3, new byte[] {'{', '}', 0});
        assertThat(HEX.formatHex(r)).isEqualTo("00000000" + "00000003" + "00000003" + "7b7d00");
    }
}
