package dev.jtpm.crypto;

import static dev.jtpm.crypto.Vectors.alg;
import static dev.jtpm.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SecretSharingTest {
    static Stream<Arguments> ecc() { return Vectors.csv("ecc-secret-sharing.csv"); }

    static Stream<Arguments> rsa() { return Vectors.csv("rsa-secret-sharing.csv"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ecc")
    void ecc_encapsulateAndDecapsulate_matchPublishedVector(String name, String label, String d, String nameAlg, String curve,
                                                             String qx, String qy, String seed, String encryptedSecret) {
        EccCurve c = EccCurve.of(alg(curve));
        EccKey target = EccKey.ofPublic(c, new BigInteger(qx, 16), new BigInteger(qy, 16));
        var enc = SecretSharing.eccEncapsulate(alg(nameAlg), target, label, EccKey.ofPrivate(c, new BigInteger(d, 16)));
        assertThat(enc.seed()).isEqualTo(Secret.of(hex(seed)));
        assertThat(enc.encryptedSecret().toHex()).isEqualTo(encryptedSecret);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rsa")
    void rsa_oaepWithTheVectorsSeed_givesThePublishedCiphertext(String name, String label, String oaepSeed, String oaepHash,
                                                                String exponent, String n, String secret, String ciphertext) {
        long e = Long.parseLong(exponent);
        RsaKey target = RsaKey.ofPublic(new BigInteger(n, 16), e == 0 ? RsaKeys.DEFAULT_EXPONENT : BigInteger.valueOf(e));
        byte[] fixedSeed = hex(oaepSeed);
        SecureRandom derandomized = new SecureRandom() {
            @Override public void nextBytes(byte[] bytes) { System.arraycopy(fixedSeed, 0, bytes, 0, bytes.length); }
        };
        var ct = SecretSharing.rsaEncrypt(target, alg(oaepHash), label, Secret.of(hex(secret)), derandomized);
        assertThat(ct.toHex()).isEqualTo(ciphertext);
    }

    @Test
    void rsa_decryptRecoversTheSeedOnlyWithTheSameLabel() {
        RsaKey key = RsaSchemesTest.KEY;
        Secret seed = Secret.of(new byte[32]);
        byte[] ct = SecretSharing.rsaEncrypt(key, TpmAlg.SHA256, "IDENTITY", seed, new SecureRandom()).toArray();
        assertThat(SecretSharing.rsaDecrypt(key, TpmAlg.SHA256, "IDENTITY", ct)).contains(seed);
        assertThat(SecretSharing.rsaDecrypt(key, TpmAlg.SHA256, "DUPLICATE", ct)).isEmpty();
    }

    @Test
    void ecc_decapsulateRecoversTheSeedAndRefusesBadPoints() {
        EccKey key = EccKeys.generate(RandomBits.of(new SecureRandom()), EccCurve.NIST_P384);
        var enc = SecretSharing.eccEncapsulate(TpmAlg.SHA384, key, "SECRET", RandomBits.of(new SecureRandom()));
        assertThat(SecretSharing.eccDecapsulate(TpmAlg.SHA384, key, "SECRET", enc.encryptedSecret().toArray())).contains(enc.seed());
        byte[] bad = enc.encryptedSecret().toArray();
        bad[bad.length - 1] ^= 1;
        assertThat(SecretSharing.eccDecapsulate(TpmAlg.SHA384, key, "SECRET", bad)).isEmpty();
        assertThat(SecretSharing.eccDecapsulate(TpmAlg.SHA384, key, "SECRET", new byte[3])).isEmpty();
    }
}
