package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.TpmAlg;

import org.junit.jupiter.api.Test;

class XorObfuscationTest {
    @Test
    void apply_isTheKdfaXorMask_andItsOwnInverse() {
        byte[] key = {1, 2}, u = {3}, v = {4}, data = "parameter".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] once = XorObfuscation.apply(TpmAlg.SHA256, key, u, v, data);
        byte[] mask = Kdf.kdfa(TpmAlg.SHA256, key, "XOR", u, v, data.length * 8);
        for (int i = 0; i < data.length; i++) assertThat(once[i]).isEqualTo((byte) (data[i] ^ mask[i]));
        assertThat(XorObfuscation.apply(TpmAlg.SHA256, key, u, v, once)).isEqualTo(data);
        assertThat(XorObfuscation.apply(TpmAlg.SHA256, key, u, v, new byte[0])).isEmpty();
    }
}
