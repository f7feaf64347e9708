package dev.jtpm.engine.command.signature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.HashResponse;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.HmacStart;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceCompleteResponse;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.VerifySignature;
import dev.jtpm.types.command.VerifySignatureResponse;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmtTkVerified;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSignature;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Sign, TPM2_VerifySignature, TPM2_HMAC and HMAC sequences: signatures checked independently
 * with the JDK, and every response code of the handlers' javadoc.
 */
class SignatureCommandsTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject RESTRICTED_SIGNER = SIGNER.with(TpmaObject.RESTRICTED);
    private static final TpmaObject HMAC_KEY = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final byte[] MESSAGE = "message to sign".getBytes(StandardCharsets.US_ASCII);
    private static final Bytes DIGEST = TestTpm.hash(TpmAlg.SHA256, MESSAGE);

    private static TpmtPublic rsa(TpmaObject a, TpmtRsaScheme scheme, int bits) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, scheme, bits, 0));
    }

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, scheme, Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    private static TpmtPublic hmacKey(TpmaObject a, TpmtKeyedhashScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsKeyedhashParms(scheme));
    }

    private static CreatePrimaryResponse primary(TestTpm t, int hierarchy, TpmtPublic template, Secret data) {
        return t.run(new CreatePrimary(hierarchy, new TpmsSensitiveCreate(Secret.EMPTY, data), template, Bytes.EMPTY, NO_PCRS))
                .orThrow();
    }

    private static CreatePrimaryResponse primary(TestTpm t, TpmtPublic template) {
        return primary(t, TpmRh.OWNER, template, Secret.EMPTY);
    }

    private static TpmtSignature sign(TestTpm t, int key, Bytes digest, TpmtSigScheme scheme) {
        return t.run(new Sign(key, digest, scheme, TpmtTkHashcheck.nullTicket())).orThrow().signature();
    }

    private static TpmRc signRc(TestTpm t, int key, Bytes digest, TpmtSigScheme scheme, TpmtTkHashcheck ticket) {
        return t.run(new Sign(key, digest, scheme, ticket)).rc();
    }

    private static PublicKey rsaPublic(TpmtPublic pub) throws Exception {
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) pub.unique()).n().toArray());
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
    }

    private static PublicKey eccPublic(TpmtPublic pub) throws Exception {
        var params = java.security.AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        TpmsEccPoint q = (TpmsEccPoint) pub.unique();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())), spec));
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    // ---------------------------------------------------------------- signatures, checked by the JDK

    @Test
    void sign_rsassa_verifiesWithJdk() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048));
        TpmtSignature sig = sign(t, k.objectHandle(), DIGEST, TpmtSigScheme.NULL);
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.RSASSA);
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(rsaPublic(k.outPublic()));
        v.update(MESSAGE);
        assertThat(v.verify(((TpmuSignature.Rsa) sig.signature()).sig().toArray())).isTrue();
    }

    @Test
    void sign_rsapss_verifiesWithJdk_saltAsLongAsTheDigest() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, rsa(SIGNER, TpmtRsaScheme.NULL, 2048));
        TpmtSignature sig = sign(t, k.objectHandle(), DIGEST, TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256));
        Signature v = Signature.getInstance("RSASSA-PSS");
        v.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        v.initVerify(rsaPublic(k.outPublic()));
        v.update(MESSAGE);
        assertThat(v.verify(((TpmuSignature.Rsa) sig.signature()).sig().toArray())).isTrue();
    }

    @Test
    void sign_ecdsa_verifiesWithJdk() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)));
        TpmtSignature sig = sign(t, k.objectHandle(), DIGEST, TpmtSigScheme.NULL);
        TpmuSignature.Ecc e = (TpmuSignature.Ecc) sig.signature();
        assertThat(e.signatureR().size()).isEqualTo(32);
        Signature v = Signature.getInstance("NONEwithECDSAinP1363Format");
        v.initVerify(eccPublic(k.outPublic()));
        v.update(DIGEST.toArray());
        assertThat(v.verify(e.signatureR().concat(e.signatureS()).toArray())).isTrue();
    }

    @Test
    void sign_hmacKey_isTheHmacOfTheDigest() throws Exception {
        TestTpm t = TestTpm.started();
        byte[] keyBits = new byte[32];
        java.util.Arrays.fill(keyBits, (byte) 7);
        TpmaObject imported = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT);
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, hmacKey(imported, TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)),
                Secret.of(keyBits));
        TpmtSignature sig = sign(t, k.objectHandle(), DIGEST, TpmtSigScheme.NULL);
        TpmtHa ha = ((TpmuSignature.Hmac) sig.signature()).hmac();
        assertThat(ha.digest().toArray()).isEqualTo(hmac(keyBits, DIGEST.toArray()));
        // TPM2_HMAC over the message, and an HMAC sequence in two parts
        assertThat(t.run(new Hmac(k.objectHandle(), Bytes.wrap(MESSAGE), TpmAlg.NULL)).orThrow().outHMAC().toArray())
                .isEqualTo(hmac(keyBits, MESSAGE));
        int seq = t.run(new HmacStart(k.objectHandle(), Secret.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(java.util.Arrays.copyOf(MESSAGE, 5)))).orThrow();
        SequenceCompleteResponse done = t.run(new SequenceComplete(seq,
                Bytes.wrap(java.util.Arrays.copyOfRange(MESSAGE, 5, MESSAGE.length)), TpmRh.OWNER)).orThrow();
        assertThat(done.result().toArray()).isEqualTo(hmac(keyBits, MESSAGE));
        assertThat(done.validation()).isEqualTo(TpmtTkHashcheck.nullTicket());
        assertThat(t.state().objects.get(seq)).isNull();
        // VerifySignature accepts the HMAC signature
        assertThat(t.run(new VerifySignature(k.objectHandle(), DIGEST, sig)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void sign_ecschnorr_verifiesWithVerifySignature() {
        TestTpm t = TestTpm.started();
        int k = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        TpmtSignature sig = sign(t, k, DIGEST, TpmtSigScheme.of(TpmAlg.ECSCHNORR, TpmAlg.SHA256));
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.ECSCHNORR);
        assertThat(t.run(new VerifySignature(k, DIGEST, sig)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new VerifySignature(k, TestTpm.hash(TpmAlg.SHA256, new byte[1]), sig)).rc())
                .isEqualTo(TpmRc.SIGNATURE.atParameter(2));
    }

    // ---------------------------------------------------------------- VerifySignature

    @Test
    void verifySignature_ticketIsTheProofHmacOverDigestAndName() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)));
        TpmtSignature sig = sign(t, k.objectHandle(), DIGEST, TpmtSigScheme.NULL);
        VerifySignatureResponse r = t.run(new VerifySignature(k.objectHandle(), DIGEST, sig)).orThrow();
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(t.state().persistent.shProof.toArray(), "HmacSHA512"));
        mac.update(new byte[] {(byte) (TpmSt.VERIFIED >>> 8), (byte) TpmSt.VERIFIED});
        mac.update(DIGEST.toArray());
        mac.update(k.outPublic().name().toArray());
        assertThat(r.validation()).isEqualTo(new TpmtTkVerified(TpmSt.VERIFIED, TpmRh.OWNER, Bytes.wrap(mac.doFinal())));
    }

    @Test
    void verifySignature_nullHierarchyKey_givesNullTicket() {
        TestTpm t = TestTpm.started();
        int k = primary(t, TpmRh.NULL, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)), Secret.EMPTY).objectHandle();
        TpmtSignature sig = sign(t, k, DIGEST, TpmtSigScheme.NULL);
        assertThat(t.run(new VerifySignature(k, DIGEST, sig)).orThrow().validation()).isEqualTo(TpmtTkVerified.nullTicket());
    }

    @Test
    void verifySignature_badSignature_wrongScheme_notSigningKey() {
        TestTpm t = TestTpm.started();
        int k = primary(t, rsa(SIGNER, TpmtRsaScheme.NULL, 1024)).objectHandle();
        TpmtSignature sig = sign(t, k, DIGEST, TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256));
        TpmuSignature.Rsa rs = (TpmuSignature.Rsa) sig.signature();
        byte[] flipped = rs.sig().toArray();
        flipped[10] ^= 1;
        assertThat(t.run(new VerifySignature(k, DIGEST, TpmtSignature.of(new TpmuSignature.Rsa(TpmAlg.RSASSA, TpmAlg.SHA256,
                Bytes.wrap(flipped))))).rc()).isEqualTo(TpmRc.SIGNATURE.atParameter(2));
        // the same bytes as a PSS signature do not verify either
        assertThat(t.run(new VerifySignature(k, DIGEST, TpmtSignature.of(new TpmuSignature.Rsa(TpmAlg.RSAPSS, TpmAlg.SHA256,
                rs.sig())))).rc()).isEqualTo(TpmRc.SIGNATURE.atParameter(2));
        // an ECDSA signature for an RSA key
        TpmtSignature ecdsa = TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.ECDSA, TpmAlg.SHA256, Bytes.zeros(32), Bytes.zeros(32)));
        assertThat(t.run(new VerifySignature(k, DIGEST, ecdsa)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new VerifySignature(k, DIGEST, TpmtSignature.NULL)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        // a storage key is no signing key
        int srk = primary(t, Templates.ECC_P256_SRK).objectHandle();
        assertThat(t.run(new VerifySignature(srk, DIGEST, ecdsa)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
    }

    @Test
    void verifySignature_hmacWithPublicOnlyKey_returnsHandleOnParameter2() {
        TestTpm t = TestTpm.started();
        TpmtPublic pub = new TpmtPublic(TpmAlg.KEYEDHASH, TpmAlg.SHA256,
                TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)), new TpmuPublicId.KeyedHash(DIGEST));
        int k = t.run(new dev.jtpm.types.command.LoadExternal(null, pub, TpmRh.NULL)).orThrow().objectHandle();
        TpmtSignature sig = TpmtSignature.of(new TpmuSignature.Hmac(new TpmtHa(TpmAlg.SHA256, DIGEST)));
        assertThat(t.run(new VerifySignature(k, DIGEST, sig)).rc()).isEqualTo(TpmRc.HANDLE.atParameter(2));
    }

    // ---------------------------------------------------------------- Sign response codes

    @Test
    void sign_notASigningKey_returnsKey() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.ECC_P256_SRK).objectHandle();
        assertThat(signRc(t, srk, DIGEST, TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket()))
                .isEqualTo(TpmRc.KEY.atHandle(1));
    }

    @Test
    void sign_x509signKey_returnsAttributes() {
        TestTpm t = TestTpm.started();
        int k = primary(t, ecc(SIGNER.with(TpmaObject.X509_SIGN), TpmtEccScheme.NULL)).objectHandle();
        assertThat(signRc(t, k, DIGEST, TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket()))
                .isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
    }

    @Test
    void sign_schemeRules_returnScheme() {
        TestTpm t = TestTpm.started();
        int none = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        TpmtTkHashcheck nul = TpmtTkHashcheck.nullTicket();
        // neither the key nor the command names a scheme
        assertThat(signRc(t, none, DIGEST, TpmtSigScheme.NULL, nul)).isEqualTo(TpmRc.SCHEME.atParameter(2));
        // an RSA scheme for an ECC key
        assertThat(signRc(t, none, DIGEST, TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), nul))
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        int ecdsa = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256))).objectHandle();
        // another scheme, or the same scheme with another hash, than the key's
        assertThat(signRc(t, ecdsa, DIGEST, TpmtSigScheme.of(TpmAlg.ECSCHNORR, TpmAlg.SHA256), nul))
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(signRc(t, ecdsa, TestTpm.hash(TpmAlg.SHA384, MESSAGE), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA384), nul))
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        // the key's own scheme, named
        assertThat(signRc(t, ecdsa, DIGEST, TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), nul)).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void sign_digestOfWrongSize_returnsSize() {
        TestTpm t = TestTpm.started();
        int k = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256))).objectHandle();
        assertThat(signRc(t, k, TestTpm.hash(TpmAlg.SHA1, MESSAGE), TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()))
                .isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void sign_restrictedKey_needsAHashTicket() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, ecc(RESTRICTED_SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)));
        int key = k.objectHandle();
        // no ticket
        assertThat(signRc(t, key, DIGEST, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()))
                .isEqualTo(TpmRc.TICKET.atParameter(3));
        // a ticket from TPM2_Hash
        HashResponse h = t.run(new Hash(Bytes.wrap(MESSAGE), TpmAlg.SHA256, TpmRh.OWNER)).orThrow();
        assertThat(h.outHash()).isEqualTo(DIGEST);
        TpmtSignature sig = t.run(new Sign(key, DIGEST, TpmtSigScheme.NULL, h.validation())).orThrow().signature();
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(eccPublic(k.outPublic()));
        v.update(MESSAGE);
        TpmuSignature.Ecc e = (TpmuSignature.Ecc) sig.signature();
        assertThat(v.verify(e.signatureR().concat(e.signatureS()).toArray())).isTrue();
        // the ticket does not fit another digest
        Bytes other = TestTpm.hash(TpmAlg.SHA256, new byte[] {1});
        assertThat(signRc(t, key, other, TpmtSigScheme.NULL, h.validation())).isEqualTo(TpmRc.TICKET.atParameter(3));
        // TPM-generated data gets no ticket, so a restricted key will not sign its digest
        byte[] forged = {(byte) 0xFF, 'T', 'C', 'G', (byte) 0x80, 0x18, 1, 2, 3};
        HashResponse g = t.run(new Hash(Bytes.wrap(forged), TpmAlg.SHA256, TpmRh.OWNER)).orThrow();
        assertThat(g.validation().digest().isEmpty()).isTrue();
        assertThat(signRc(t, key, g.outHash(), TpmtSigScheme.NULL, g.validation())).isEqualTo(TpmRc.TICKET.atParameter(3));
        // an unrestricted key checks a ticket that is given
        int free = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256))).objectHandle();
        assertThat(signRc(t, free, other, TpmtSigScheme.NULL, h.validation())).isEqualTo(TpmRc.TICKET.atParameter(3));
        assertThat(signRc(t, free, DIGEST, TpmtSigScheme.NULL, h.validation())).isEqualTo(TpmRc.SUCCESS);
    }

    // ---------------------------------------------------------------- HMAC and HMAC_Start response codes

    @Test
    void hmac_keyChecks() {
        TestTpm t = TestTpm.started();
        int ecc = primary(t, ecc(SIGNER, TpmtEccScheme.NULL)).objectHandle();
        assertThat(t.run(new Hmac(ecc, DIGEST, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        assertThat(t.run(new HmacStart(ecc, Secret.EMPTY, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        int restricted = primary(t, hmacKey(RESTRICTED_SIGNER, TpmtKeyedhashScheme.hmac(TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new Hmac(restricted, DIGEST, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(t.run(new HmacStart(restricted, Secret.EMPTY, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        t.run(new dev.jtpm.types.command.FlushContext(restricted)).orThrow();
        // sealed data: neither sign nor decrypt
        TpmaObject sealed = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH);
        int data = primary(t, TpmRh.OWNER, hmacKey(sealed, TpmtKeyedhashScheme.NULL), Secret.of(new byte[] {1, 2, 3}))
                .objectHandle();
        assertThat(t.run(new Hmac(data, DIGEST, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        assertThat(t.run(new HmacStart(data, Secret.EMPTY, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
    }

    @Test
    void hmac_hashRules_returnValue() {
        TestTpm t = TestTpm.started();
        int withScheme = primary(t, hmacKey(HMAC_KEY, TpmtKeyedhashScheme.hmac(TpmAlg.SHA256))).objectHandle();
        assertThat(t.run(new Hmac(withScheme, DIGEST, TpmAlg.SHA1)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new HmacStart(withScheme, Secret.EMPTY, TpmAlg.SHA384)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new Hmac(withScheme, DIGEST, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.SUCCESS);
        // (a signing keyed-hash key always has an HMAC scheme: object creation and loading refuse TPM_ALG_NULL)
        assertThat(signRc(t, withScheme, DIGEST, TpmtSigScheme.of(TpmAlg.HMAC, TpmAlg.SHA384), TpmtTkHashcheck.nullTicket()))
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void hmacSequence_isAuthorizedWithItsOwnPassword() {
        TestTpm t = TestTpm.started();
        int k = primary(t, hmacKey(HMAC_KEY, TpmtKeyedhashScheme.hmac(TpmAlg.SHA256))).objectHandle();
        int seq = t.run(new HmacStart(k, Secret.of(Bytes.wrap(new byte[] {'p', 'w'})), TpmAlg.NULL)).orThrow().sequenceHandle();
        assertThat(t.run(new SequenceUpdate(seq, Bytes.wrap(MESSAGE)), List.of(Bytes.wrap(new byte[] {'n', 'o'}))).rc())
                .isEqualTo(TpmRc.BAD_AUTH.atSession(1));   // sequences are noDA: BAD_AUTH, not AUTH_FAIL
        assertThat(t.run(new SequenceUpdate(seq, Bytes.wrap(MESSAGE)), List.of(Bytes.wrap(new byte[] {'p', 'w'}))).rc())
                .isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void hmacStart_fullSlots_returnsObjectMemory_andHmacSequenceIsNoEventSequence() {
        TestTpm t = TestTpm.started();
        int k = primary(t, hmacKey(HMAC_KEY, TpmtKeyedhashScheme.hmac(TpmAlg.SHA256))).objectHandle();
        int seq = t.run(new HmacStart(k, Secret.EMPTY, TpmAlg.NULL)).orThrow().sequenceHandle();
        assertThat(t.run(new EventSequenceComplete(dev.jtpm.types.TpmRh.NULL, seq, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.MODE.atHandle(2));
        t.run(new HmacStart(k, Secret.EMPTY, TpmAlg.NULL)).orThrow();
        assertThat(t.run(new HmacStart(k, Secret.EMPTY, TpmAlg.NULL)).rc()).isEqualTo(TpmRc.OBJECT_MEMORY);
    }
}
