package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TDES key rules as libtpms applies them (the same keys swtpm refuses with TPM_RC_KEY; see the interop test). */
class TdesKeysTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @CsvSource({
            "0123456789abcdeffedcba9876543210, true",
            "01010101010101010123456789abcdef, false",    // weak K1
            "00000000000000000123456789abcdef, false",    // weak once parity is set
            "0123456789abcdef0123456789abcdef, false",    // K1 = K2
            "0123456789abcdef0023456789abcdef, false",    // K1 = K2 up to parity
            "1123456789abcdef0123456789abcdef0123456789abcdef, false",   // K2 = K3
            "0123456789abcdef1123456789abcdef0123456789abcdef, true",    // K1 = K3 is allowed
            "1123456789abcdef0123456789abcdeffefefefefefefefe, false",   // weak K3
            "011f011f010e010e0123456789abcdef, false",    // semi-weak
            "0123456789abcdef, false"})                   // single DES
    void isValid_asLibtpms(String key, boolean valid) {
        assertThat(TdesKeys.isValid(HEX.parseHex(key))).isEqualTo(valid);
    }

    @Test
    void withOddParity_setsTheLowBitOnly() {
        byte[] k = TdesKeys.withOddParity(HEX.parseHex("0001fe7f80"));
        assertThat(HEX.formatHex(k)).isEqualTo("0101fe7f80");
        for (int b = 0; b < 256; b++) {
            byte p = TdesKeys.oddParity((byte) b);
            assertThat(Integer.bitCount(p & 0xFF) % 2).isEqualTo(1);
            assertThat(p & 0xFE).isEqualTo(b & 0xFE);
        }
    }

    @Test
    void generate_drawsAgainUntilValid_withOddParity() {
        // a stream whose first draw is a weak key: the second draw is taken
        byte[] stream = HEX.parseHex("0101010101010101" + "0123456789abcdef" + "0123456789abcdef" + "fedcba9876543210");
        int[] at = {0};
        RandomBits bits = out -> {
            System.arraycopy(stream, at[0], out, 0, out.length);
            at[0] += out.length;
        };
        assertThat(HEX.formatHex(TdesKeys.generate(bits, 128).toArray())).isEqualTo("0123456789abcdeffedcba9876543210");
        for (int i = 0; i < 100; i++) {
            byte[] k = TdesKeys.generate(RandomBits.of(new java.security.SecureRandom(new byte[] {(byte) i})), 192).toArray();
            assertThat(k).hasSize(24);
            assertThat(TdesKeys.isValid(k)).isTrue();
            for (byte b : k) assertThat(Integer.bitCount(b & 0xFF) % 2).isEqualTo(1);
        }
    }
}
