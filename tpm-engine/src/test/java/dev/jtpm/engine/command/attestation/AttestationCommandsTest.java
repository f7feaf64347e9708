package dev.jtpm.engine.command.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.Certify;
import dev.jtpm.types.command.CertifyCreation;
import dev.jtpm.types.command.CertifyCreationResponse;
import dev.jtpm.types.command.CertifyResponse;
import dev.jtpm.types.command.Commit;
import dev.jtpm.types.command.CommitResponse;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.GetTime;
import dev.jtpm.types.command.GetTimeResponse;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.Quote;
import dev.jtpm.types.command.QuoteResponse;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsAttest;
import dev.jtpm.types.structure.TpmsCertifyInfo;
import dev.jtpm.types.structure.TpmsCreationInfo;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsQuoteInfo;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsTimeAttestInfo;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkCreation;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSigScheme;
import dev.jtpm.types.structure.TpmuSignature;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Quote, TPM2_Certify, TPM2_CertifyCreation and TPM2_GetTime (Part 3, 18.4, 18.2, 18.3, 18.7): the TPMS_ATTEST
 * of each decoded and compared with values computed here (PCR values replayed from the extends, Names and Qualified
 * Names, the obfuscation), signatures checked with the JDK (RSASSA, RSAPSS, ECDSA, HMAC) or with the verifier's
 * equation over Bouncy Castle's curve arithmetic (EC-Schnorr, SM2, ECDAA), and every response code of the handlers.
 */
