package dev.jtpm.eve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.jtpm.eve.proto.EveTPMRequest;
import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The N+4 framing: golden bytes, the padding rule at each varint size, truncated and oversized input, a fuzz run. */
class EveFrameTest {

    @Test
    void encode_smallMessage_oneByteVarintThreeZeroPadBytes() {
        EveTPMRequest r = EveTPMRequest.newBuilder().setCommand(" tpm2_getcap algorithms").build();
        // field 1, wire type 2: 0x0a, length 0x17, then the string
        assertThat(HexFormat.of().formatHex(r.toByteArray())).isEqualTo("0a17" + java.util.HexFormat.of().formatHex(" tpm2_getcap algorithms".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] f = EveFrame.encode(r.toByteArray());
        assertThat(f).hasSize(25 + 4);
        assertThat(f[0]).isEqualTo((byte) 25);
        assertThat(HexFormat.of().formatHex(f, 26, 29)).isEqualTo("000000");
    }

    @Test
    void encode_padsToNPlus4_atEachVarintSize() {
        for (int n : new int[] {0, 1, 127, 128, 16383, 16384, 2_097_151, 2_097_152}) {
            byte[] f = EveFrame.encode(new byte[n]);
            assertThat(f).as("N=%d", n).hasSize(n + 4);
        }
        assertThat(EveFrame.encode(new byte[300])).startsWith((byte) 0xac, (byte) 0x02);
    }

    @Test
    void read_ignoresPadding_reportsIt() throws Exception {
        byte[] f = EveFrame.encode(new byte[] {1, 2, 3});
        EveFrame.Read r = EveFrame.read(new ByteArrayInputStream(f), EveFrame.MAX_MESSAGE);
        assertThat(r.message()).containsExactly(1, 2, 3);
        assertThat(r.padding()).isEqualTo(3);
        byte[] two = new byte[200];
        assertThat(EveFrame.read(new ByteArrayInputStream(EveFrame.encode(two)), EveFrame.MAX_MESSAGE).padding()).isEqualTo(2);
    }

    @Test
    void read_refusals() {
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[0]), 100))
                .extracting(e -> ((EveFrame.FrameException) e).kind()).isEqualTo(EveFrame.FrameException.Kind.EMPTY);
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[] {(byte) 0x80}), 100))
                .extracting(e -> ((EveFrame.FrameException) e).kind()).isEqualTo(EveFrame.FrameException.Kind.TRUNCATED);
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[] {10, 1, 2}), 100))
                .extracting(e -> ((EveFrame.FrameException) e).kind()).isEqualTo(EveFrame.FrameException.Kind.TRUNCATED);
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[] {0, 0, 0, 0}), 100))
                .hasMessage("Invalid request length:0");
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[] {(byte) 0xfd, 0x4f}), EveFrame.MAX_MESSAGE))
                .hasMessage("Request size 10237 is too large (at most 10236)");
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[] {-1, -1, -1, -1, 0x0f}), EveFrame.MAX_MESSAGE))
                .extracting(e -> ((EveFrame.FrameException) e).kind()).isEqualTo(EveFrame.FrameException.Kind.BAD_LENGTH);
        assertThatThrownBy(() -> EveFrame.read(new ByteArrayInputStream(new byte[] {-1, -1, -1, -1, -1, 1}), EveFrame.MAX_MESSAGE))
                .hasMessage("request length longer than 5 bytes");
    }

    @Test
    void read_maxSize_accepted() throws Exception {
        byte[] m = new byte[EveFrame.MAX_MESSAGE];
        assertThat(EveFrame.read(new ByteArrayInputStream(EveFrame.encode(m)), EveFrame.MAX_MESSAGE).message()).hasSize(10236);
    }

    /** Random and mutated frames: the decoder, the parser and the policy only ever refuse, never fail otherwise. */
    @Test
    void fuzz_decoderParserPolicy_neverThrowUnexpected() {
        Random rnd = new Random(14);
        byte[] seed = EveFrame.encode(EveTPMRequest.newBuilder().setCommand(" tpm2_sign -c 0x81000003 -o s -t t d")
                .addExpectedFiles("s").addInputFiles(dev.jtpm.eve.proto.File.newBuilder().setName("d")).build().toByteArray());
        int decoded = 0, parsed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] f;
            if (i % 2 == 0) {
                f = seed.clone();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
                if (rnd.nextInt(8) == 0) f = java.util.Arrays.copyOf(f, rnd.nextInt(f.length + 1));
            } else {
                f = new byte[rnd.nextInt(40)];
                rnd.nextBytes(f);
            }
            byte[] m;
            try {
                m = EveFrame.decode(f, EveFrame.MAX_MESSAGE);
                decoded++;
            } catch (EveFrame.FrameException e) {
                continue;
            }
            try {
                EveTPMRequest r = EveTPMRequest.parseFrom(m);
                parsed++;
                CommandPolicy.check(r);
            } catch (InvalidProtocolBufferException e) {
                // "Incorrect request format"
            }
        }
        assertThat(decoded).isPositive();
        assertThat(parsed).isPositive();
    }
}
