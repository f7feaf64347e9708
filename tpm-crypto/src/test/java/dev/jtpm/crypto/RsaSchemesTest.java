package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RsaSchemesTest {
    static final RsaKey KEY = PrimaryKeys.rsa(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {42}, 2048, 0);
    static final byte[] MESSAGE = "message to sign".getBytes(StandardCharsets.US_ASCII);
    static final SecureRandom RNG = new SecureRandom();

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void rsassa_signatureOfDigest_verifiesWithTheJdkOverTheMessage(int hashAlg) throws Exception {
        Bytes sig = RsaSchemes.signPkcs1(KEY, hashAlg, Hashes.hash(hashAlg, MESSAGE));
        Signature v = Signature.getInstance(jdkName(hashAlg) + "withRSA");
        v.initVerify(KEY.toPublicKey());
        v.update(MESSAGE);
        assertThat(v.verify(sig.toArray())).isTrue();
        assertThat(RsaSchemes.verifyPkcs1(KEY, hashAlg, Hashes.hash(hashAlg, MESSAGE), sig.toArray())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void rsassa_sameOctetsAsTheJdkSigner(int hashAlg) throws Exception {
        // EMSA-PKCS1-v1_5 is deterministic: the JDK's own signer must give the very same signature.
        Signature s = Signature.getInstance(jdkName(hashAlg) + "withRSA");
        s.initSign(KEY.toPrivateKey());
        s.update(MESSAGE);
        assertThat(RsaSchemes.signPkcs1(KEY, hashAlg, Hashes.hash(hashAlg, MESSAGE)).toArray()).isEqualTo(s.sign());
    }

    @Test
    void privateOperation_invertsThePublicOne_manyTimesWithMovingBlinding() {
        RsaKey k = PrimaryKeys.rsa(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {43}, 1024, 0);
        java.util.List<java.math.BigInteger> inputs = new java.util.ArrayList<>(java.util.List.of(
                java.math.BigInteger.ZERO, java.math.BigInteger.ONE, k.n().subtract(java.math.BigInteger.ONE)));
        for (int i = 0; i < 40; i++) inputs.add(new java.math.BigInteger(k.bits() - 1, RNG));
        for (java.math.BigInteger m : inputs) {
            java.math.BigInteger c = m.modPow(k.e(), k.n());
            assertThat(k.privateOperation(c)).isEqualTo(m);
            assertThat(k.privateOperation(m)).isEqualTo(m.modPow(k.d(), k.n()));
        }
        assertThatThrownBy(() -> k.privateOperation(k.n())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.privateOperation(java.math.BigInteger.valueOf(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RsaKey.ofPublic(k.n(), k.e()).privateOperation(java.math.BigInteger.TWO))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void privateOperation_aWrongResultFailsTheFaultCheck() {
        // a wrong private exponent stands for a fault in one CRT half: d + (p-1) changes dQ only
        RsaKey k = PrimaryKeys.rsa(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {43}, 1024, 0);
        java.math.BigInteger wrongD = k.d().add(k.p().subtract(java.math.BigInteger.ONE));
        RsaKey faulty = new RsaKey(k.n(), k.e(), k.p(), k.q(), wrongD);
        java.math.BigInteger c = java.math.BigInteger.valueOf(12345).modPow(k.e(), k.n());
        assertThatThrownBy(() -> faulty.privateOperation(c)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("check");
        assertThat(k.privateOperation(c)).isEqualTo(java.math.BigInteger.valueOf(12345));
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void rsapss_saltAsLongAsTheDigest_verifiesWithTheJdk(int hashAlg) throws Exception {
        Bytes sig = RsaSchemes.signPss(KEY, hashAlg, Hashes.hash(hashAlg, MESSAGE), RandomBits.of(RNG));
        Signature v = Signature.getInstance("RSASSA-PSS");
        String h = Hashes.jcaName(hashAlg);
        v.setParameter(new PSSParameterSpec(h, "MGF1", new MGF1ParameterSpec(h), Hashes.digestSize(hashAlg), 1));
        v.initVerify(KEY.toPublicKey());
        v.update(MESSAGE);
        assertThat(v.verify(sig.toArray())).isTrue();
    }

    @Test
    void rsapss_verify_acceptsAnySaltLengthAndRejectsTampering() throws Exception {
        byte[] digest = Hashes.hash(TpmAlg.SHA256, MESSAGE);
        for (int salt : new int[] {0, 20, 32, 64}) {
            Signature s = Signature.getInstance("RSASSA-PSS");
            s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, salt, 1));
            s.initSign(KEY.toPrivateKey());
            s.update(MESSAGE);
            byte[] sig = s.sign();
            assertThat(RsaSchemes.verifyPss(KEY, TpmAlg.SHA256, digest, sig)).as("salt %d", salt).isTrue();
            sig[10] ^= 1;
            assertThat(RsaSchemes.verifyPss(KEY, TpmAlg.SHA256, digest, sig)).isFalse();
        }
        byte[] other = Hashes.hash(TpmAlg.SHA256, "other".getBytes(StandardCharsets.US_ASCII));
        byte[] sig = RsaSchemes.signPss(KEY, TpmAlg.SHA256, digest, RandomBits.of(RNG)).toArray();
        assertThat(RsaSchemes.verifyPss(KEY, TpmAlg.SHA256, other, sig)).isFalse();
    }

    @Test
    void rsapss_smallKeyWithLargeHash_shortensTheSalt() {
        assertThat(RsaSchemes.pssSaltLength(2048, TpmAlg.SHA256)).isEqualTo(32);
        assertThat(RsaSchemes.pssSaltLength(1024, TpmAlg.SHA512)).isEqualTo(62);
        RsaKey small = PrimaryKeys.rsa(TpmAlg.SHA256, PrimaryKeysTest.SEED, new byte[] {1}, 1024, 0);
        byte[] digest = Hashes.hash(TpmAlg.SHA512, MESSAGE);
        assertThat(RsaSchemes.verifyPss(small, TpmAlg.SHA512, digest,
                RsaSchemes.signPss(small, TpmAlg.SHA512, digest, RandomBits.of(RNG)).toArray())).isTrue();
    }

    @Test
    void oaep_withNulTerminatedLabel_interoperatesWithTheJdkBothWays() throws Exception {
        byte[] label = RsaSchemes.label("DUPLICATE");
        assertThat(label).endsWith(0);
        byte[] secret = "a 32-octet seed for duplication!".getBytes(StandardCharsets.US_ASCII);
        OAEPParameterSpec spec = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label));

        Bytes ours = RsaSchemes.encryptOaep(KEY, TpmAlg.SHA256, label, secret, RNG);
        Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
        jdk.init(Cipher.DECRYPT_MODE, KEY.toPrivateKey(), spec);
        assertThat(jdk.doFinal(ours.toArray())).isEqualTo(secret);

        jdk.init(Cipher.ENCRYPT_MODE, KEY.toPublicKey(), spec);
        byte[] theirs = jdk.doFinal(secret);
        assertThat(RsaSchemes.decryptOaep(KEY, TpmAlg.SHA256, label, theirs)).contains(Bytes.of(secret));
        assertThat(RsaSchemes.decryptOaep(KEY, TpmAlg.SHA256, RsaSchemes.label("SECRET"), theirs)).isEmpty();
        assertThat(RsaSchemes.decryptOaep(KEY, TpmAlg.SHA1, label, theirs)).isEmpty();
    }

    @Test
    void oaepLabel_mustBeEmptyOrEndWithNul() {
        assertThat(RsaSchemes.isValidLabel(new byte[0])).isTrue();
        assertThat(RsaSchemes.isValidLabel(new byte[] {'a', 0})).isTrue();
        assertThat(RsaSchemes.isValidLabel(new byte[] {'a'})).isFalse();
        assertThat(RsaSchemes.oaepMaxMessage(256, TpmAlg.SHA256)).isEqualTo(190);
    }

    @Test
    void rsaesPkcs1_roundTripsAndRejectsGarbage() throws Exception {
        byte[] m = {1, 2, 3, 4};
        assertThat(RsaSchemes.decryptPkcs1(KEY, RsaSchemes.encryptPkcs1(KEY, m, RNG).toArray())).contains(Bytes.of(m));
        Cipher jdk = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        jdk.init(Cipher.ENCRYPT_MODE, KEY.toPublicKey());
        assertThat(RsaSchemes.decryptPkcs1(KEY, jdk.doFinal(m))).contains(Bytes.of(m));
        assertThat(RsaSchemes.decryptPkcs1(KEY, new byte[256])).isEmpty();
    }

    @Test
    void raw_isTheRsaPrimitiveAndRefusesValuesNotBelowTheModulus() {
        byte[] m = {0, 0, 7};
        Optional<Bytes> c = RsaSchemes.encryptRaw(KEY, m);
        assertThat(c).isPresent();
        assertThat(c.get().size()).isEqualTo(256);
        assertThat(RsaSchemes.decryptRaw(KEY, c.get().toArray()).get().toArray()).endsWith(7).hasSize(256);
        byte[] tooBig = Octets.fixed(KEY.n(), 256);
        assertThat(RsaSchemes.encryptRaw(KEY, tooBig)).isEmpty();
        assertThat(RsaSchemes.decryptRaw(KEY, tooBig)).isEmpty();
    }

    @Test
    void rsassa_tamperedSignatureOrWrongDigest_doesNotVerify() {
        byte[] digest = Hashes.hash(TpmAlg.SHA256, MESSAGE);
        byte[] sig = RsaSchemes.signPkcs1(KEY, TpmAlg.SHA256, digest).toArray();
        sig[0] ^= 1;
        assertThat(RsaSchemes.verifyPkcs1(KEY, TpmAlg.SHA256, digest, sig)).isFalse();
        assertThat(RsaSchemes.verifyPkcs1(KEY, TpmAlg.SHA384, Hashes.hash(TpmAlg.SHA384, MESSAGE), sig)).isFalse();
    }

    static String jdkName(int hashAlg) { return Hashes.jcaName(hashAlg).replace("-", ""); }
}
