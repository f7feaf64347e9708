package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DataFrameDecoderTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] GET_RANDOM_8 = HEX.parseHex("80010000000c0000017b0008");

    @Test
    void wholeCommand_isOneFrame() {
        DataFrameDecoder d = new DataFrameDecoder(4096);
        d.feed(GET_RANDOM_8, 0, GET_RANDOM_8.length);
        DataFrame f = d.next();
        assertThat(f).isInstanceOf(DataFrame.Command.class);
        assertThat(((DataFrame.Command) f).command()).isEqualTo(GET_RANDOM_8);
        assertThat(((DataFrame.Command) f).enveloped()).isFalse();
        assertThat(d.next()).isNull();
    }

    @Test
    void byteByByte_completesOnlyAtTheLastByte() {
        DataFrameDecoder d = new DataFrameDecoder(4096);
        for (int i = 0; i < GET_RANDOM_8.length - 1; i++) {
            d.feed(GET_RANDOM_8, i, 1);
            assertThat(d.next()).as("after %d bytes", i + 1).isNull();
        }
        d.feed(GET_RANDOM_8, GET_RANDOM_8.length - 1, 1);
        assertThat(d.next()).isInstanceOf(DataFrame.Command.class);
    }

    @Test
    void twoCommandsInOneRead_areTwoFrames() {
        byte[] two = new byte[24];
        System.arraycopy(GET_RANDOM_8, 0, two, 0, 12);
        System.arraycopy(GET_RANDOM_8, 0, two, 12, 12);
        DataFrameDecoder d = new DataFrameDecoder(4096);
        d.feed(two, 0, 24);
        assertThat(d.next()).isNotNull();
        assertThat(d.next()).isNotNull();
        assertThat(d.next()).isNull();
        assertThat(d.buffered()).isZero();
    }

    @Test
    void envelope_carriesLocalityAndCommand() {
        byte[] env = SendCommandEnvelope.wrapCommand(3, GET_RANDOM_8);
        assertThat(HEX.formatHex(env)).isEqualTo("00000008030000000c" + "80010000000c0000017b0008");
        DataFrameDecoder d = new DataFrameDecoder(4096);
        for (byte b : env) d.feed(new byte[] {b}, 0, 1);
        DataFrame.Command c = (DataFrame.Command) d.next();
        assertThat(c.locality()).isEqualTo(3);
        assertThat(c.enveloped()).isTrue();
        assertThat(c.command()).isEqualTo(GET_RANDOM_8);
    }

    @Test
    void sizeBelowTen_isMalformed() {
        DataFrameDecoder d = new DataFrameDecoder(4096);
        byte[] bad = HEX.parseHex("800100000009000001");
        d.feed(bad, 0, bad.length);
        assertThat(d.next()).isEqualTo(new DataFrame.Malformed(9, false));
        d.feed(GET_RANDOM_8, 0, 12);
        assertThat(d.next()).as("a failed stream stays failed").isNull();
    }

    @Test
    void oversized_isMalformedBeforeTheBodyArrives() {
        DataFrameDecoder d = new DataFrameDecoder(4096);
        byte[] big = HEX.parseHex("800100001001");
        d.feed(big, 0, big.length);
        assertThat(d.next()).isEqualTo(new DataFrame.Malformed(4097, false));
        DataFrameDecoder e = new DataFrameDecoder(4096);
        byte[] hugeEnvelope = HEX.parseHex("0000000800ffffffff");
        e.feed(hugeEnvelope, 0, hugeEnvelope.length);
        assertThat(e.next()).isEqualTo(new DataFrame.Malformed(0xffffffffL, true));
    }

    @Test
    void maximumSize_isAccepted() {
        byte[] max = new byte[4096];
        max[0] = (byte) 0x80;
        max[1] = 1;
        BigEndian.put32(max, 2, 4096);
        DataFrameDecoder d = new DataFrameDecoder(4096);
        d.feed(max, 0, max.length);
        assertThat(d.next()).isInstanceOf(DataFrame.Command.class);
    }

    @Test
    void envelopedResponse_hasSizeAndZeroTrailer() {
        byte[] rsp = new byte[20];
        byte[] w = SendCommandEnvelope.wrapResponse(rsp);
        assertThat(w).hasSize(28);
        assertThat(BigEndian.u32(w, 0)).isEqualTo(20);
        assertThat(BigEndian.u32(w, 24)).isZero();
    }
}
