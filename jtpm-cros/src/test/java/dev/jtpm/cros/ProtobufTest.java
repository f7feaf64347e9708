package dev.jtpm.cros;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link Protobuf}'s parser on what the generated adaptor's protobuf parser accepts or refuses: unknown fields of
 * every wire type skipped, groups included (VtpmDbusFuzzTest's finding: a request with an unknown group was refused
 * with a D-Bus error the reference does not send), tags and lengths read as protobuf's C++ parser reads them.
 */
class ProtobufTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void parse_unknownGroupBeforeTheCommand_isSkipped() {
        // field 5 START_GROUP { field 6 varint 1, field 7 START_GROUP { } } field 5 END_GROUP, then command = 0x0102
        byte[] msg = HEX.parseHex("2b" + "3001" + "3b3c" + "2c" + "0a020102");
        assertThat(Protobuf.parse(msg).bytes(1)).containsExactly(1, 2);
    }

    @Test
    void parse_lastCommandWins_unknownFieldsSkipped() {
        byte[] msg = HEX.parseHex("0a0101" + "10ac02" + "1d00000000" + "210000000000000000" + "3a0178" + "0a0102");
        assertThat(Protobuf.parse(msg).bytes(1)).containsExactly(2);
    }

    @Test
    void parse_groupNotEnded_orEndedByAnother_orEndOutsideAGroup_isRefused() {
        assertThatThrownBy(() -> Protobuf.parse(HEX.parseHex("2b3001"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("truncated group 5");
        assertThatThrownBy(() -> Protobuf.parse(HEX.parseHex("2b34"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("group 5 ended by 6");
        assertThatThrownBy(() -> Protobuf.parse(HEX.parseHex("2c0a0101"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported wire type 4");
    }

    @Test
    void parse_groupsNestedBeyondTheLimit_isRefused() {
        byte[] msg = HEX.parseHex("2b".repeat(120));
        assertThatThrownBy(() -> Protobuf.parse(msg)).isInstanceOf(IllegalArgumentException.class).hasMessage("groups nested too deep");
    }

    @Test
    void parse_tagsAndLengths_asTheCppParserReadsThem() {
        // a five-octet tag is truncated to 32 bits (0x7_0000_000A → 0x0A: field 1, length-delimited)
        assertThat(Protobuf.parse(HEX.parseHex("8a80808070" + "02" + "0102")).bytes(1)).containsExactly(1, 2);
        // a six-octet tag, a six-octet length and a length of 2^31 are refused (protobuf-java would read them)
        assertThatThrownBy(() -> Protobuf.parse(HEX.parseHex("8a8080808000" + "02" + "0102"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tag longer than five octets");
        assertThatThrownBy(() -> Protobuf.parse(HEX.parseHex("0a" + "828080808000" + "0102"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("length beyond 2 GiB");
        assertThatThrownBy(() -> Protobuf.parse(HEX.parseHex("0a" + "8080808008"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("length beyond 2 GiB");
    }
}
