package dev.jtpm.engine.command.asymmetric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.EccParameters;
import dev.jtpm.types.command.EcdhKeyGen;
import dev.jtpm.types.command.EcdhKeyGenResponse;
import dev.jtpm.types.command.EcdhZGen;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.EcdhZGenResponse;
import dev.jtpm.types.command.RsaDecrypt;
import dev.jtpm.types.command.RsaEncrypt;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaDecrypt;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TPM2_RSA_Encrypt, TPM2_RSA_Decrypt, TPM2_ECDH_KeyGen, TPM2_ECDH_ZGen and TPM2_ECC_Parameters (Part 3,
 * 14): results cross-checked with the JDK's RSA ciphers and ECDH key agreement, and every response
 * code of the handlers' javadoc.
 */
class AsymmetricCommandsTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject DECRYPTER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT);
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final byte[] MESSAGE = "a message for the TPM".getBytes();
    private static final Bytes LABEL = Bytes.wrap("label\0".getBytes());

    private static CreatePrimaryResponse primary(TestTpm t, TpmtPublic template) {
        return t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    private static TpmtPublic rsa(TpmaObject a, TpmtRsaScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, scheme, 2048, 0));
    }

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, scheme, Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    private static RSAPublicKey jdkKey(TpmtPublic pub) throws Exception {
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) pub.unique()).n().unsafeArray());
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
    }

    private static OAEPParameterSpec oaep256(byte[] label) {
        return new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label));
    }

    // ---------------------------------------------------------------- RSA

    @Test
    void rsaEncrypt_oaepWithLabel_decryptedByJdk_andJdkCiphertextDecryptedByTpm() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse key = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL));
        Bytes c = t.run(new RsaEncrypt(key.objectHandle(), Bytes.wrap(MESSAGE), TpmtRsaDecrypt.oaep(TpmAlg.SHA256), LABEL))
                .orThrow().outData();
        Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
        // the JDK has no private key: the TPM decrypts its own ciphertext and the JDK's
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), c, TpmtRsaDecrypt.oaep(TpmAlg.SHA256), LABEL)).orThrow().message())
                .isEqualTo(Bytes.wrap(MESSAGE));
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey(key.outPublic()), oaep256(LABEL.unsafeArray()));
        Bytes fromJdk = Bytes.wrap(jdk.doFinal(MESSAGE));
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), fromJdk, TpmtRsaDecrypt.oaep(TpmAlg.SHA256), LABEL)).orThrow()
                .message()).isEqualTo(Bytes.wrap(MESSAGE));
        // another label: the padding check fails
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), fromJdk, TpmtRsaDecrypt.oaep(TpmAlg.SHA256), Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.VALUE);
    }

    @Test
    void rsaEncrypt_keySchemeOaep_usedWhenCommandSaysNull() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse key = primary(t, rsa(DECRYPTER, TpmtRsaScheme.of(TpmAlg.OAEP, TpmAlg.SHA256)));
        Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey(key.outPublic()), oaep256(new byte[0]));
        Bytes c = Bytes.wrap(jdk.doFinal(MESSAGE));
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), c, TpmtRsaDecrypt.NULL, Bytes.EMPTY)).orThrow().message())
                .isEqualTo(Bytes.wrap(MESSAGE));
        // a different command scheme: TPM_RC_SCHEME
        assertThat(t.run(new RsaEncrypt(key.objectHandle(), Bytes.wrap(MESSAGE), TpmtRsaDecrypt.RSAES, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), c, TpmtRsaDecrypt.oaep(TpmAlg.SHA1), Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void rsaEncrypt_rsaes_jdkCiphertextDecryptedByTpm() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse key = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL));
        Cipher jdk = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey(key.outPublic()));
        Bytes c = Bytes.wrap(jdk.doFinal(MESSAGE));
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), c, TpmtRsaDecrypt.RSAES, Bytes.EMPTY)).orThrow().message())
                .isEqualTo(Bytes.wrap(MESSAGE));
        Bytes mine = t.run(new RsaEncrypt(key.objectHandle(), Bytes.wrap(MESSAGE), TpmtRsaDecrypt.RSAES, Bytes.EMPTY))
                .orThrow().outData();
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), mine, TpmtRsaDecrypt.RSAES, Bytes.EMPTY)).orThrow().message())
                .isEqualTo(Bytes.wrap(MESSAGE));
        // too long for PKCS#1 v1.5 (k - 11 octets at most)
        assertThat(t.run(new RsaEncrypt(key.objectHandle(), Bytes.zeros(246), TpmtRsaDecrypt.RSAES, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.VALUE);
    }

    @Test
    void rsaEncrypt_null_isRawRsaAsTheJdkComputesIt() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse key = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL));
        RSAPublicKey pub = jdkKey(key.outPublic());
        Bytes c = t.run(new RsaEncrypt(key.objectHandle(), Bytes.wrap(MESSAGE), TpmtRsaDecrypt.NULL, Bytes.EMPTY))
                .orThrow().outData();
        assertThat(c.size()).isEqualTo(256);
        assertThat(new BigInteger(1, c.unsafeArray())).isEqualTo(new BigInteger(1, MESSAGE).modPow(pub.getPublicExponent(),
                pub.getModulus()));
        byte[] m = t.run(new RsaDecrypt(key.objectHandle(), c, TpmtRsaDecrypt.NULL, Bytes.EMPTY)).orThrow().message().toArray();
        assertThat(m).hasSize(256);
        assertThat(Arrays.copyOfRange(m, 256 - MESSAGE.length, 256)).isEqualTo(MESSAGE);
        // the modulus itself is not below the modulus
        byte[] n = ((TpmuPublicId.Rsa) key.outPublic().unique()).n().toArray();
        assertThat(t.run(new RsaEncrypt(key.objectHandle(), Bytes.wrap(n), TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.VALUE);
        assertThat(t.run(new RsaDecrypt(key.objectHandle(), Bytes.wrap(n), TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.SIZE); // ms-tpm's RSADP
    }

    @Test
    void rsa_responseCodes() {
        TestTpm t = TestTpm.started();
        int dec = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL)).objectHandle();
        int sig = primary(t, rsa(SIGNER, TpmtRsaScheme.NULL)).objectHandle();
        int ecc = primary(t, ecc(DECRYPTER, TpmtEccScheme.NULL)).objectHandle();
        Bytes m = Bytes.wrap(MESSAGE);
        // not an RSA key
        assertThat(t.run(new RsaEncrypt(ecc, m, TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        assertThat(t.run(new RsaDecrypt(ecc, m, TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        // not a decryption key
        assertThat(t.run(new RsaEncrypt(sig, m, TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(t.run(new RsaDecrypt(sig, m, TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        // a label without its terminating NUL
        Bytes badLabel = Bytes.wrap("label".getBytes());
        assertThat(t.run(new RsaEncrypt(dec, m, TpmtRsaDecrypt.oaep(TpmAlg.SHA256), badLabel)).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(3));
        assertThat(t.run(new RsaDecrypt(dec, m, TpmtRsaDecrypt.oaep(TpmAlg.SHA256), badLabel)).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(3));
        // OAEP-SHA256 under a 2048-bit key carries at most 256 - 2*32 - 2 = 190 octets
        assertThat(t.run(new RsaEncrypt(dec, Bytes.zeros(190), TpmtRsaDecrypt.oaep(TpmAlg.SHA256), Bytes.EMPTY)).ok()).isTrue();
        assertThat(t.run(new RsaEncrypt(dec, Bytes.zeros(191), TpmtRsaDecrypt.oaep(TpmAlg.SHA256), Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.VALUE);
        // a ciphertext that is not as long as the modulus
        assertThat(t.run(new RsaDecrypt(dec, m, TpmtRsaDecrypt.oaep(TpmAlg.SHA256), Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.SIZE);
    }

    @Test
    void rsaDecrypt_restrictedKey_returnsAttributes() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        assertThat(t.run(new RsaDecrypt(srk, Bytes.zeros(256), TpmtRsaDecrypt.NULL, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        // but its public part encrypts (decrypt is set)
        assertThat(t.run(new RsaEncrypt(srk, Bytes.wrap(MESSAGE), TpmtRsaDecrypt.RSAES, Bytes.EMPTY)).ok()).isTrue();
    }

    // ---------------------------------------------------------------- ECDH

    private static ECPublicKey jdkPoint(TpmsEccPoint p) throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, p.x().unsafeArray()), new BigInteger(1, p.y().unsafeArray())), spec));
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    @Test
    void ecdh_keyGenAndZGenAgree_andZGenMatchesJdkKeyAgreement() throws Exception {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(DECRYPTER, TpmtEccScheme.of(TpmAlg.ECDH, TpmAlg.SHA256))).objectHandle();
        EcdhKeyGenResponse gen = t.run(new EcdhKeyGen(key)).orThrow();
        EcdhZGenResponse z = t.run(new EcdhZGen(key, gen.pubPoint())).orThrow();
        assertThat(z.outPoint()).isEqualTo(gen.zPoint());
        assertThat(gen.zPoint().x().size()).isEqualTo(32);

        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair mine = g.generateKeyPair();
        ECPoint w = ((ECPublicKey) mine.getPublic()).getW();
        TpmsEccPoint q = new TpmsEccPoint(Bytes.wrap(fixed32(w.getAffineX())), Bytes.wrap(fixed32(w.getAffineY())));
        Bytes tpmZ = t.run(new EcdhZGen(key, q)).orThrow().outPoint().x();
        CreatePrimaryResponse again = primary(t, ecc(DECRYPTER, TpmtEccScheme.of(TpmAlg.ECDH, TpmAlg.SHA256)));
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(mine.getPrivate());
        ka.doPhase(jdkPoint((TpmsEccPoint) again.outPublic().unique()), true);
        assertThat(tpmZ.toArray()).isEqualTo(ka.generateSecret());
    }

    @Test
    void ecdhKeyGen_onASigningKey_givesPointsOnTheCurve() throws Exception {
        // KeyGen uses only the public part and checks no attributes (as ms-tpm-20-ref)
        TestTpm t = TestTpm.started();
        int signer = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        EcdhKeyGenResponse gen = t.run(new EcdhKeyGen(signer)).orThrow();
        assertThat(gen.pubPoint().x().size()).isEqualTo(32);
        jdkPoint(gen.pubPoint());   // on the curve, or the JDK refuses it
        jdkPoint(gen.zPoint());
    }

    @Test
    void ecdh_responseCodes() {
        TestTpm t = TestTpm.started();
        int rsaKey = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL)).objectHandle();
        int signer = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        int dec = primary(t, ecc(DECRYPTER, TpmtEccScheme.NULL)).objectHandle();
        TpmsEccPoint p = t.run(new EcdhKeyGen(dec)).orThrow().pubPoint();
        assertThat(t.run(new EcdhKeyGen(rsaKey)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        assertThat(t.run(new EcdhZGen(rsaKey, p)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        assertThat(t.run(new EcdhZGen(signer, p)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        // a point off the curve
        TpmsEccPoint off = new TpmsEccPoint(p.x(), Bytes.wrap(fixed32(new BigInteger(1, p.y().unsafeArray()).add(BigInteger.ONE))));
        assertThat(t.run(new EcdhZGen(dec, off)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(1));
        assertThat(t.run(new EcdhZGen(dec, new TpmsEccPoint(Bytes.zeros(33), p.y()))).rc())
                .isEqualTo(TpmRc.ECC_POINT.atParameter(1));
    }

    @Test
    void ecdhZGen_restrictedOrNonEcdhScheme_refused() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.ECC_P256_SRK).objectHandle();
        TpmsEccPoint p = t.run(new EcdhKeyGen(srk)).orThrow().pubPoint();
        assertThat(t.run(new EcdhZGen(srk, p)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        // a decryption key with the SM2 scheme (libtpms: TPM_RC_SCHEME on handle 1)
        int sm2 = primary(t, ecc(DECRYPTER, TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new EcdhZGen(sm2, p)).rc()).isEqualTo(TpmRc.SCHEME.atHandle(1));
        t.run(new FlushContext(sm2)).orThrow();
        // an ECMQV key is for TPM2_ZGen_2Phase only
        int mqv = primary(t, ecc(DECRYPTER, TpmtEccScheme.of(TpmAlg.ECMQV, TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new EcdhZGen(mqv, p)).rc()).isEqualTo(TpmRc.SCHEME.atHandle(1));
        int ecdh = primary(t, ecc(DECRYPTER, TpmtEccScheme.of(TpmAlg.ECDH, TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new EcdhZGen(ecdh, p)).ok()).isTrue();
    }

    // ---------------------------------------------------------------- ECC_Parameters

    /**
     * The response parameters of TPM2_ECC_Parameters as raw octets, checked field by field.
     */
    private static byte[] eccParameters(TestTpm t, int curve) {
        byte[] r = t.raw(CommandBytes.encode(new EccParameters(curve)));
        assertThat(r.length).isGreaterThan(10);
        assertThat(Arrays.copyOfRange(r, 6, 10)).isEqualTo(new byte[4]);
        return Arrays.copyOfRange(r, 10, r.length);
    }

    private static String param(BigInteger v, int len) {
        byte[] b = v.toByteArray(), out = new byte[len];
        int n = Math.min(b.length, len);
        System.arraycopy(b, b.length - n, out, len - n, n);
        return String.format("%04x", len) + HexFormat.of().formatHex(out);
    }

    @ParameterizedTest
    @CsvSource({"1, secp192r1, 192, 000b", "2, secp224r1, 224, 000b", "3, secp256r1, 256, 000b",
            "4, secp384r1, 384, 000c", "5, secp521r1, 521, 000d"})
    void eccParameters_eachCurve_asLibtpmsReportsIt_numbersFromJdk(int curve, String name, int bits, String kdfHash)
            throws Exception {
        ECParameterSpec spec;
        if (curve <= 2) {
            org.bouncycastle.asn1.x9.X9ECParameters x = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName(name);
            spec = new ECParameterSpec(new java.security.spec.EllipticCurve(new java.security.spec.ECFieldFp(
                    x.getCurve().getField().getCharacteristic()), x.getCurve().getA().toBigInteger(),
                    x.getCurve().getB().toBigInteger()), new ECPoint(x.getG().getAffineXCoord().toBigInteger(),
                    x.getG().getAffineYCoord().toBigInteger()), x.getN(), x.getH().intValue());
        } else {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec(name));
            spec = params.getParameterSpec(ECParameterSpec.class);
        }
        int len = (bits + 7) / 8;
        BigInteger p = ((java.security.spec.ECFieldFp) spec.getCurve().getField()).getP();
        String expected = String.format("%04x%04x", curve, bits) + "0020" + kdfHash + "0010"
                + param(p, len) + param(spec.getCurve().getA(), len) + param(spec.getCurve().getB(), len)
                + param(spec.getGenerator().getAffineX(), len) + param(spec.getGenerator().getAffineY(), len)
                + param(spec.getOrder(), len) + "000101";
        assertThat(HexFormat.of().formatHex(eccParameters(TestTpm.started(), curve))).isEqualTo(expected);
    }

    @Test
    void eccParameters_unimplementedCurve_returnsCurve() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new EccParameters(0x0006)).rc()).isEqualTo(TpmRc.CURVE.atParameter(1));
    }
}
