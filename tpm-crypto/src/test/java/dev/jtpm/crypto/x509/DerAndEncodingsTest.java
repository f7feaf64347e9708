package dev.jtpm.crypto.x509;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.TpmAlg;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;

/** {@link Der} and {@link X509Encodings} against Bouncy Castle's and the JDK's DER readers. */
class DerAndEncodingsTest {
    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }

    @Test
    void oid_encodesAsBouncyCastleDoes() throws Exception {
        for (String oid : new String[] {"1.2.840.113549.1.1.11", "2.23.133.10.1.1.1", "2.5.29.15", "1.3.132.0.35",
                "1.2.156.10197.1.301", "2.16.840.1.101.3.4.2.3", "1.3.14.3.2.26"}) {
            assertThat(Der.oid(oid)).as(oid).isEqualTo(new ASN1ObjectIdentifier(oid).getEncoded());
        }
        assertThat(Der.oid("2.23.133.10.1.1.1")).isEqualTo(hex("0607678105 0a010101".replace(" ", "")));
    }

    @Test
    void integer_dropsLeadingZeros_addsOneForTheSignBit_andZeroHasNoValueOctet() throws Exception {
        assertThat(Der.integer(hex("000001"))).isEqualTo(hex("020101"));
        assertThat(Der.integer(hex("0080"))).isEqualTo(hex("02020080"));
        assertThat(Der.integer(65537)).isEqualTo(hex("0203010001"));
        assertThat(Der.integer(0xFFFFFFFFL)).isEqualTo(new ASN1Integer(0xFFFFFFFFL).getEncoded());
        assertThat(Der.integer(hex("0000"))).isEqualTo(hex("0200"));   // ms-tpm's ASN1PushInteger
    }

    @Test
    void header_usesShortThen81Then82Lengths() {
        assertThat(Der.header(0x30, 127)).isEqualTo(hex("307f"));
        assertThat(Der.header(0x30, 128)).isEqualTo(hex("308180"));
        assertThat(Der.header(0x30, 255)).isEqualTo(hex("3081ff"));
        assertThat(Der.header(0x30, 256)).isEqualTo(hex("30820100"));
        assertThat(Der.bitString(hex("0102"))).isEqualTo(hex("0303000102"));
    }

    @Test
    void rsaPublicKey_isAnX509EncodedKeyTheJdkReads() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        RSAPublicKey pub = (RSAPublicKey) g.generateKeyPair().getPublic();
        byte[] n = toUnsigned(pub.getModulus(), 256);
        byte[] spki = X509Encodings.rsaPublicKey(n, 0);
        RSAPublicKey back = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
        assertThat(back.getModulus()).isEqualTo(pub.getModulus());
        assertThat(back.getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
        assertThat(spki).isEqualTo(pub.getEncoded());   // the JDK writes the same octets
        RSAPublicKey e3 = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(X509Encodings.rsaPublicKey(n, 3)));
        assertThat(e3.getPublicExponent()).isEqualTo(BigInteger.valueOf(3));
    }

    @Test
    void eccPublicKey_isAnX509EncodedKeyTheJdkReads_forP256P384P521() throws Exception {
        int[][] curves = {{0x0003, 32}, {0x0004, 48}, {0x0005, 66}};
        String[] names = {"secp256r1", "secp384r1", "secp521r1"};
        for (int i = 0; i < curves.length; i++) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(names[i]));
            ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
            int size = curves[i][1];
            byte[] spki = X509Encodings.eccPublicKey(curves[i][0], toUnsigned(pub.getW().getAffineX(), size),
                    toUnsigned(pub.getW().getAffineY(), size));
            assertThat(spki).as(names[i]).isEqualTo(pub.getEncoded());
        }
    }

    @Test
    void eccPublicKey_p192AndSm2HaveTheirCurveOids_bnCurvesHaveNone() throws Exception {
        SubjectPublicKeyInfo p192 = SubjectPublicKeyInfo.getInstance(X509Encodings.eccPublicKey(0x0001, new byte[24], new byte[24]));
        assertThat(p192.getAlgorithm().getParameters()).isEqualTo(X9ObjectIdentifiers.prime192v1);
        SubjectPublicKeyInfo sm2 = SubjectPublicKeyInfo.getInstance(X509Encodings.eccPublicKey(0x0020, new byte[32], new byte[32]));
        assertThat(sm2.getAlgorithm().getParameters()).isEqualTo(new ASN1ObjectIdentifier("1.2.156.10197.1.301"));
        assertThat(sm2.getPublicKeyData().getBytes()).hasSize(65).startsWith(4);
        assertThat(X509Encodings.eccPublicKey(0x0010, new byte[32], new byte[32])).isNull();
        assertThat(X509Encodings.eccPublicKey(0x0011, new byte[80], new byte[80])).isNull();
    }

    @Test
    void signatureAlgorithms_rsassaEcdsaAndPss() throws Exception {
        AlgorithmIdentifier a = AlgorithmIdentifier.getInstance(X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSASSA, TpmAlg.SHA384, 256));
        assertThat(a.getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.sha384WithRSAEncryption);
        assertThat(a.getParameters()).isEqualTo(DERNull.INSTANCE);

        AlgorithmIdentifier e = AlgorithmIdentifier.getInstance(X509Encodings.eccSignatureAlgorithm(TpmAlg.ECDSA, TpmAlg.SHA256));
        assertThat(e.getAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
        assertThat(e.getParameters()).isNull();
        assertThat(X509Encodings.eccSignatureAlgorithm(TpmAlg.ECDSA, TpmAlg.SHA1)).isEqualTo(hex("300906072a8648ce3d0401"));

        AlgorithmIdentifier pss = AlgorithmIdentifier.getInstance(X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSAPSS, TpmAlg.SHA256, 256));
        assertThat(pss.getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_RSASSA_PSS);
        RSASSAPSSparams p = RSASSAPSSparams.getInstance(pss.getParameters());
        assertThat(p.getHashAlgorithm().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha256);
        assertThat(p.getMaskGenAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_mgf1);
        assertThat(AlgorithmIdentifier.getInstance(p.getMaskGenAlgorithm().getParameters()).getAlgorithm())
                .isEqualTo(NISTObjectIdentifiers.id_sha256);
        assertThat(p.getSaltLength()).isEqualTo(BigInteger.valueOf(32));
        // a small modulus gets the salt the TPM signs with: 128 - 64 - 2
        RSASSAPSSparams small = RSASSAPSSparams.getInstance(AlgorithmIdentifier.getInstance(
                X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSAPSS, TpmAlg.SHA512, 128)).getParameters());
        assertThat(small.getSaltLength()).isEqualTo(BigInteger.valueOf(62));
        // SHA-1: ms-tpm writes NULL parameters
        AlgorithmIdentifier pss1 = AlgorithmIdentifier.getInstance(X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSAPSS, TpmAlg.SHA1, 256));
        assertThat(pss1.getParameters()).isEqualTo(DERNull.INSTANCE);
        assertThat(ASN1Primitive.fromByteArray(X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSAPSS, TpmAlg.SHA1, 256))).isNotNull();
    }

    @Test
    void signatureAlgorithms_noneForOtherSchemesOrHashes() {
        assertThat(X509Encodings.eccSignatureAlgorithm(TpmAlg.ECSCHNORR, TpmAlg.SHA256)).isNull();
        assertThat(X509Encodings.eccSignatureAlgorithm(TpmAlg.SM2, TpmAlg.SHA256)).isNull();
        assertThat(X509Encodings.eccSignatureAlgorithm(TpmAlg.ECDAA, TpmAlg.SHA256)).isNull();
        assertThat(X509Encodings.eccSignatureAlgorithm(TpmAlg.ECDSA, TpmAlg.NULL)).isNull();
        assertThat(X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSASSA, TpmAlg.SM3_256, 256)).isNull();
        assertThat(X509Encodings.rsaSignatureAlgorithm(TpmAlg.RSAES, TpmAlg.SHA256, 256)).isNull();
    }

    static byte[] toUnsigned(BigInteger v, int size) {
        byte[] b = v.toByteArray(), out = new byte[size];
        int n = Math.min(b.length, size);
        System.arraycopy(b, b.length - n, out, size - n, n);
        return out;
    }
}
