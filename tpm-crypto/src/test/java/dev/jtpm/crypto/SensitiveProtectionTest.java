package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;

import java.nio.charset.StandardCharsets;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.KDFCounterBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CFBBlockCipher;
import org.bouncycastle.crypto.params.KDFCounterParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

class SensitiveProtectionTest {
    static final Secret SEED = Secret.of(Vectors.hex("4f0e1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"));
    static final byte[] NAME = Vectors.hex("000b" + "11".repeat(32));
    static final Secret SENSITIVE = Secret.of("marshalled TPMT_SENSITIVE".getBytes(StandardCharsets.US_ASCII));

    @Test
    void wrap_isTheSpecsComposition_computedIndependently() {
        Bytes blob = SensitiveProtection.wrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, SENSITIVE);
        // Independent: Bouncy Castle's SP800-108 KDF, AES-CFB128 and HMAC.
        byte[] symKey = bcKdfa("STORAGE", NAME, 16);
        byte[] hmacKey = bcKdfa("INTEGRITY", new byte[0], 32);
        byte[] plain = KdfTest.concat(new byte[] {0, (byte) SENSITIVE.size()}, SENSITIVE.toArray());
        var cfb = CFBBlockCipher.newInstance(AESEngine.newInstance(), 128);
        cfb.init(true, new ParametersWithIV(new KeyParameter(symKey), new byte[16]));
        byte[] enc = new byte[plain.length];
        cfb.processBytes(plain, 0, plain.length, enc, 0);
        HMac mac = new HMac(KdfTest.bcDigest(TpmAlg.SHA256));
        mac.init(new KeyParameter(hmacKey));
        mac.update(enc, 0, enc.length);
        mac.update(NAME, 0, NAME.length);
        byte[] outer = new byte[32];
        mac.doFinal(outer, 0);
        assertThat(blob.toArray()).isEqualTo(KdfTest.concat(new byte[] {0, 32}, outer, enc));
    }

    @Test
    void wrapPrivate_isTheSpecsCompositionWithAnIv_computedIndependently() {
        byte[] iv = Vectors.hex("000102030405060708090a0b0c0d0e0f");
        Bytes blob = SensitiveProtection.wrapPrivate(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, SENSITIVE, out -> {
            System.arraycopy(iv, 0, out, 0, out.length);
        });
        byte[] symKey = bcKdfa("STORAGE", NAME, 16);
        byte[] hmacKey = bcKdfa("INTEGRITY", new byte[0], 32);
        byte[] plain = KdfTest.concat(new byte[] {0, (byte) SENSITIVE.size()}, SENSITIVE.toArray());
        var cfb = CFBBlockCipher.newInstance(AESEngine.newInstance(), 128);
        cfb.init(true, new ParametersWithIV(new KeyParameter(symKey), iv));
        byte[] enc = new byte[plain.length];
        cfb.processBytes(plain, 0, plain.length, enc, 0);
        byte[] ivArea = KdfTest.concat(new byte[] {0, 16}, iv);
        HMac mac = new HMac(KdfTest.bcDigest(TpmAlg.SHA256));
        mac.init(new KeyParameter(hmacKey));
        mac.update(ivArea, 0, ivArea.length);
        mac.update(enc, 0, enc.length);
        mac.update(NAME, 0, NAME.length);
        byte[] outer = new byte[32];
        mac.doFinal(outer, 0);
        assertThat(blob.toArray()).isEqualTo(KdfTest.concat(new byte[] {0, 32}, outer, ivArea, enc));
        assertThat(SensitiveProtection.unwrapPrivate(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, blob.toArray()))
                .isEqualTo(new Unwrapped.Ok(SENSITIVE));
    }

    @Test
    void unwrapPrivate_refusesInMsTpmsOrder() {
        RandomBits rng = RandomBits.of(new java.security.SecureRandom());
        byte[] blob = SensitiveProtection.wrapPrivate(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, SENSITIVE, rng).toArray();
        java.util.function.Function<byte[], Unwrapped> unwrap =
                b -> SensitiveProtection.unwrapPrivate(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, b);
        assertThat(unwrap.apply(new byte[1])).isEqualTo(new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT));
        byte[] big = blob.clone();
        big[1] = 65; // an integrity digest longer than any hash
        assertThat(unwrap.apply(big)).isEqualTo(new Unwrapped.Refused(Unwrapped.Failure.SIZE));
        assertThat(unwrap.apply(java.util.Arrays.copyOf(blob, 20))).isEqualTo(new Unwrapped.Refused(Unwrapped.Failure.INSUFFICIENT));
        for (int i = 2; i < blob.length; i++) {
            byte[] bad = blob.clone();
            bad[i] ^= 1;
            assertThat(unwrap.apply(bad)).as("octet %d", i).isEqualTo(new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY));
        }
    }

    @Test
    void unwrap_ofWrap_givesTheSensitiveBack() {
        for (int nameAlg : new int[] {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512}) {
            Bytes blob = SensitiveProtection.wrap(nameAlg, SEED, TpmAlg.AES, 256, NAME, SENSITIVE);
            assertThat(SensitiveProtection.unwrap(nameAlg, SEED, TpmAlg.AES, 256, NAME, blob.toArray()))
                    .isEqualTo(new Unwrapped.Ok(SENSITIVE));
        }
    }

    @Test
    void unwrap_anyFlippedBit_isAnIntegrityFailure() {
        byte[] blob = SensitiveProtection.wrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, SENSITIVE).toArray();
        for (int bit = 0; bit < blob.length * 8; bit++) {
            byte[] bad = blob.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(SensitiveProtection.unwrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, bad))
                    .as("bit %d", bit).isEqualTo(new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY));
        }
    }

    @Test
    void unwrap_otherNameOrSeedOrTruncated_isAnIntegrityFailure() {
        byte[] blob = SensitiveProtection.wrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, SENSITIVE).toArray();
        byte[] otherName = NAME.clone();
        otherName[5] ^= 1;
        var refused = new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        assertThat(SensitiveProtection.unwrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, otherName, blob)).isEqualTo(refused);
        assertThat(SensitiveProtection.unwrap(TpmAlg.SHA256, Secret.of(new byte[] {1}), TpmAlg.AES, 128, NAME, blob)).isEqualTo(refused);
        assertThat(SensitiveProtection.unwrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, new byte[1])).isEqualTo(refused);
        assertThat(SensitiveProtection.unwrap(TpmAlg.SHA256, SEED, TpmAlg.AES, 128, NAME, java.util.Arrays.copyOf(blob, 20))).isEqualTo(refused);
    }

    @Test
    void innerWrap_roundTripsAndDetectsTampering() {
        Secret key = Secret.of(new byte[16]);
        byte[] enc = SensitiveProtection.innerWrap(TpmAlg.SHA256, TpmAlg.AES, key, NAME, SENSITIVE).toArray();
        assertThat(SensitiveProtection.innerUnwrap(TpmAlg.SHA256, TpmAlg.AES, key, NAME, enc)).isEqualTo(new Unwrapped.Ok(SENSITIVE));
        enc[enc.length - 1] ^= 1;
        assertThat(SensitiveProtection.innerUnwrap(TpmAlg.SHA256, TpmAlg.AES, key, NAME, enc))
                .isEqualTo(new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY));
    }

    @Test
    void contextBlob_roundTripsOnlyWithTheSameProofSequenceHandleAndResetBinding() {
        Secret proof = Secret.of(Vectors.hex("aa".repeat(32)));
        byte[] reset = Octets.u32(7);
        Secret ctx = Secret.of(new byte[300]);
        byte[] blob = ContextProtection.protect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 42, 0x80000001, reset, ctx).toArray();
        assertThat(ContextProtection.unprotect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 42, 0x80000001, reset, blob))
                .isEqualTo(new Unwrapped.Ok(ctx));
        var refused = new Unwrapped.Refused(Unwrapped.Failure.INTEGRITY);
        assertThat(ContextProtection.unprotect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 43, 0x80000001, reset, blob)).isEqualTo(refused);
        assertThat(ContextProtection.unprotect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 42, 0x80000002, reset, blob)).isEqualTo(refused);
        assertThat(ContextProtection.unprotect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 42, 0x80000001, Octets.u32(8), blob)).isEqualTo(refused);
        assertThat(ContextProtection.unprotect(TpmAlg.SHA256, TpmAlg.AES, 128, Secret.of(new byte[32]), 42, 0x80000001, reset, blob)).isEqualTo(refused);
        blob[40] ^= 0x10;
        assertThat(ContextProtection.unprotect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 42, 0x80000001, reset, blob)).isEqualTo(refused);
    }

    @Test
    void contextBlob_isEncryptedWithTheKdfaDerivedKeyAndIv() {
        Secret proof = Secret.of(new byte[] {1, 2, 3});
        Secret ctx = Secret.of("context".getBytes(StandardCharsets.US_ASCII));
        byte[] blob = ContextProtection.protect(TpmAlg.SHA256, TpmAlg.AES, 128, proof, 5, 0x02000000, new byte[0], ctx).toArray();
        byte[] keyIv = Kdf.kdfa(TpmAlg.SHA256, proof.toArray(), "CONTEXT", Octets.u64(5), Octets.u32(0x02000000), 256);
        byte[] enc = java.util.Arrays.copyOfRange(blob, 34, blob.length);
        byte[] plain = Symmetric.decrypt(TpmAlg.AES, java.util.Arrays.copyOf(keyIv, 16), TpmAlg.CFB,
                java.util.Arrays.copyOfRange(keyIv, 16, 32), enc).data().toArray();
        assertThat(plain).isEqualTo(KdfTest.concat(new byte[] {0, 7}, ctx.toArray()));
    }

    private static byte[] bcKdfa(String label, byte[] contextU, int bytes) {
        byte[] fixed = KdfTest.concat(label.getBytes(StandardCharsets.US_ASCII), new byte[1], contextU, Octets.u32(bytes * 8));
        KDFCounterBytesGenerator g = new KDFCounterBytesGenerator(new HMac(KdfTest.bcDigest(TpmAlg.SHA256)));
        g.init(new KDFCounterParameters(SEED.toArray(), null, fixed, 32));
        byte[] out = new byte[bytes];
        g.generateBytes(out, 0, bytes);
        return out;
    }
}
