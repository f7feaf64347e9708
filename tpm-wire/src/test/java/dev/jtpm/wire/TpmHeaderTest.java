package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TpmHeaderTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void errorResponse_failure_isSwtpmsNotInitializedReply() {
        assertThat(HEX.formatHex(TpmHeader.errorResponse(TpmHeader.RC_FAILURE))).isEqualTo("80010000000a00000101");
    }

    @Test
    void shutdownAndStartup_haveTheSpecBytes() {
        assertThat(HEX.formatHex(TpmHeader.shutdown(TpmHeader.SU_STATE))).isEqualTo("80010000000c000001450001");
        assertThat(HEX.formatHex(TpmHeader.startup(TpmHeader.SU_CLEAR))).isEqualTo("80010000000c000001440000");
    }

    @Test
    void parse_readsTagSizeCode() {
        assertThat(TpmHeader.parse(HEX.parseHex("80010000000c0000017b0008")))
                .isEqualTo(new TpmHeader(0x8001, 12, 0x17b));
        assertThat(TpmHeader.responseCode(HEX.parseHex("8001000000"))).isEqualTo(-1);
        assertThatThrownBy(() -> TpmHeader.parse(new byte[9])).isInstanceOf(IllegalArgumentException.class);
    }
}
