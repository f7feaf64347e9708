package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.TpmAlg;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.CamelliaEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CMAC: RFC 4493's AES-128 examples, and Bouncy Castle's CMAC for every cipher and key size. */
class CmacTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String M64 = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

    @ParameterizedTest
    @CsvSource({"0, bb1d6929e95937287fa37d129b756746", "16, 070a16b46b4d4144f79bdd9dd04a287c",
            "40, dfa66747de9ae63030ca32611497c827", "64, 51f0bebf7e3b9d92fc49741779363cfe"})
    void aes128_rfc4493Examples(int length, String tag) {
        byte[] key = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] m = Arrays.copyOf(HEX.parseHex(M64), length);
        assertThat(HEX.formatHex(Cmac.mac(TpmAlg.AES, key, m))).isEqualTo(tag);
    }

    private static byte[] bc(int alg, byte[] key, byte[] data) throws Exception {
        if (alg == TpmAlg.CAMELLIA) {
            CMac m = new CMac(new CamelliaEngine());
            m.init(new KeyParameter(key));
            m.update(data, 0, data.length);
            byte[] out = new byte[m.getMacSize()];
            m.doFinal(out, 0);
            return out;
        }
        String name = alg == TpmAlg.AES ? "AESCMAC" : "DESEDECMAC";
        Mac m = Mac.getInstance(name, new BouncyCastleProvider());
        m.init(new SecretKeySpec(key, alg == TpmAlg.AES ? "AES" : "DESede"));
        return m.doFinal(data);
    }

    /** swtpm 0.7.1's TPM2_MAC with this TDES key: libtpms doubles the subkeys with 0x87, not SP 800-38B's 0x1B. */
    @ParameterizedTest
    @CsvSource({"'', ec73f224f539eb8e", "616263, f67e8fc1a4286c9c"})
    void tdes192_asLibtpmsComputesIt(String message, String tag) {
        byte[] key = HEX.parseHex("0123456789abcdeffedcba98765432101032547698badcfe");
        assertThat(HEX.formatHex(Cmac.mac(TpmAlg.TDES, key, HEX.parseHex(message)))).isEqualTo(tag);
    }

    /** True if SP 800-38B's 64-bit subkeys equal libtpms' for this key: no doubling carries. */
    private static boolean noCarry(byte[] key) throws Exception {
        byte[] k = key.length == 24 ? key : Arrays.copyOf(key, 24);
        if (key.length == 16) System.arraycopy(key, 0, k, 16, 8);
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("DESede/ECB/NoPadding");
        c.init(javax.crypto.Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "DESede"));
        byte[] l = c.doFinal(new byte[8]);
        return (l[0] & 0xC0) == 0;
    }

    @ParameterizedTest
    @CsvSource({"6, 128", "6, 256", "38, 128", "38, 256", "3, 128", "3, 192"})
    void agreesWithBouncyCastle_inOneCallAndInPieces(int alg, int bits) throws Exception {
        Random r = new Random(alg * 1000L + bits);
        for (int i = 0; i < 40; i++) {
            byte[] key = new byte[bits / 8], data = new byte[r.nextInt(100)];
            r.nextBytes(key);
            r.nextBytes(data);
            if (alg == TpmAlg.TDES) {
                key = TdesKeys.withOddParity(key);
                if (!noCarry(key)) {
                    i--;
                    continue;
                }
            }
            byte[] expected = bc(alg, key, data);
            assertThat(Cmac.mac(alg, key, data)).as("case %d", i).isEqualTo(expected);
            Cmac pieces = new Cmac(alg, key);
            int cut1 = data.length == 0 ? 0 : r.nextInt(data.length), cut2 = cut1 + (data.length == cut1 ? 0 : r.nextInt(data.length - cut1));
            pieces.update(Arrays.copyOfRange(data, 0, cut1));
            pieces.update(Arrays.copyOfRange(data, cut1, cut2));
            assertThat(pieces.doFinal(Arrays.copyOfRange(data, cut2, data.length))).as("pieces %d", i).isEqualTo(expected);
        }
        assertThat(new Cmac(alg, TpmAlg.TDES == alg ? TdesKeys.withOddParity(new byte[bits / 8]) : new byte[bits / 8]).length())
                .isEqualTo(alg == TpmAlg.TDES ? 8 : 16);
    }

    @Test
    void runningState_resumesAtEverySplit_toTheOneShotTag() {
        byte[] key = new byte[16];
        byte[] data = new byte[50];
        new Random(3).nextBytes(data);
        byte[] expected = Cmac.mac(TpmAlg.AES, key, data);
        for (int split = 0; split <= data.length; split++) {
            Cmac first = new Cmac(TpmAlg.AES, key);
            first.update(Arrays.copyOf(data, split));
            Cmac resumed = Cmac.resume(TpmAlg.AES, key, first.runningState());
            assertThat(resumed.doFinal(Arrays.copyOfRange(data, split, data.length))).as("split %d", split).isEqualTo(expected);
        }
    }
}
