package dev.jtpm.engine.command.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CertifyX509;
import dev.jtpm.types.command.CertifyX509Response;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuAsymScheme;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSigScheme;
import dev.jtpm.types.structure.TpmuSignature;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

/**
 * TPM2_CertifyX509 (Part 3, 18.8): certificates assembled here from the partial certificate, addedToCertificate and
 * the signature, read and verified by the JDK's CertificateFactory; partial certificates built with Bouncy Castle;
 * every response code of the handler.
 */
class CertifyX509Test {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject DECRYPTER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT);
    private static final TpmtSigScheme NULL = TpmtSigScheme.NULL;
    private static final X500Name ISSUER = new X500Name("C=US,O=jtpm,CN=Test CA");
    private static final X500Name SUBJECT = new X500Name("C=DE,O=jtpm,CN=TPM key");
    private static final ASN1Sequence VALIDITY = new DERSequence(new ASN1Encodable[] {
            new Time(new java.util.Date(1_700_000_000_000L)), new Time(new java.util.Date(2_000_000_000_000L))});

    // ---------------------------------------------------------------- helpers

    private static TpmtPublic rsa(TpmaObject a, TpmtRsaScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, scheme, 2048, 0));
    }

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme, int curve) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL, scheme, curve, TpmtKdfScheme.NULL));
    }

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme) { return ecc(a, scheme, 0x0003); }

    private static CreatePrimaryResponse primary(TestTpm t, TpmtPublic template) {
        return t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    private static ASN1Encodable extensions(int keyUsage, Extension... more) throws Exception {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new Extension(Extension.keyUsage, true, new DEROctetString(new KeyUsage(keyUsage))));
        for (Extension e : more) v.add(e);
        return new DERTaggedObject(true, 3, Extensions.getInstance(new DERSequence(v)));
    }

    /** tcg-tpmaObject with {@code attributes} as a 32-bit BIT STRING. */
    private static Extension tpmaObject(int attributes) throws Exception {
        byte[] word = {(byte) (attributes >>> 24), (byte) (attributes >>> 16), (byte) (attributes >>> 8), (byte) attributes};
        return new Extension(new ASN1ObjectIdentifier("2.23.133.10.1.1.1"), false, new DEROctetString(new DERBitString(word)));
    }

    private static byte[] partial(ASN1Encodable... elements) throws Exception { return new DERSequence(elements).getEncoded(); }

    private static byte[] partial(int keyUsage) throws Exception {
        return partial(ISSUER, VALIDITY, SUBJECT, extensions(keyUsage));
    }

    private static CertifyX509 certify(int object, int signer, TpmtSigScheme scheme, byte[] partial) {
        return new CertifyX509(object, signer, Bytes.EMPTY, scheme, Bytes.wrap(partial));
    }

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h.replace(" ", "")); }

    /**
     * The certificate: TBS = version, serial, signature algorithm (the TPM's or the caller's), issuer, validity,
     * subject, subjectPublicKeyInfo, extensions; then the algorithm again and the signature as a BIT STRING.
     */
    private static X509Certificate assemble(byte[] partial, CertifyX509Response r, byte[] signatureValue) throws Exception {
        ASN1Sequence p = ASN1Sequence.getInstance(partial);
        ASN1Sequence added = ASN1Sequence.getInstance(r.addedToCertificate().toArray());
        boolean tpmAlgorithm = added.size() == 4;
        ASN1Encodable algorithm = tpmAlgorithm ? added.getObjectAt(2) : p.getObjectAt(0);
        int first = tpmAlgorithm ? 0 : 1;
        ASN1Encodable extensions = null;
        ASN1EncodableVector names = new ASN1EncodableVector();
        for (int i = first; i < p.size(); i++) {
            if (p.getObjectAt(i) instanceof ASN1TaggedObject) extensions = p.getObjectAt(i);
            else names.add(p.getObjectAt(i));
        }
        DERSequence tbs = new DERSequence(new ASN1Encodable[] {added.getObjectAt(0), added.getObjectAt(1), algorithm,
                names.get(0), names.get(1), names.get(2), added.getObjectAt(added.size() - 1), extensions});
        byte[] cert = new DERSequence(new ASN1Encodable[] {tbs, algorithm, new DERBitString(signatureValue)}).getEncoded();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(cert));
    }

    private static byte[] rsaSig(CertifyX509Response r) { return ((TpmuSignature.Rsa) r.signature().signature()).sig().toArray(); }

    private static byte[] ecdsaSig(CertifyX509Response r) throws Exception {
        TpmuSignature.Ecc e = (TpmuSignature.Ecc) r.signature().signature();
        return new DERSequence(new ASN1Encodable[] {new ASN1Integer(new BigInteger(1, e.signatureR().toArray())),
                new ASN1Integer(new BigInteger(1, e.signatureS().toArray()))}).getEncoded();
    }

    private static PublicKey rsaPublic(TpmtPublic pub) throws Exception {
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) pub.unique()).n().toArray());
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
    }

    // ---------------------------------------------------------------- certificates the JDK verifies

    @Test
    void rsassaSigner_certifiesAnEccKey_theJdkVerifiesTheCertificate() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ca = primary(t, rsa(SIGNER.with(TpmaObject.RESTRICTED), TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        CreatePrimaryResponse key = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)));
        byte[] partial = partial(KeyUsage.digitalSignature | KeyUsage.keyCertSign);
        CertifyX509Response r = t.run(certify(key.objectHandle(), ca.objectHandle(), NULL, partial)).orThrow();

        X509Certificate cert = assemble(partial, r, rsaSig(r));
        cert.verify(rsaPublic(ca.outPublic()));
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(TestTpm.hash(TpmAlg.SHA256, cert.getTBSCertificate())).isEqualTo(r.tbsDigest());
        assertThat(new X500Name(cert.getSubjectX500Principal().getName())).isEqualTo(SUBJECT);
        ECPublicKey certified = (ECPublicKey) cert.getPublicKey();
        TpmsEccPoint q = (TpmsEccPoint) key.outPublic().unique();
        assertThat(certified.getW().getAffineX()).isEqualTo(new BigInteger(1, q.x().toArray()));
        assertThat(certified.getW().getAffineY()).isEqualTo(new BigInteger(1, q.y().toArray()));
        assertThat(cert.getKeyUsage()[0]).isTrue();

        // the serial: the first 20 octets of H_nameAlg(signature || issuer || validity || subject || SPKI || extensions
        // || Name(signer) || Name(object))
        ASN1Sequence added = ASN1Sequence.getInstance(r.addedToCertificate().toArray());
        ASN1Sequence p = ASN1Sequence.getInstance(partial);
        byte[] serial = Arrays.copyOf(TestTpm.hash(TpmAlg.SHA256, added.getObjectAt(2).toASN1Primitive().getEncoded(),
                p.getObjectAt(0).toASN1Primitive().getEncoded(), p.getObjectAt(1).toASN1Primitive().getEncoded(),
                p.getObjectAt(2).toASN1Primitive().getEncoded(), added.getObjectAt(3).toASN1Primitive().getEncoded(),
                p.getObjectAt(3).toASN1Primitive().getEncoded(), ca.name().toArray(), key.name().toArray()).toArray(), 20);
        assertThat(cert.getSerialNumber()).isEqualTo(new BigInteger(1, serial));
        // the same request gets the same serial and digest (RSASSA: the same signature)
        CertifyX509Response again = t.run(certify(key.objectHandle(), ca.objectHandle(), NULL, partial)).orThrow();
        assertThat(again).isEqualTo(r);
    }

    @Test
    void ecdsaSigner_certifiesAnRsaKey_withTcgAttributesExtension() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ca = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA384)));
        TpmtPublic keyTemplate = rsa(DECRYPTER, TpmtRsaScheme.NULL);
        CreatePrimaryResponse key = primary(t, keyTemplate);
        byte[] partial = partial(ISSUER, VALIDITY, SUBJECT,
                extensions(KeyUsage.keyEncipherment | KeyUsage.dataEncipherment, tpmaObject(DECRYPTER.value())));
        CertifyX509Response r = t.run(certify(key.objectHandle(), ca.objectHandle(), NULL, partial)).orThrow();

        X509Certificate cert = assemble(partial, r, ecdsaSig(r));
        cert.verify(ecPublic(ca));
        assertThat(cert.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(TestTpm.hash(TpmAlg.SHA384, cert.getTBSCertificate())).isEqualTo(r.tbsDigest());
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus())
                .isEqualTo(new BigInteger(1, ((TpmuPublicId.Rsa) key.outPublic().unique()).n().toArray()));
        assertThat(cert.getNonCriticalExtensionOIDs()).contains("2.23.133.10.1.1.1");
    }

    @Test
    void rsapssSigner_writesPssParameters_theJdkVerifies() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ca = primary(t, rsa(SIGNER, TpmtRsaScheme.NULL));
        CreatePrimaryResponse key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL, 0x0004));
        byte[] partial = partial(KeyUsage.digitalSignature);
        CertifyX509Response r = t.run(certify(key.objectHandle(), ca.objectHandle(),
                TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256), partial)).orThrow();
        X509Certificate cert = assemble(partial, r, rsaSig(r));
        cert.verify(rsaPublic(ca.outPublic()));
        assertThat(cert.getSigAlgName()).isEqualTo("RSASSA-PSS");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void callersAlgorithmIdentifier_isUsed_andLeftOutOfAddedToCertificate() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ca = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA512)));
        CreatePrimaryResponse key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL));
        AlgorithmIdentifier sha512WithRsa = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha512WithRSAEncryption, DERNull.INSTANCE);
        byte[] partial = partial(sha512WithRsa, ISSUER, VALIDITY, SUBJECT, extensions(KeyUsage.digitalSignature));
        CertifyX509Response r = t.run(certify(key.objectHandle(), ca.objectHandle(), NULL, partial)).orThrow();
        assertThat(ASN1Sequence.getInstance(r.addedToCertificate().toArray()).size()).isEqualTo(3);
        X509Certificate cert = assemble(partial, r, rsaSig(r));
        cert.verify(rsaPublic(ca.outPublic()));
        assertThat(cert.getSigAlgName()).isEqualTo("SHA512withRSA");
    }

    @Test
    void hmacKey_signsWithTheCallersAlgorithmIdentifier_butHasNoneOfItsOwn() throws Exception {
        TestTpm t = TestTpm.started();
        Secret secret = Secret.of("hmac key".getBytes());
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)));
        int hmac = t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, secret), template, Bytes.EMPTY,
                NO_PCRS)).orThrow().objectHandle();
        int key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        assertThat(t.run(certify(key, hmac, NULL, partial(KeyUsage.digitalSignature))).rc()).isEqualTo(TpmRc.SCHEME.atHandle(2));

        AlgorithmIdentifier hmacSha256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
        byte[] partial = partial(hmacSha256, ISSUER, VALIDITY, SUBJECT, extensions(KeyUsage.digitalSignature));
        CertifyX509Response r = t.run(certify(key, hmac, NULL, partial)).orThrow();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.toArray(), "HmacSHA256"));
        assertThat(((TpmuSignature.Hmac) r.signature().signature()).hmac().digest().toArray())
                .isEqualTo(mac.doFinal(r.tbsDigest().toArray()));
    }

    private static PublicKey ecPublic(CreatePrimaryResponse k) throws Exception {
        byte[] spki = new DERSequence(new ASN1Encodable[] {
                new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier("1.2.840.10045.2.1"), new ASN1ObjectIdentifier("1.2.840.10045.3.1.7")}),
                new DERBitString(concat(new byte[] {4}, ((TpmsEccPoint) k.outPublic().unique()).x().toArray(),
                        ((TpmsEccPoint) k.outPublic().unique()).y().toArray()))}).getEncoded();
        return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    // ---------------------------------------------------------------- response codes, in ms-tpm's order

    @Test
    void reservedNotEmpty_isSizeOnParameter1_beforeTheKeyIsLookedAt() throws Exception {
        TestTpm t = TestTpm.started();
        int decrypt = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL)).objectHandle();
        assertThat(t.run(new CertifyX509(decrypt, decrypt, Bytes.of((byte) 1), NULL, Bytes.wrap(partial(0)))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void notASigningKey_isKeyOnHandle2_schemeMismatch_isSchemeOnParameter2() throws Exception {
        TestTpm t = TestTpm.started();
        int decrypt = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL)).objectHandle();
        int signer = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        int none = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        byte[] broken = {0x31, 0};
        assertThat(t.run(certify(decrypt, decrypt, NULL, broken)).rc()).isEqualTo(TpmRc.KEY.atHandle(2));
        assertThat(t.run(certify(decrypt, signer, TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256), broken)).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(certify(decrypt, none, NULL, broken)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void objectWithoutAnX509Key_isAsymmetricOnHandle1_beforeThePartialCertificate() throws Exception {
        TestTpm t = TestTpm.started();
        int signer = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        int hmac = primary(t, TpmtPublic.of(TpmAlg.SHA256, SIGNER, Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)))).objectHandle();
        assertThat(t.run(certify(hmac, signer, NULL, new byte[] {0x31, 0})).rc()).isEqualTo(TpmRc.ASYMMETRIC.atHandle(1));
        t.run(new dev.jtpm.types.command.FlushContext(hmac)).orThrow();
        int aes = primary(t, TpmtPublic.of(TpmAlg.SHA256, DECRYPTER, Bytes.EMPTY, new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.CFB)))).objectHandle();
        assertThat(t.run(certify(aes, signer, NULL, partial(0))).rc()).isEqualTo(TpmRc.ASYMMETRIC.atHandle(1));
        t.run(new dev.jtpm.types.command.FlushContext(aes)).orThrow();
        int bn = primary(t, ecc(SIGNER, TpmtEccScheme.NULL, 0x0010)).objectHandle();
        assertThat(t.run(certify(bn, signer, NULL, partial(0))).rc()).isEqualTo(TpmRc.ASYMMETRIC.atHandle(1));
        t.run(new dev.jtpm.types.command.FlushContext(bn)).orThrow();
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        assertThat(t.run(certify(seq, signer, NULL, partial(0))).rc()).isEqualTo(TpmRc.ASYMMETRIC.atHandle(1));
    }

    @Test
    void malformedPartialCertificates_atEachPosition() throws Exception {
        TestTpm t = TestTpm.started();
        int signer = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        int key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        TpmRc value = TpmRc.VALUE.atParameter(3), size = TpmRc.SIZE.atParameter(3);
        byte[] good = partial(KeyUsage.digitalSignature);
        ASN1Encodable ext = extensions(KeyUsage.digitalSignature);
        // the outer SEQUENCE
        assertThat(t.run(certify(key, signer, NULL, new byte[0])).rc()).isEqualTo(value);
        assertThat(t.run(certify(key, signer, NULL, concat(good, new byte[] {0}))).rc()).isEqualTo(size);
        byte[] set = good.clone();
        set[0] = 0x31;
        assertThat(t.run(certify(key, signer, NULL, set)).rc()).isEqualTo(size);
        assertThat(t.run(certify(key, signer, NULL, Arrays.copyOf(good, good.length - 1))).rc()).isEqualTo(size);
        // its elements
        assertThat(t.run(certify(key, signer, NULL, partial(VALIDITY, SUBJECT, ext))).rc()).isEqualTo(value);
        assertThat(t.run(certify(key, signer, NULL, partial(VALIDITY, ISSUER, VALIDITY, SUBJECT, SUBJECT, ext))).rc()).isEqualTo(value);
        assertThat(t.run(certify(key, signer, NULL, partial(ISSUER, VALIDITY, SUBJECT))).rc()).isEqualTo(value);
        assertThat(t.run(certify(key, signer, NULL, partial(ISSUER, VALIDITY, SUBJECT, ext, ext))).rc()).isEqualTo(value);
        assertThat(t.run(certify(key, signer, NULL, partial(ISSUER, VALIDITY, SUBJECT, new DERTaggedObject(true, 1, DERNull.INSTANCE), ext))).rc())
                .isEqualTo(value);
        assertThat(t.run(certify(key, signer, NULL, partial(new ASN1Integer(2), ISSUER, VALIDITY, SUBJECT, ext))).rc()).isEqualTo(value);
        byte[] badLength = concat(hex("30 80"), Arrays.copyOfRange(good, good[1] == (byte) 0x81 ? 3 : 2, good.length));
        assertThat(t.run(certify(key, signer, NULL, badLength)).rc()).isEqualTo(size);
        byte[] inner = good.clone();
        int issuerAt = good[1] == (byte) 0x81 ? 3 : 2;
        inner[issuerAt + 1] = (byte) 0x83;   // the issuer's length form
        assertThat(t.run(certify(key, signer, NULL, inner)).rc()).isEqualTo(value);
        // the extensions
        assertThat(t.run(certify(key, signer, NULL, partial(ISSUER, VALIDITY, SUBJECT, new DERTaggedObject(true, 3, DERNull.INSTANCE)))).rc())
                .isEqualTo(value);
        ASN1Encodable noKeyUsage = new DERTaggedObject(true, 3, new DERSequence(tpmaObject(SIGNER.value())));
        assertThat(t.run(certify(key, signer, NULL, partial(ISSUER, VALIDITY, SUBJECT, noKeyUsage))).rc()).isEqualTo(value);
        ASN1Encodable notBits = new DERTaggedObject(true, 3, new DERSequence(
                new Extension(Extension.keyUsage, true, new DEROctetString(new ASN1Integer(1)))));
        assertThat(t.run(certify(key, signer, NULL, partial(ISSUER, VALIDITY, SUBJECT, notBits))).rc()).isEqualTo(value);
        // and the one that works
        assertThat(t.run(certify(key, signer, NULL, good)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void keyUsageTheObjectCannotHonour_isValueOnParameter3() throws Exception {
        TestTpm t = TestTpm.started();
        int signer = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        int signing = primary(t, ecc(SIGNER.without(TpmaObject.FIXED_TPM).without(TpmaObject.FIXED_PARENT), TpmtEccScheme.NULL)).objectHandle();
        int decrypting = primary(t, ecc(DECRYPTER, TpmtEccScheme.NULL)).objectHandle();
        TpmRc value = TpmRc.VALUE.atParameter(3);
        assertThat(t.run(certify(decrypting, signer, NULL, partial(KeyUsage.digitalSignature))).rc()).isEqualTo(value);
        assertThat(t.run(certify(decrypting, signer, NULL, partial(KeyUsage.cRLSign))).rc()).isEqualTo(value);
        assertThat(t.run(certify(signing, signer, NULL, partial(KeyUsage.keyEncipherment))).rc()).isEqualTo(value);
        assertThat(t.run(certify(signing, signer, NULL, partial(KeyUsage.nonRepudiation))).rc()).isEqualTo(value);
        assertThat(t.run(certify(decrypting, signer, NULL, partial(KeyUsage.keyAgreement))).rc()).isEqualTo(value);
        assertThat(t.run(certify(decrypting, signer, NULL, partial(KeyUsage.nonRepudiation | KeyUsage.decipherOnly))).rc())
                .isEqualTo(TpmRc.SUCCESS);
        // keyAgreement needs a restricted key
        t.run(new dev.jtpm.types.command.FlushContext(signing)).orThrow();
        int restricted = primary(t, dev.jtpm.types.structure.Templates.ECC_P256_SRK).objectHandle();
        assertThat(t.run(certify(restricted, signer, NULL, partial(KeyUsage.keyAgreement))).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void tpmaObjectExtension_differingFromTheAttributes_isAttributesOnHandle1() throws Exception {
        TestTpm t = TestTpm.started();
        int signer = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        int key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        byte[] wrong = partial(ISSUER, VALIDITY, SUBJECT, extensions(KeyUsage.digitalSignature, tpmaObject(SIGNER.value() | 1 << 10)));
        assertThat(t.run(certify(key, signer, NULL, wrong)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        byte[] right = partial(ISSUER, VALIDITY, SUBJECT, extensions(KeyUsage.digitalSignature, tpmaObject(SIGNER.value())));
        assertThat(t.run(certify(key, signer, NULL, right)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void schemesWithoutAnAlgorithmIdentifier_areSchemeOnHandle2_unlessTheCallerGivesOne() throws Exception {
        TestTpm t = TestTpm.started();
        int key = primary(t, rsa(DECRYPTER, TpmtRsaScheme.NULL)).objectHandle();
        int schnorr = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECSCHNORR, TpmAlg.SHA256))).objectHandle();
        byte[] three = partial(KeyUsage.keyEncipherment);
        assertThat(t.run(certify(key, schnorr, NULL, three)).rc()).isEqualTo(TpmRc.SCHEME.atHandle(2));
        byte[] four = partial(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.3.4")), ISSUER, VALIDITY, SUBJECT,
                extensions(KeyUsage.keyEncipherment));
        assertThat(t.run(certify(key, schnorr, NULL, four)).rc()).isEqualTo(TpmRc.SUCCESS);
        // SM2 keys: no AlgorithmIdentifier either
        t.run(new dev.jtpm.types.command.FlushContext(schnorr)).orThrow();
        int sm2 = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256), 0x0020)).objectHandle();
        assertThat(t.run(certify(key, sm2, NULL, three)).rc()).isEqualTo(TpmRc.SCHEME.atHandle(2));
    }

    @Test
    void ecdaaSigner_noAlgorithmIdentifier_andWithTheCallersOne_needsACommit() throws Exception {
        TestTpm t = TestTpm.started();
        TpmtEccScheme ecdaa = new TpmtEccScheme(TpmAlg.ECDAA, new TpmuAsymScheme.Ecdaa(TpmAlg.SHA256, 0));
        int signer = primary(t, ecc(SIGNER, ecdaa, 0x0010)).objectHandle();
        int key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        TpmtSigScheme in = new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 0));
        assertThat(t.run(certify(key, signer, in, partial(KeyUsage.digitalSignature))).rc()).isEqualTo(TpmRc.SCHEME.atHandle(2));
        byte[] four = partial(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.3.4")), ISSUER, VALIDITY, SUBJECT,
                extensions(KeyUsage.digitalSignature));
        assertThat(t.run(certify(key, signer, in, four)).rc()).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void nullSignHandle_failsWhereMsTpmWouldNeedTheKey() throws Exception {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        assertThat(t.run(certify(key, TpmRh.NULL, NULL, new byte[] {0x31, 0})).rc()).isEqualTo(TpmRc.SIZE.atParameter(3));
        assertThat(t.run(certify(key, TpmRh.NULL, NULL, partial(KeyUsage.digitalSignature))).rc()).isEqualTo(TpmRc.SCHEME.atHandle(2));
        byte[] four = partial(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE), ISSUER,
                VALIDITY, SUBJECT, extensions(KeyUsage.digitalSignature));
        assertThat(t.run(certify(key, TpmRh.NULL, NULL, four)).rc()).isEqualTo(TpmRc.KEY.atHandle(2));
        assertThat(t.run(certify(key, TpmRh.NULL, NULL, partial(KeyUsage.keyEncipherment))).rc()).isEqualTo(TpmRc.SCHEME.atHandle(2));
    }

    @Test
    void oversizedParameters_areSizeFromUnmarshalling() throws Exception {
        TestTpm t = TestTpm.started();
        int signer = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new CertifyX509(signer, signer, Bytes.zeros(67), NULL, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new CertifyX509(signer, signer, Bytes.EMPTY, NULL, Bytes.zeros(1025))).rc()).isEqualTo(TpmRc.SIZE.atParameter(3));
        ASN1Primitive.fromByteArray(partial(0));
    }
}
