package dev.jtpm.crypto;

import static dev.jtpm.crypto.Vectors.alg;
import static dev.jtpm.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.TpmAlg;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.KDF2BytesGenerator;
import org.bouncycastle.crypto.generators.KDFCounterBytesGenerator;
import org.bouncycastle.crypto.generators.MGF1BytesGenerator;
import org.bouncycastle.crypto.agreement.kdf.ConcatenationKDFGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KDFCounterParameters;
import org.bouncycastle.crypto.params.KDFParameters;
import org.bouncycastle.crypto.params.MGFParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KdfTest {
    static Stream<Arguments> kdfaVectors() { return Vectors.csv("kdfa-vectors.csv"); }

    static Stream<Arguments> kdfeVectors() { return Vectors.csv("kdfe-vectors.csv"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kdfaVectors")
    void kdfa_matchesPublishedVector(String source, String hash, String key, String label, String u, String v, String bits, String result) {
        assertThat(hex(Kdf.kdfa(alg(hash), hex(key), hex(label), hex(u), hex(v), Integer.parseInt(bits)))).isEqualTo(result.toLowerCase());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kdfeVectors")
    void kdfe_matchesPublishedVector(String source, String hash, String z, String label, String u, String v, String bits, String result) {
        assertThat(hex(Kdf.kdfe(alg(hash), hex(z), label, hex(u), hex(v), Integer.parseInt(bits)))).isEqualTo(result);
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void kdfa_agreesWithBouncyCastleSp800108CounterMode(int hashAlg) {
        Random r = new Random(hashAlg);
        for (int i = 0; i < 50; i++) {
            byte[] key = bytes(r, r.nextInt(70)), u = bytes(r, r.nextInt(40)), v = bytes(r, r.nextInt(40));
            String label = "LABEL" + i;
            int bytes = 1 + r.nextInt(200);
            byte[] ours = Kdf.kdfa(hashAlg, key, label, u, v, bytes * 8);
            // Independent: SP800-108 counter mode, 32-bit counter before the fixed input
            // Label || 0x00 || ContextU || ContextV || [L]32.
            byte[] fixed = concat(label.getBytes(StandardCharsets.US_ASCII), new byte[1], u, v, Octets.u32(bytes * 8));
            KDFCounterBytesGenerator g = new KDFCounterBytesGenerator(new HMac(bcDigest(hashAlg)));
            g.init(new KDFCounterParameters(key.length == 0 ? new byte[1] : key, null, fixed, 32));
            byte[] theirs = new byte[bytes];
            g.generateBytes(theirs, 0, bytes);
            assertThat(ours).as("case %d", i).isEqualTo(theirs);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void kdfe_agreesWithBouncyCastleConcatenationKdf(int hashAlg) {
        Random r = new Random(hashAlg * 7L);
        for (int i = 0; i < 50; i++) {
            byte[] z = bytes(r, 1 + r.nextInt(66)), u = bytes(r, r.nextInt(66)), v = bytes(r, r.nextInt(66));
            int bytes = 1 + r.nextInt(200);
            byte[] ours = Kdf.kdfe(hashAlg, z, "SECRET", u, v, bytes * 8);
            ConcatenationKDFGenerator g = new ConcatenationKDFGenerator(bcDigest(hashAlg));
            g.init(new KDFParameters(z, concat("SECRET".getBytes(StandardCharsets.US_ASCII), new byte[1], u, v)));
            byte[] theirs = new byte[bytes];
            g.generateBytes(theirs, 0, bytes);
            assertThat(ours).as("case %d", i).isEqualTo(theirs);
        }
    }

    /** ISO/IEC 18033-2 KDF2 examples (as Bouncy Castle's KDF2GeneratorTest carries them), with no otherInfo. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "11, 032e45326fa859a72ec235acff929b15d1372e30b207255f0611b8f785d764374152e0ac009e509e7ba30cd2f1778e113b64e135cf4e2292c75efe5288edfda4, "
                    + "10a2403db42a8743cb989de86e668d168cbe6046e23ff26f741e87949a3bba1311ac179f819a3d18412e9eb45668f2923c087c1299005f8d5fd42ca257bc93e8fee0c5a0d2a8aa70185401fbbd99379ec76c663e9a29d0b70f3fe261a59cdc24875a60b4aacb1319fa11c3365a8b79a44669f26fba933d012db213d7e3b16349",
            "4, 032e45326fa859a72ec235acff929b15d1372e30b207255f0611b8f785d764374152e0ac009e509e7ba30cd2f1778e113b64e135cf4e2292c75efe5288edfda4, "
                    + "0e6a26eb7b956ccb8b3bdc1ca975bc57c3989e8fbad31a224655d800c46954840ff32052cdf0d640562bdfadfa263cfccf3c52b29f2af4a1869959bc77f854cf15bd7a25192985a842dbff8e13efee5b7e7e55bbe4d389647c686a9a9ab3fb889b2d7767d3837eea4e0a2f04b53ca8f50fb31225c1be2d0126c8c7a4753b0807",
            "4, ca7c0f8c3ffa87a96e1b74ac8e6af594347bb40a, 744ab703f5bc082e59185f6d049d2d367db245c2",
            "4, 0499b502fc8b5bafb0f4047e731d1f9fd8cd0d8881, 03c62280c894e103c680b13cd4b4ae740a5ef0c72547292f82dc6b1777f47d63ba9d1ea732dbf386"})
    void kdf2_matchesIso18033Examples(int hashAlg, String z, String mask) {
        byte[] expected = java.util.HexFormat.of().parseHex(mask);
        assertThat(Kdf.kdf2(hashAlg, java.util.HexFormat.of().parseHex(z), new byte[0], expected.length)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void kdf2_agreesWithBouncyCastleKdf2(int hashAlg) {
        Random r = new Random(hashAlg * 11L);
        for (int i = 0; i < 50; i++) {
            byte[] z = bytes(r, 1 + r.nextInt(66)), info = bytes(r, r.nextInt(66));
            int bytes = 1 + r.nextInt(200);
            KDF2BytesGenerator g = new KDF2BytesGenerator(bcDigest(hashAlg));
            g.init(new KDFParameters(z, info));
            byte[] theirs = new byte[bytes];
            g.generateBytes(theirs, 0, bytes);
            assertThat(Kdf.kdf2(hashAlg, z, info, bytes)).as("case %d", i).isEqualTo(theirs);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void mgf1_agreesWithBouncyCastleMgf1(int hashAlg) {
        Random r = new Random(hashAlg * 13L);
        for (int i = 0; i < 50; i++) {
            byte[] seed = bytes(r, 1 + r.nextInt(66));
            int bytes = 1 + r.nextInt(300);
            MGF1BytesGenerator g = new MGF1BytesGenerator(bcDigest(hashAlg));
            g.init(new MGFParameters(seed));
            byte[] theirs = new byte[bytes];
            g.generateBytes(theirs, 0, bytes);
            assertThat(Kdf.mgf1(hashAlg, seed, bytes)).as("case %d", i).isEqualTo(theirs);
        }
    }

    @Test
    void kdf2_andMgf1_differOnlyInTheFirstCounter() {
        byte[] z = "seed".getBytes(StandardCharsets.US_ASCII);
        // MGF1's second block is KDF2's first
        assertThat(Arrays.copyOfRange(Kdf.mgf1(TpmAlg.SHA256, z, 64), 32, 64)).isEqualTo(Kdf.kdf2(TpmAlg.SHA256, z, new byte[0], 32));
        assertThatThrownBy(() -> Kdf.kdf2(TpmAlg.SHA256, z, new byte[0], 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kdfa_labelWithOrWithoutTerminatingNul_givesTheSameKey() {
        byte[] key = {1, 2, 3};
        assertThat(Kdf.kdfa(TpmAlg.SHA256, key, "STORAGE", new byte[0], new byte[0], 128))
                .isEqualTo(Kdf.kdfa(TpmAlg.SHA256, key, "STORAGE\0".getBytes(StandardCharsets.US_ASCII), new byte[0], new byte[0], 128));
    }

    @Test
    void kdfa_emptyLabel_stillHashesOneZeroOctet() {
        byte[] key = {9};
        byte[] expected = Hashes.hmac(TpmAlg.SHA256, key, Octets.u32(1), new byte[] {0}, Octets.u32(256));
        assertThat(Kdf.kdfa(TpmAlg.SHA256, key, "", new byte[0], new byte[0], 256)).isEqualTo(expected);
    }

    @Test
    void kdfa_bitsNotMultipleOfEight_clearsTheUnusedHighBitsOfTheFirstOctet() {
        byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
        for (int bits = 1; bits <= 24; bits++) {
            byte[] out = Kdf.kdfa(TpmAlg.SHA1, key, "X", new byte[0], new byte[0], bits);
            assertThat(out).hasSize((bits + 7) / 8);
            if (bits % 8 != 0) assertThat(out[0] & 0xFF).isLessThan(1 << (bits % 8));
        }
    }

    @Test
    void kdfa_outputLongerThanOneDigest_continuesTheCounter() {
        byte[] key = {5};
        byte[] out = Kdf.kdfa(TpmAlg.SHA1, key, "L", new byte[0], new byte[0], 320);
        byte[] second = Hashes.hmac(TpmAlg.SHA1, key, Octets.u32(2), new byte[] {'L', 0}, Octets.u32(320));
        assertThat(Arrays.copyOfRange(out, 20, 40)).isEqualTo(second);
    }

    @Test
    void kdf_zeroBitsOrUnknownHash_isRejected() {
        assertThatThrownBy(() -> Kdf.kdfa(TpmAlg.SHA256, new byte[1], "L", new byte[0], new byte[0], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kdf.kdfe(0x0099, new byte[1], "L", new byte[0], new byte[0], 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Digest bcDigest(int hashAlg) {
        return switch (hashAlg) {
            case TpmAlg.SHA1 -> new SHA1Digest();
            case TpmAlg.SHA256 -> new SHA256Digest();
            case TpmAlg.SHA384 -> new SHA384Digest();
            case TpmAlg.SHA512 -> new SHA512Digest();
            default -> throw new IllegalArgumentException();
        };
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
