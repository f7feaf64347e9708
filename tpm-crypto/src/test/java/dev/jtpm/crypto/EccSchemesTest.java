package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;

import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EccSchemesTest {
    static final SecureRandom RNG = new SecureRandom();
    static final byte[] MESSAGE = "message to sign".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P256", "NIST_P384", "NIST_P521"})
    void ecdsa_signatureOfDigest_verifiesWithTheJdkNoneWithEcdsa(EccCurve curve) throws Exception {
        EccKey key = EccKeys.generate(RandomBits.of(RNG), curve);
        for (int hashAlg : new int[] {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512}) {
            byte[] digest = Hashes.hash(hashAlg, MESSAGE);
            EccSchemes.Signature sig = EccSchemes.signEcdsa(key, digest, RandomBits.of(RNG));
            assertThat(sig.r().size()).isEqualTo(curve.orderBytes());
            Signature v = Signature.getInstance("NONEwithECDSAinP1363Format");
            v.initVerify(jdkPublic(key));
            v.update(digest);
            assertThat(v.verify(sig.r().concat(sig.s()).toArray())).as("hash %x", hashAlg).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P256", "NIST_P384", "NIST_P521"})
    void ecdsa_jdkSignature_verifiesWithOurs(EccCurve curve) throws Exception {
        EccKey key = EccKeys.generate(RandomBits.of(RNG), curve);
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(jdkPrivate(key));
        s.update(MESSAGE);
        byte[] rs = s.sign();
        int half = rs.length / 2;
        var sig = new EccSchemes.Signature(Bytes.of(rs, 0, half), Bytes.of(rs, half, half));
        assertThat(EccSchemes.verifyEcdsa(key, Hashes.hash(TpmAlg.SHA256, MESSAGE), sig)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(EccCurve.class)
    void everyScheme_roundTripsOnEveryCurveAndRejectsTampering(EccCurve curve) {
        EccKey key = EccKeys.generate(RandomBits.of(RNG), curve);
        byte[] digest = Hashes.hash(TpmAlg.SHA256, MESSAGE);
        byte[] other = Hashes.hash(TpmAlg.SHA256, "other".getBytes(StandardCharsets.US_ASCII));

        var ecdsa = EccSchemes.signEcdsa(key, digest, RandomBits.of(RNG));
        assertThat(EccSchemes.verifyEcdsa(key, digest, ecdsa)).isTrue();
        assertThat(EccSchemes.verifyEcdsa(key, other, ecdsa)).isFalse();
        assertThat(EccSchemes.verifyEcdsa(key, digest, flip(ecdsa))).isFalse();

        var schnorr = EccSchemes.signSchnorr(key, TpmAlg.SHA256, digest, RandomBits.of(RNG));
        assertThat(EccSchemes.verifySchnorr(key, TpmAlg.SHA256, digest, schnorr)).isTrue();
        assertThat(EccSchemes.verifySchnorr(key, TpmAlg.SHA256, other, schnorr)).isFalse();
        assertThat(EccSchemes.verifySchnorr(key, TpmAlg.SHA256, digest, flip(schnorr))).isFalse();

        var sm2 = EccSchemes.signSm2(key, digest, RandomBits.of(RNG));
        assertThat(EccSchemes.verifySm2(key, digest, sm2)).isTrue();
        assertThat(EccSchemes.verifySm2(key, other, sm2)).isFalse();
        assertThat(EccSchemes.verifySm2(key, digest, flip(sm2))).isFalse();

        EccKey publicOnly = EccKey.ofPublic(curve, key.x(), key.y());
        assertThat(EccSchemes.verifyEcdsa(publicOnly, digest, ecdsa)).isTrue();
    }

    @Test
    void schnorr_challengeIsTheHashOfRxAndDigest() {
        // With a nonce source that repeats, k is known: R = kG and r = H(R.x || digest).
        EccKey key = EccKeys.generate(RandomBits.of(RNG), EccCurve.NIST_P256);
        byte[] kBytes = Vectors.hex("00".repeat(31) + "05");
        var sig = EccSchemes.signSchnorr(key, TpmAlg.SHA256, new byte[32], out -> System.arraycopy(kBytes, 0, out, 0, out.length));
        BigInteger k = BigInteger.valueOf(6); // the scalar draw is c + 1
        byte[] rx = Octets.fixed(EccCurve.NIST_P256.multiplyG(k).getAffineXCoord().toBigInteger(), 32);
        assertThat(sig.r().toArray()).isEqualTo(Hashes.hash(TpmAlg.SHA256, rx, new byte[32]));
        assertThat(sig.sValue()).isEqualTo(k.add(sig.rValue().multiply(key.d())).mod(EccCurve.NIST_P256.order()));
    }

    @Test
    void sm2_interoperatesWithBouncyCastlesSm2Signer() throws Exception {
        EccCurve c = EccCurve.SM2_P256;
        EccKey key = EccKeys.generate(RandomBits.of(RNG), c);
        byte[] e = sm2E(key, MESSAGE);

        var ours = EccSchemes.signSm2(key, e, RandomBits.of(RNG));
        SM2Signer verifier = new SM2Signer(PlainDSAEncoding.INSTANCE);
        verifier.init(false, new ECPublicKeyParameters(key.point(), c.domain()));
        verifier.update(MESSAGE, 0, MESSAGE.length);
        assertThat(verifier.verifySignature(ours.r().concat(ours.s()).toArray())).isTrue();

        SM2Signer signer = new SM2Signer(PlainDSAEncoding.INSTANCE);
        signer.init(true, new org.bouncycastle.crypto.params.ParametersWithRandom(new ECPrivateKeyParameters(key.d(), c.domain()), RNG));
        signer.update(MESSAGE, 0, MESSAGE.length);
        byte[] rs = signer.generateSignature();
        assertThat(EccSchemes.verifySm2(key, e, new EccSchemes.Signature(Bytes.of(rs, 0, 32), Bytes.of(rs, 32, 32)))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(EccCurve.class)
    void verify_publicPointOffTheCurve_isFalse_neverAnException(EccCurve curve) {
        EccKey key = EccKeys.generate(RandomBits.of(RNG), curve);
        byte[] digest = Hashes.hash(TpmAlg.SHA256, MESSAGE);
        var ecdsa = EccSchemes.signEcdsa(key, digest, RandomBits.of(RNG));
        var schnorr = EccSchemes.signSchnorr(key, TpmAlg.SHA256, digest, RandomBits.of(RNG));
        var sm2 = EccSchemes.signSm2(key, digest, RandomBits.of(RNG));
        EccKey off = new EccKey(curve, key.x(), key.y().add(BigInteger.ONE), null);
        assertThat(EccSchemes.verifyEcdsa(off, digest, ecdsa)).isFalse();
        assertThat(EccSchemes.verifySchnorr(off, TpmAlg.SHA256, digest, schnorr)).isFalse();
        assertThat(EccSchemes.verifySm2(off, digest, sm2)).isFalse();
    }

    /**
     * GM/T 0003.5-2012 (GB/T 32918.5-2017) Annex A: the signature example on the recommended curve, ID
     * "1234567812345678", message "message digest". The TPM signs e as given, so e is the input; the nonce
     * source hands out k − 1 (the scalar is the candidate plus one).
     */
    @Test
    void sm2_standardsWorkedExample_givesItsSignature() {
        EccKey key = EccKey.ofPrivate(EccCurve.SM2_P256,
                new BigInteger("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8", 16));
        assertThat(key.x().toString(16)).isEqualTo("9f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020");
        assertThat(key.y().toString(16)).isEqualTo("ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13");
        byte[] e = HexFormat.of().parseHex("F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640");
        assertThat(sm2E(key, "message digest".getBytes(StandardCharsets.US_ASCII))).isEqualTo(e);
        byte[] kMinus1 = HexFormat.of().parseHex("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC20");
        var sig = EccSchemes.signSm2(key, e, out -> System.arraycopy(kMinus1, 0, out, 0, out.length));
        assertThat(sig.r().toArray()).isEqualTo(HexFormat.of().parseHex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"));
        assertThat(sig.s().toArray()).isEqualTo(HexFormat.of().parseHex("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"));
        assertThat(EccSchemes.verifySm2(key, e, sig)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(EccCurve.class)
    void ecdh_bothSidesAgreeOnThePoint(EccCurve curve) {
        EccKey a = EccKeys.generate(RandomBits.of(RNG), curve), b = EccKeys.generate(RandomBits.of(RNG), curve);
        var ab = EccSchemes.ecdh(a, b.x(), b.y()).orElseThrow();
        var ba = EccSchemes.ecdh(b, a.x(), a.y()).orElseThrow();
        assertThat(ab).isEqualTo(ba);
        assertThat(ab.x().size()).isEqualTo(curve.fieldBytes());
        assertThat(EccSchemes.ecdh(a, b.x(), b.y().add(BigInteger.ONE))).isEmpty();
    }

    @Test
    void ecdh_xCoordinateMatchesTheJdkKeyAgreement() throws Exception {
        EccKey ours = EccKeys.generate(RandomBits.of(RNG), EccCurve.NIST_P256);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair theirs = g.generateKeyPair();
        ECPoint w = ((ECPublicKey) theirs.getPublic()).getW();
        var z = EccSchemes.ecdh(ours, w.getAffineX(), w.getAffineY()).orElseThrow();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(theirs.getPrivate());
        ka.doPhase(jdkPublic(ours), true);
        assertThat(z.x().toArray()).isEqualTo(ka.generateSecret());
    }

    /** e = SM3(Z_A || M), Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) with BC's default ID. */
    static byte[] sm2E(EccKey key, byte[] message) {
        byte[] id = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
        var d = key.curve().domain();
        SM3Digest sm3 = new SM3Digest();
        byte[] za = new byte[32];
        update(sm3, new byte[] {0, (byte) (id.length * 8)}, id,
                Octets.fixed(d.getCurve().getA().toBigInteger(), 32), Octets.fixed(d.getCurve().getB().toBigInteger(), 32),
                Octets.fixed(d.getG().getAffineXCoord().toBigInteger(), 32), Octets.fixed(d.getG().getAffineYCoord().toBigInteger(), 32),
                key.xBytes(), key.yBytes());
        sm3.doFinal(za, 0);
        byte[] e = new byte[32];
        update(sm3, za, message);
        sm3.doFinal(e, 0);
        return e;
    }

    private static void update(SM3Digest d, byte[]... parts) {
        for (byte[] p : parts) d.update(p, 0, p.length);
    }

    private static EccSchemes.Signature flip(EccSchemes.Signature s) {
        byte[] b = s.s().toArray();
        b[b.length - 1] ^= 1;
        return new EccSchemes.Signature(s.r(), Bytes.wrap(b));
    }

    static ECParameterSpec jdkParams(EccCurve c) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(c.jcaName));
        return p.getParameterSpec(ECParameterSpec.class);
    }

    static PublicKey jdkPublic(EccKey k) throws Exception {
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(k.x(), k.y()), jdkParams(k.curve())));
    }

    static PrivateKey jdkPrivate(EccKey k) throws Exception {
        return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(k.d(), jdkParams(k.curve())));
    }
}