class AttestationCommandsTest {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject DECRYPTER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT);
    private static final Bytes QUALIFYING = Bytes.wrap("verifier nonce".getBytes(StandardCharsets.US_ASCII));
    private static final TpmtSigScheme NULL = TpmtSigScheme.NULL;

    // ---------------------------------------------------------------- helpers

    private static TpmtPublic rsa(TpmaObject a, TpmtRsaScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, scheme, 2048, 0));
    }

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, scheme, Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    private static CreatePrimaryResponse primary(TestTpm t, int hierarchy, TpmtPublic template) {
        return t.run(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    private static byte[] attestBytes(TpmsAttest a) { return TpmCodec.encode(a); }

    /** A primary's Qualified Name: nameAlg || H(hierarchy handle || Name). */
    private static Bytes primaryQn(int hierarchy, Bytes name) {
        return Bytes.wrap(ByteBuffer.allocate(34).putShort((short) TpmAlg.SHA256).put(TestTpm.hash(TpmAlg.SHA256,
                ByteBuffer.allocate(4).putInt(hierarchy).array(), name.toArray()).toArray()).array());
    }

    private static PublicKey rsaPublic(TpmtPublic pub) throws Exception {
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) pub.unique()).n().toArray());
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
    }

    private static PublicKey eccPublic(TpmtPublic pub) throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        TpmsEccPoint q = (TpmsEccPoint) pub.unique();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new java.security.spec.ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())),
                params.getParameterSpec(ECParameterSpec.class)));
    }

    private static ECPoint point(TpmsEccPoint p) {
        return P256.getCurve().createPoint(new BigInteger(1, p.x().toArray()), new BigInteger(1, p.y().toArray()));
    }

    private static boolean verifyRsassa(TpmtPublic pub, String jca, byte[] data, TpmtSignature sig) throws Exception {
        Signature v = Signature.getInstance(jca);
        v.initVerify(rsaPublic(pub));
        v.update(data);
        return v.verify(((TpmuSignature.Rsa) sig.signature()).sig().toArray());
    }

    private static boolean verifyEcdsa(TpmtPublic pub, String jca, byte[] data, TpmtSignature sig) throws Exception {
        TpmuSignature.Ecc e = (TpmuSignature.Ecc) sig.signature();
        byte[] p1363 = new byte[64], r = e.signatureR().toArray(), s = e.signatureS().toArray();
        System.arraycopy(r, 0, p1363, 32 - r.length, r.length);
        System.arraycopy(s, 0, p1363, 64 - s.length, s.length);
        Signature v = Signature.getInstance(jca);
        v.initVerify(eccPublic(pub));
        v.update(data);
        return v.verify(p1363);
    }

    /** KDFa(SHA-512, key, "OBFUSCATE", contextU, -, 128), written out from Part 1. */
    private static long[] obfuscation(Secret shProof, Bytes qualifiedSigner) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(shProof.toArray(), "HmacSHA512"));
        mac.update(new byte[] {0, 0, 0, 1});
        mac.update("OBFUSCATE\0".getBytes(StandardCharsets.US_ASCII));
        mac.update(qualifiedSigner.toArray());
        mac.update(new byte[] {0, 0, 0, (byte) 128});
        ByteBuffer o = ByteBuffer.wrap(mac.doFinal(), 0, 16).order(ByteOrder.LITTLE_ENDIAN);
        return new long[] {o.getLong(0), o.getLong(8)};
    }

    private static Bytes zeros(int alg) { return Bytes.zeros(TpmAlg.digestSize(alg)); }

    /** PCR value after one extend from zero: H(0...0 || digest). */
    private static Bytes extended(int alg, Bytes digest) { return TestTpm.hash(alg, zeros(alg).toArray(), digest.toArray()); }

    private static Quote quote(int key, TpmtSigScheme scheme, TpmsPcrSelection... sels) {
        return new Quote(key, QUALIFYING, scheme, new TpmlPcrSelection(List.of(sels)));
    }

    // ---------------------------------------------------------------- TPM2_Quote

    @Test
    void quote_restrictedRsaKey_digestsTheSelectedPcrsOfTwoBanks_andSignsWithRsassa() throws Exception {
        TestTpm t = TestTpm.started();
        Bytes e1 = TestTpm.hash(TpmAlg.SHA1, "event".getBytes()), e256 = TestTpm.hash(TpmAlg.SHA256, "event".getBytes());
        t.run(new PcrExtend(0, new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA1, e1), new TpmtHa(TpmAlg.SHA256, e256)))))
                .orThrow();
        CreatePrimaryResponse k = primary(t, TpmRh.ENDORSEMENT,
                rsa(SIGNER.with(TpmaObject.RESTRICTED), TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        TpmsPcrSelection sha1 = TpmsPcrSelection.of(TpmAlg.SHA1, 0, 2), sha256 = TpmsPcrSelection.of(TpmAlg.SHA256, 0);
        QuoteResponse r = t.run(quote(k.objectHandle(), NULL, sha1, sha256)).orThrow();

        TpmsAttest a = r.quoted();
        assertThat(a.magic()).isEqualTo(TpmsAttest.TPM_GENERATED_VALUE);
        assertThat(a.type()).isEqualTo(TpmSt.ATTEST_QUOTE);
        assertThat(a.qualifiedSigner()).isEqualTo(primaryQn(TpmRh.ENDORSEMENT, k.name()));
        assertThat(a.extraData()).isEqualTo(QUALIFYING);
        assertThat(a.clockInfo().resetCount()).isEqualTo(t.state().persistent.resetCount);    // endorsement: in plain
        TpmsQuoteInfo info = (TpmsQuoteInfo) a.attested();
        assertThat(info.pcrSelect()).isEqualTo(new TpmlPcrSelection(List.of(sha1, sha256)));
        Bytes expected = TestTpm.hash(TpmAlg.SHA256, extended(TpmAlg.SHA1, e1).toArray(), zeros(TpmAlg.SHA1).toArray(),
                extended(TpmAlg.SHA256, e256).toArray());
        assertThat(info.pcrDigest()).isEqualTo(expected);
        assertThat(r.signature().sigAlg()).isEqualTo(TpmAlg.RSASSA);
        assertThat(verifyRsassa(k.outPublic(), "SHA256withRSA", attestBytes(a), r.signature())).isTrue();
    }

    @Test
    void quote_eccKeyWithoutScheme_digestsWithTheHashOfInScheme_obfuscatedInTheOwnerHierarchy() throws Exception {
        TestTpm t = TestTpm.started();
        TpmState s = t.state();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, ecc(SIGNER, TpmtEccScheme.NULL));
        // the test TPM allocates SHA-1 and SHA-256 only: the SHA-384 selection is filtered to nothing (FilterPcr)
        TpmsPcrSelection sha384 = TpmsPcrSelection.of(TpmAlg.SHA384, 16, 23), sha256 = TpmsPcrSelection.of(TpmAlg.SHA256, 16, 23);
        QuoteResponse r = t.run(quote(k.objectHandle(), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA384), sha384, sha256)).orThrow();
        TpmsQuoteInfo info = (TpmsQuoteInfo) r.quoted().attested();
        assertThat(info.pcrSelect()).isEqualTo(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA384), sha256)));
        assertThat(info.pcrDigest()).isEqualTo(TestTpm.hash(TpmAlg.SHA384, new byte[64]));
        assertThat(verifyEcdsa(k.outPublic(), "SHA384withECDSAinP1363Format", attestBytes(r.quoted()), r.signature())).isTrue();
        long[] o = obfuscation(s.persistent.shProof, r.quoted().qualifiedSigner());
        assertThat(r.quoted().firmwareVersion()).isEqualTo((1L << 32) + o[0]);
        assertThat(r.quoted().clockInfo().resetCount()).isEqualTo(s.persistent.resetCount + (int) (o[1] >>> 32));
        assertThat(r.quoted().clockInfo().restartCount()).isEqualTo(s.persistent.restartCount + (int) o[1]);
    }

    @Test
    void quote_rsapssAndHmacKeys_signTheAttest() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse pss = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.NULL));
        QuoteResponse r = t.run(quote(pss.objectHandle(), TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256),
                TpmsPcrSelection.of(TpmAlg.SHA256, 1))).orThrow();
        Signature v = Signature.getInstance("RSASSA-PSS");
        v.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        v.initVerify(rsaPublic(pss.outPublic()));
        v.update(attestBytes(r.quoted()));
        assertThat(v.verify(((TpmuSignature.Rsa) r.signature().signature()).sig().toArray())).isTrue();

        Secret key = Secret.of("hmac key".getBytes());
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA384)));
        int h = t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, key), template, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        QuoteResponse m = t.run(quote(h, NULL, TpmsPcrSelection.of(TpmAlg.SHA1, 3))).orThrow();
        assertThat(((TpmsQuoteInfo) m.quoted().attested()).pcrDigest()).isEqualTo(TestTpm.hash(TpmAlg.SHA384, new byte[20]));
        Mac mac = Mac.getInstance("HmacSHA384");
        mac.init(new SecretKeySpec(key.toArray(), "HmacSHA384"));
        byte[] expected = mac.doFinal(TestTpm.hash(TpmAlg.SHA384, attestBytes(m.quoted())).toArray());
        assertThat(((TpmuSignature.Hmac) m.signature().signature()).hmac().digest().toArray()).isEqualTo(expected);
    }

    @Test
    void quote_ecSchnorrAndSm2_satisfyTheVerifierEquations() throws Exception {
        TestTpm t = TestTpm.started();
        BigInteger n = P256.getN();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, ecc(SIGNER, TpmtEccScheme.NULL));
        ECPoint q = point((TpmsEccPoint) k.outPublic().unique());

        QuoteResponse schnorr = t.run(quote(k.objectHandle(), TpmtSigScheme.of(TpmAlg.ECSCHNORR, TpmAlg.SHA256),
                TpmsPcrSelection.of(TpmAlg.SHA256, 0))).orThrow();
        var e = (TpmuSignature.Ecc) schnorr.signature().signature();
        assertThat(e.sigAlg()).isEqualTo(TpmAlg.ECSCHNORR);
        byte[] digest = TestTpm.hash(TpmAlg.SHA256, attestBytes(schnorr.quoted())).toArray();
        BigInteger r = new BigInteger(1, e.signatureR().toArray()), s = new BigInteger(1, e.signatureS().toArray());
        ECPoint rr = P256.getG().multiply(s).subtract(q.multiply(r)).normalize();      // R = s·G − r·Q
        byte[] x = ByteBuffer.allocate(32).put(fixed32(rr.getAffineXCoord().toBigInteger())).array();
        assertThat(new BigInteger(1, TestTpm.hash(TpmAlg.SHA256, x, digest).toArray())).isEqualTo(r);

        QuoteResponse sm2 = t.run(quote(k.objectHandle(), TpmtSigScheme.of(TpmAlg.SM2, TpmAlg.SHA256),
                TpmsPcrSelection.of(TpmAlg.SHA256, 0))).orThrow();
        e = (TpmuSignature.Ecc) sm2.signature().signature();
        assertThat(e.sigAlg()).isEqualTo(TpmAlg.SM2);
        BigInteger ee = new BigInteger(1, TestTpm.hash(TpmAlg.SHA256, attestBytes(sm2.quoted())).toArray());
        r = new BigInteger(1, e.signatureR().toArray());
        s = new BigInteger(1, e.signatureS().toArray());
        ECPoint p = P256.getG().multiply(s).add(q.multiply(r.add(s).mod(n))).normalize();   // s·G + (r + s)·Q
        assertThat(ee.add(p.getAffineXCoord().toBigInteger()).mod(n)).isEqualTo(r);
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return out;
    }

    @Test
    void quote_ecdaaAfterCommit_isAnonymous_andSignsHOfQualifyingDataAndAttest() throws Exception {
        TestTpm t = TestTpm.started();
        TpmtEccScheme ecdaa = new TpmtEccScheme(TpmAlg.ECDAA, new dev.jtpm.types.structure.TpmuAsymScheme.Ecdaa(TpmAlg.SHA256, 0));
        CreatePrimaryResponse k = primary(t, TpmRh.ENDORSEMENT, ecc(SIGNER, ecdaa));
        TpmtSigScheme inScheme = new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 0));
        // the key's scheme is ECDAA: TPM_ALG_NULL does not do, the count must be given
        assertThat(t.run(quote(k.objectHandle(), NULL, TpmsPcrSelection.of(TpmAlg.SHA256, 0))).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        // no commitment yet for count 0
        assertThat(t.run(quote(k.objectHandle(), inScheme, TpmsPcrSelection.of(TpmAlg.SHA256, 0))).rc()).isEqualTo(TpmRc.VALUE);
        CommitResponse c = t.run(new Commit(k.objectHandle(), TpmsEccPoint.EMPTY, Bytes.EMPTY, Bytes.EMPTY)).orThrow();
        QuoteResponse r = t.run(quote(k.objectHandle(), inScheme, TpmsPcrSelection.of(TpmAlg.SHA256, 0))).orThrow();
        assertThat(r.quoted().qualifiedSigner()).isEqualTo(Bytes.EMPTY);
        assertThat(r.quoted().extraData()).isEqualTo(Bytes.EMPTY);
        var sig = (TpmuSignature.Ecc) r.signature().signature();
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.ECDAA);
        // the digest signed: H(qualifyingData || H(attest)); then s·G = E + H(nonceK || digest)·Q
        byte[] digest = TestTpm.hash(TpmAlg.SHA256, QUALIFYING.toArray(),
                TestTpm.hash(TpmAlg.SHA256, attestBytes(r.quoted())).toArray()).toArray();
        BigInteger challenge = new BigInteger(1, TestTpm.hash(TpmAlg.SHA256, sig.signatureR().toArray(), digest).toArray());
        ECPoint q = point((TpmsEccPoint) k.outPublic().unique());
        assertThat(P256.getG().multiply(new BigInteger(1, sig.signatureS().toArray())).normalize())
                .isEqualTo(point(c.e()).add(q.multiply(challenge)).normalize());
        // the count is used up
        assertThat(t.run(quote(k.objectHandle(), inScheme, TpmsPcrSelection.of(TpmAlg.SHA256, 0))).rc()).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void quote_nullSignHandle_isSchemeOnParameter2_theNullSchemeHasNoHash() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(quote(TpmRh.NULL, NULL, TpmsPcrSelection.of(TpmAlg.SHA256, 0))).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(quote(TpmRh.NULL, TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), TpmsPcrSelection.of(TpmAlg.SHA256, 0))).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void quote_notASigningKey_isKeyOnHandle1_schemeRules_areSchemeOnParameter2() {
        TestTpm t = TestTpm.started();
        TpmsPcrSelection sel = TpmsPcrSelection.of(TpmAlg.SHA256, 0);
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        assertThat(t.run(quote(srk, NULL, sel)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        int decrypt = primary(t, TpmRh.OWNER, rsa(DECRYPTER, TpmtRsaScheme.NULL)).objectHandle();
        assertThat(t.run(quote(decrypt, TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), sel)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        t.run(new dev.jtpm.types.command.FlushContext(srk)).orThrow();
        t.run(new dev.jtpm.types.command.FlushContext(decrypt)).orThrow();
        int restricted = primary(t, TpmRh.OWNER, rsa(SIGNER.with(TpmaObject.RESTRICTED),
                TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(quote(restricted, TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA384), sel)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(quote(restricted, TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256), sel)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(quote(restricted, TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), sel)).rc()).isEqualTo(TpmRc.SUCCESS);
        int none = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.NULL)).objectHandle();
        assertThat(t.run(quote(none, NULL, sel)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(quote(none, TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), sel)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void quote_badPcrSelections_failWhileUnmarshallingOnParameter3() {
        TestTpm t = TestTpm.started();
        // TPM2_Quote(TPM_RH_NULL, qualifyingData empty, TPM_ALG_NULL, pcrSelect) encoded by hand
        assertThat(rawQuote(t, "00000001" + "0009" + "03" + "010000")).isEqualTo(TpmRc.HASH.atParameter(3));   // not a hash
        assertThat(rawQuote(t, "00000001" + "000b" + "05" + "0100000000")).isEqualTo(TpmRc.VALUE.atParameter(3));
        assertThat(rawQuote(t, "00000005" + "000b03010000".repeat(5))).isEqualTo(TpmRc.SIZE.atParameter(3));
    }

    private static TpmRc rawQuote(TestTpm t, String pcrSelectHex) {
        byte[] body = new TpmWriter().u32(TpmCc.QUOTE).u32(TpmRh.NULL).u32(9).u32(TpmRh.RS_PW).u16(0).u8(0).u16(0)
                .u16(0).u16(TpmAlg.NULL).bytes(Bytes.fromHex(pcrSelectHex).toArray()).toByteArray();
        byte[] cmd = ByteBuffer.allocate(6 + body.length).putShort((short) TpmSt.SESSIONS).putInt(6 + body.length).put(body).array();
        return new TpmRc(ByteBuffer.wrap(t.raw(cmd), 6, 4).getInt());
    }

    @Test
    void quote_qualifyingDataTooLong_isSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        byte[] body = new TpmWriter().u32(TpmCc.QUOTE).u32(TpmRh.NULL).u32(9).u32(TpmRh.RS_PW).u16(0).u8(0).u16(0)
                .u16(67).bytes(new byte[67]).u16(TpmAlg.NULL).u32(0).toByteArray();
        byte[] cmd = ByteBuffer.allocate(6 + body.length).putShort((short) TpmSt.SESSIONS).putInt(6 + body.length).put(body).array();
        assertThat(new TpmRc(ByteBuffer.wrap(t.raw(cmd), 6, 4).getInt())).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    // ---------------------------------------------------------------- TPM2_Certify

    @Test
    void certify_reportsNameAndQualifiedName_signedWithEcdsa() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse signer = primary(t, TpmRh.ENDORSEMENT, ecc(SIGNER.with(TpmaObject.RESTRICTED),
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)));
        CreatePrimaryResponse object = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        CertifyResponse r = t.run(new Certify(object.objectHandle(), signer.objectHandle(), QUALIFYING, NULL)).orThrow();
        TpmsAttest a = r.certifyInfo();
        assertThat(a.type()).isEqualTo(TpmSt.ATTEST_CERTIFY);
        assertThat(a.qualifiedSigner()).isEqualTo(primaryQn(TpmRh.ENDORSEMENT, signer.name()));
        assertThat(a.extraData()).isEqualTo(QUALIFYING);
        assertThat(a.attested()).isEqualTo(new TpmsCertifyInfo(object.name(), primaryQn(TpmRh.OWNER, object.name())));
        assertThat(verifyEcdsa(signer.outPublic(), "SHA256withECDSAinP1363Format", attestBytes(a), r.signature())).isTrue();
    }

    @Test
    void certify_nullSignHandle_givesANullSignature_andASignerCanCertifyItself() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA384)));
        CertifyResponse n = t.run(new Certify(k.objectHandle(), TpmRh.NULL, Bytes.EMPTY, NULL)).orThrow();
        assertThat(n.signature()).isEqualTo(TpmtSignature.NULL);
        assertThat(n.certifyInfo().qualifiedSigner()).isEqualTo(Bytes.fromHex("40000007"));
        CertifyResponse self = t.run(new Certify(k.objectHandle(), k.objectHandle(), QUALIFYING, NULL)).orThrow();
        assertThat(verifyRsassa(k.outPublic(), "SHA384withRSA", attestBytes(self.certifyInfo()), self.signature())).isTrue();
    }

    @Test
    void certify_ecdaa_emptiesTheCertifiedQualifiedNameToo() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, ecc(SIGNER, new TpmtEccScheme(TpmAlg.ECDAA,
                new dev.jtpm.types.structure.TpmuAsymScheme.Ecdaa(TpmAlg.SHA256, 0))));
        t.run(new Commit(k.objectHandle(), TpmsEccPoint.EMPTY, Bytes.EMPTY, Bytes.EMPTY)).orThrow();
        TpmtSigScheme ecdaa = new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 0));
        CertifyResponse r = t.run(new Certify(k.objectHandle(), k.objectHandle(), QUALIFYING, ecdaa)).orThrow();
        assertThat(r.certifyInfo().attested()).isEqualTo(new TpmsCertifyInfo(k.name(), Bytes.EMPTY));
        assertThat(r.certifyInfo().qualifiedSigner()).isEqualTo(Bytes.EMPTY);
    }

    @Test
    void certify_notASigningKey_isKeyOnHandle2_schemeMismatch_isSchemeOnParameter2() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        int k = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new Certify(k, srk, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.KEY.atHandle(2));
        assertThat(t.run(new Certify(srk, k, Bytes.EMPTY, TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256))).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new Certify(TpmRh.NULL, k, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    /** A key that only a policy session with PolicyCommandCode(TPM_CC_Certify) can certify (ADMIN role). */
    @Test
    void certify_adminWithPolicyObject_needsAPolicySessionWithPolicyCommandCodeCertify() throws Exception {
        TestTpm t = TestTpm.started();
        Bytes policy = TestTpm.hash(TpmAlg.SHA256, new byte[32], ByteBuffer.allocate(8).putInt(TpmCc.POLICY_COMMAND_CODE)
                .putInt(TpmCc.CERTIFY).array());
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, SIGNER.with(TpmaObject.ADMIN_WITH_POLICY), policy,
                new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0));
        CreatePrimaryResponse object = primary(t, TpmRh.OWNER, template);
        int signer = object.objectHandle();
        // a password session in the ADMIN role of an adminWithPolicy object
        assertThat(t.run(new Certify(object.objectHandle(), signer, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.AUTH_TYPE.atSession(1));

        int session = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(32), Bytes.EMPTY, TpmSe.POLICY,
                TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow().sessionHandle();
        // without the command code: the policy digest differs
        assertThat(rc(t.raw(certifyWithPolicy(object.objectHandle(), signer, session)))).isEqualTo(TpmRc.POLICY_FAIL.atSession(1));
        t.run(new PolicyCommandCode(session, TpmCc.CERTIFY)).orThrow();
        byte[] response = t.raw(certifyWithPolicy(object.objectHandle(), signer, session));
        assertThat(rc(response)).isEqualTo(TpmRc.SUCCESS);
        TpmReader rd = new TpmReader(response, 10, response.length - 10);
        rd.u32();                                                                 // parameterSize
        TpmsAttest a = TpmCodec.decode(TpmsAttest.class, rd.bytes(rd.u16()).toArray());
        assertThat(((TpmsCertifyInfo) a.attested()).name()).isEqualTo(object.name());
    }

    /** TPM2_Certify(objectHandle: policy session, signHandle: empty password), parameters empty and TPM_ALG_NULL. */
    private static byte[] certifyWithPolicy(int object, int signer, int session) {
        Bytes nonce = Bytes.zeros(16);
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(TpmCc.CERTIFY).u32(object).u32(signer);
        w.u32(4 + 2 + 16 + 1 + 2 + 9);
        w.u32(session).sized(nonce).u8(1).u16(0);
        w.u32(TpmRh.RS_PW).u16(0).u8(0).u16(0);
        w.u16(0).u16(TpmAlg.NULL);
        w.patchU32(2, w.position());
        return w.toByteArray();
    }

    private static TpmRc rc(byte[] response) { return new TpmRc(ByteBuffer.wrap(response, 6, 4).getInt()); }

    // ---------------------------------------------------------------- TPM2_CertifyCreation

    private record Created(int handle, CreateResponse create) {}

    private static Created createUnderSrk(TestTpm t, int srk) {
        CreateResponse c = t.run(new Create(srk, TpmsSensitiveCreate.EMPTY, rsa(SIGNER, TpmtRsaScheme.NULL),
                Bytes.wrap("outside".getBytes()), new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1))))).orThrow();
        int h = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
        return new Created(h, c);
    }

    @Test
    void certifyCreation_validTicket_signsTheNameAndCreationHash() throws Exception {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        Created o = createUnderSrk(t, srk);
        CreatePrimaryResponse signer = primary(t, TpmRh.ENDORSEMENT, rsa(SIGNER.with(TpmaObject.RESTRICTED),
                TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        CertifyCreationResponse r = t.run(new CertifyCreation(signer.objectHandle(), o.handle(), QUALIFYING,
                o.create().creationHash(), NULL, o.create().creationTicket())).orThrow();
        TpmsAttest a = r.certifyInfo();
        assertThat(a.type()).isEqualTo(TpmSt.ATTEST_CREATION);
        Bytes name = o.create().outPublic().name();
        assertThat(a.attested()).isEqualTo(new TpmsCreationInfo(name, o.create().creationHash()));
        // the creation hash is H_nameAlg(TPMS_CREATION_DATA)
        assertThat(o.create().creationHash()).isEqualTo(TestTpm.hash(TpmAlg.SHA256, TpmCodec.encode(o.create().creationData())));
        assertThat(verifyRsassa(signer.outPublic(), "SHA256withRSA", attestBytes(a), r.signature())).isTrue();
        // the object itself, unauthorized, with TPM_RH_NULL
        CertifyCreationResponse n = t.run(new CertifyCreation(TpmRh.NULL, o.handle(), Bytes.EMPTY,
                o.create().creationHash(), NULL, o.create().creationTicket())).orThrow();
        assertThat(n.signature()).isEqualTo(TpmtSignature.NULL);
    }

    @Test
    void certifyCreation_wrongTicketHashOrObject_isTicketOnParameter4() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        Created o = createUnderSrk(t, srk);
        TpmtTkCreation ticket = o.create().creationTicket();
        Bytes hash = o.create().creationHash();
        assertThat(ticket.hierarchy()).isEqualTo(TpmRh.OWNER);
        byte[] bad = hash.toArray();
        bad[0] ^= 1;
        assertThat(t.run(new CertifyCreation(TpmRh.NULL, o.handle(), Bytes.EMPTY, Bytes.wrap(bad), NULL, ticket)).rc())
                .isEqualTo(TpmRc.TICKET.atParameter(4));
        assertThat(t.run(new CertifyCreation(TpmRh.NULL, o.handle(), Bytes.EMPTY, hash, NULL,
                new TpmtTkCreation(TpmSt.CREATION, TpmRh.ENDORSEMENT, ticket.digest()))).rc()).isEqualTo(TpmRc.TICKET.atParameter(4));
        assertThat(t.run(new CertifyCreation(TpmRh.NULL, o.handle(), Bytes.EMPTY, hash, NULL, TpmtTkCreation.nullTicket())).rc())
                .isEqualTo(TpmRc.TICKET.atParameter(4));
        assertThat(t.run(new CertifyCreation(TpmRh.NULL, srk, Bytes.EMPTY, hash, NULL, ticket)).rc())
                .isEqualTo(TpmRc.TICKET.atParameter(4));
    }

    @Test
    void certifyCreation_keyAndSchemeChecksComeBeforeTheTicket() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        Created o = createUnderSrk(t, srk);
        TpmtTkCreation none = TpmtTkCreation.nullTicket();
        assertThat(t.run(new CertifyCreation(srk, o.handle(), Bytes.EMPTY, Bytes.EMPTY, NULL, none)).rc())
                .isEqualTo(TpmRc.KEY.atHandle(1));
        assertThat(t.run(new CertifyCreation(o.handle(), srk, Bytes.EMPTY, Bytes.EMPTY, NULL, none)).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(3));
        // a primary's own creation ticket (TPM2_CreatePrimary) serves too
        CreatePrimaryResponse p = primary(t, TpmRh.ENDORSEMENT, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        assertThat(t.run(new CertifyCreation(o.handle(), p.objectHandle(), Bytes.EMPTY, p.creationHash(),
                TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), p.creationTicket())).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    // ---------------------------------------------------------------- TPM2_GetTime

    @Test
    void getTime_ownerKey_timeInfoInPlain_outerCountsObfuscated() throws Exception {
        TestTpm t = TestTpm.started();
        TpmState s = t.state();
        t.millis.addAndGet(12_345);
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        GetTimeResponse r = t.run(new GetTime(TpmRh.ENDORSEMENT, k.objectHandle(), QUALIFYING, NULL)).orThrow();
        TpmsAttest a = r.timeInfo();
        assertThat(a.type()).isEqualTo(TpmSt.ATTEST_TIME);
        TpmsTimeAttestInfo info = (TpmsTimeAttestInfo) a.attested();
        assertThat(info.time().time()).isEqualTo(s.time());
        assertThat(info.time().clockInfo().clock()).isEqualTo(s.clock());
        assertThat(info.time().clockInfo().resetCount()).isEqualTo(s.persistent.resetCount);
        assertThat(info.time().clockInfo().restartCount()).isEqualTo(s.persistent.restartCount);
        assertThat(info.time().clockInfo().safe()).isTrue();
        assertThat(info.firmwareVersion()).isEqualTo(1L << 32);
        long[] o = obfuscation(s.persistent.shProof, a.qualifiedSigner());
        assertThat(a.firmwareVersion()).isEqualTo((1L << 32) + o[0]);
        assertThat(a.clockInfo().resetCount()).isEqualTo(s.persistent.resetCount + (int) (o[1] >>> 32));
        assertThat(verifyRsassa(k.outPublic(), "SHA256withRSA", attestBytes(a), r.signature())).isTrue();
    }

    @Test
    void getTime_nullSignHandle_nullSignature_andTheHandleAndKeyCodes() {
        TestTpm t = TestTpm.started();
        GetTimeResponse r = t.run(new GetTime(TpmRh.ENDORSEMENT, TpmRh.NULL, QUALIFYING, NULL)).orThrow();
        assertThat(r.signature()).isEqualTo(TpmtSignature.NULL);
        assertThat(r.timeInfo().extraData()).isEqualTo(QUALIFYING);
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        assertThat(t.run(new GetTime(TpmRh.ENDORSEMENT, srk, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.KEY.atHandle(2));
        int none = primary(t, TpmRh.OWNER, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        assertThat(t.run(new GetTime(TpmRh.ENDORSEMENT, none, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new GetTime(TpmRh.ENDORSEMENT, none, Bytes.EMPTY,
                new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 3)))).rc()).isEqualTo(TpmRc.VALUE);
        assertThat(t.run(new GetTime(TpmRh.OWNER, TpmRh.NULL, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
        t.run(new dev.jtpm.types.command.HierarchyControl(TpmRh.PLATFORM, TpmRh.ENDORSEMENT, false)).orThrow();
        assertThat(t.run(new GetTime(TpmRh.ENDORSEMENT, TpmRh.NULL, Bytes.EMPTY, NULL)).rc()).isEqualTo(TpmRc.HIERARCHY.atHandle(1));
    }
}
