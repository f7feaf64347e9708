package dev.jtpm.engine.command.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.CommandAudit;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.GetCommandAuditDigest;
import dev.jtpm.types.command.GetCommandAuditDigestResponse;
import dev.jtpm.types.command.GetSessionAuditDigest;
import dev.jtpm.types.command.GetSessionAuditDigestResponse;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsAttest;
import dev.jtpm.types.structure.TpmsCommandAuditInfo;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSessionAuditInfo;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
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
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * TPM2_GetCommandAuditDigest and TPM2_GetSessionAuditDigest (Part 3, 18.6 and 18.5) over
 * {@code engine.crypto.Attestation}: the TPMS_ATTEST fields, obfuscation computed independently, signatures
 * checked with the JDK, and every response code of the handlers.
 */
class AuditDigestAttestationTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final Bytes QUALIFYING = Bytes.wrap("nonce".getBytes(StandardCharsets.US_ASCII));

    private static TpmtPublic rsa(TpmaObject a, TpmtRsaScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, scheme, 2048, 0));
    }

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, scheme, Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    private static CreatePrimaryResponse primary(TestTpm t, int hierarchy, TpmtPublic template) {
        return t.run(new CreatePrimary(hierarchy, new TpmsSensitiveCreate(Secret.EMPTY, Secret.EMPTY), template, Bytes.EMPTY,
                NO_PCRS)).orThrow();
    }

    private static GetCommandAuditDigestResponse audit(TestTpm t, int key, TpmtSigScheme scheme) {
        return t.run(new GetCommandAuditDigest(TpmRh.ENDORSEMENT, key, QUALIFYING, scheme)).orThrow();
    }

    private static TpmRc auditRc(TestTpm t, int key, TpmtSigScheme scheme) {
        return t.run(new GetCommandAuditDigest(TpmRh.ENDORSEMENT, key, QUALIFYING, scheme)).rc();
    }

    private static byte[] attestBytes(TpmsAttest a) { return TpmCodec.encode(a); }

    /** KDFa(SHA-512, key, "OBFUSCATE", contextU, -, 128), written out from Part 1 independently of the engine. */
    private static byte[] obfuscation(byte[] key, byte[] contextU) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key, "HmacSHA512"));
        mac.update(new byte[] {0, 0, 0, 1});
        mac.update("OBFUSCATE\0".getBytes(StandardCharsets.US_ASCII));
        mac.update(contextU);
        mac.update(new byte[] {0, 0, 0, (byte) 128});
        return java.util.Arrays.copyOf(mac.doFinal(), 16);
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
                new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())),
                params.getParameterSpec(ECParameterSpec.class)));
    }

    // ---------------------------------------------------------------- GetCommandAuditDigest

    @Test
    void nullSigner_returnsTheAttestWithANullSignature_obfuscated_andKeepsTheDigest() throws Exception {
        TestTpm t = TestTpm.started();
        TpmState s = t.state();
        CommandAudit.record(s, TestTpm.hash(TpmAlg.SHA512, new byte[] {1}), TestTpm.hash(TpmAlg.SHA512, new byte[] {2}));
        Bytes digest = s.commandAuditDigest;
        GetCommandAuditDigestResponse r = audit(t, TpmRh.NULL, TpmtSigScheme.NULL);
        assertThat(r.signature()).isEqualTo(TpmtSignature.NULL);
        TpmsAttest a = r.auditInfo();
        assertThat(a.magic()).isEqualTo(0xff544347);
        assertThat(a.type()).isEqualTo(TpmSt.ATTEST_COMMAND_AUDIT);
        assertThat(a.qualifiedSigner()).isEqualTo(Bytes.fromHex("40000007"));
        assertThat(a.extraData()).isEqualTo(QUALIFYING);
        TpmsCommandAuditInfo info = (TpmsCommandAuditInfo) a.attested();
        assertThat(info.auditCounter()).isEqualTo(1);
        assertThat(info.digestAlg()).isEqualTo(TpmAlg.SHA512);
        assertThat(info.auditDigest()).isEqualTo(digest);
        assertThat(info.commandDigest()).isEqualTo(TestTpm.hash(TpmAlg.SHA512, new byte[] {0, 0, 1, 0x40}));
        // not in the endorsement or platform hierarchy: reset/restart counts and firmware version obfuscated
        ByteBuffer o = ByteBuffer.wrap(obfuscation(s.persistent.shProof.toArray(), Bytes.fromHex("40000007").toArray()))
                .order(ByteOrder.LITTLE_ENDIAN);
        long w0 = o.getLong(0), w1 = o.getLong(8);
        assertThat(a.firmwareVersion()).isEqualTo((1L << 32) + w0);
        assertThat(a.clockInfo().resetCount()).isEqualTo(s.persistent.resetCount + (int) (w1 >>> 32));
        assertThat(a.clockInfo().restartCount()).isEqualTo(s.persistent.restartCount + (int) w1);
        assertThat(a.clockInfo().clock()).isEqualTo(s.clock());
        assertThat(s.commandAuditDigest).isEqualTo(digest);        // TPM_RH_NULL leaves the log running
    }

    @Test
    void restrictedRsaKeyInTheEndorsementHierarchy_signsWithRsassa_notObfuscated_andResetsTheDigest() throws Exception {
        TestTpm t = TestTpm.started();
        TpmState s = t.state();
        CreatePrimaryResponse k = primary(t, TpmRh.ENDORSEMENT,
                rsa(SIGNER.with(TpmaObject.RESTRICTED), TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        CommandAudit.record(s, TestTpm.hash(TpmAlg.SHA512, new byte[] {1}), TestTpm.hash(TpmAlg.SHA512, new byte[] {2}));
        GetCommandAuditDigestResponse r = audit(t, k.objectHandle(), TpmtSigScheme.NULL);
        TpmsAttest a = r.auditInfo();
        // a primary's Qualified Name: nameAlg || H(hierarchy handle || Name)
        Bytes qn = Bytes.wrap(ByteBuffer.allocate(34).putShort((short) TpmAlg.SHA256).put(TestTpm.hash(TpmAlg.SHA256,
                Bytes.fromHex("4000000b").toArray(), k.name().toArray()).toArray()).array());
        assertThat(a.qualifiedSigner()).isEqualTo(qn);
        assertThat(a.clockInfo().resetCount()).isEqualTo(s.persistent.resetCount);
        assertThat(a.clockInfo().restartCount()).isEqualTo(s.persistent.restartCount);
        assertThat(a.firmwareVersion()).isEqualTo(1L << 32);
        assertThat(r.signature().sigAlg()).isEqualTo(TpmAlg.RSASSA);
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(rsaPublic(k.outPublic()));
        v.update(attestBytes(a));
        assertThat(v.verify(((TpmuSignature.Rsa) r.signature().signature()).sig().toArray())).isTrue();
        assertThat(s.commandAuditDigest).isEqualTo(Bytes.EMPTY);    // a signed digest is consumed
        assertThat(s.persistent.auditCounter).isEqualTo(1);
    }

    @Test
    void unrestrictedEccKeyWithoutScheme_signsWithTheGivenEcdsa() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, ecc(SIGNER, TpmtEccScheme.NULL));
        GetCommandAuditDigestResponse r = audit(t, k.objectHandle(), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256));
        TpmuSignature.Ecc sig = (TpmuSignature.Ecc) r.signature().signature();
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.ECDSA);
        byte[] p1363 = new byte[64];
        byte[] rr = sig.signatureR().toArray(), ss = sig.signatureS().toArray();
        System.arraycopy(rr, 0, p1363, 32 - rr.length, rr.length);
        System.arraycopy(ss, 0, p1363, 64 - ss.length, ss.length);
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(eccPublic(k.outPublic()));
        v.update(attestBytes(r.auditInfo()));
        assertThat(v.verify(p1363)).isTrue();
    }

    @Test
    void hmacKey_macsTheAttest() throws Exception {
        TestTpm t = TestTpm.started();
        Secret key = Secret.of(new byte[32]);
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)));
        int h = t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, key), template, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        GetCommandAuditDigestResponse r = audit(t, h, TpmtSigScheme.NULL);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.toArray(), "HmacSHA256"));
        byte[] expected = mac.doFinal(TestTpm.hash(TpmAlg.SHA256, attestBytes(r.auditInfo())).toArray());
        assertThat(((TpmuSignature.Hmac) r.signature().signature()).hmac().digest().toArray()).isEqualTo(expected);
    }

    @Test
    void notASigningKey_isKeyOnHandle2() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        assertThat(auditRc(t, srk.objectHandle(), TpmtSigScheme.NULL)).isEqualTo(TpmRc.KEY.atHandle(2));
        TpmtPublic aes = TpmtPublic.of(TpmAlg.SHA256, SIGNER, Bytes.EMPTY,
                new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.CFB)));
        CreatePrimaryResponse sym = primary(t, TpmRh.OWNER, aes);
        assertThat(auditRc(t, sym.objectHandle(), TpmtSigScheme.NULL)).isEqualTo(TpmRc.KEY.atHandle(2));
    }

    @Test
    void schemeMismatchOrMissing_isSchemeOnParameter2() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256)));
        assertThat(auditRc(t, k.objectHandle(), TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256))).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(auditRc(t, k.objectHandle(), TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA1))).isEqualTo(TpmRc.SCHEME.atParameter(2));
        CreatePrimaryResponse none = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.NULL));
        assertThat(auditRc(t, none.objectHandle(), TpmtSigScheme.NULL)).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(auditRc(t, none.objectHandle(), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256))).isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void ecdaaWithoutCommit_isValue_andAnonymousSchemeEmptiesSignerAndExtraData() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse k = primary(t, TpmRh.OWNER, ecc(SIGNER, TpmtEccScheme.NULL));
        TpmtSigScheme ecdaa = new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 5));
        assertThat(auditRc(t, k.objectHandle(), ecdaa)).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void privacyHandleNotEndorsement_isValueOnHandle1_endorsementDisabled_isHierarchy() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new GetCommandAuditDigest(TpmRh.OWNER, TpmRh.NULL, Bytes.EMPTY, TpmtSigScheme.NULL)).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        t.run(new dev.jtpm.types.command.HierarchyControl(TpmRh.PLATFORM, TpmRh.ENDORSEMENT, false)).orThrow();
        assertThat(auditRc(t, TpmRh.NULL, TpmtSigScheme.NULL)).isEqualTo(TpmRc.HIERARCHY.atHandle(1));
    }

    @Test
    void qualifyingDataTooLong_isSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        Bytes tooLong = Bytes.zeros(67);                 // TPM2B_DATA holds sizeof(TPMT_HA) = 66
        // encoded by hand: the record's @Max would refuse it on the client side
        byte[] body = ByteBuffer.allocate(4 + 8 + 4 + 9 * 2 + 2 + 67 + 2).putInt(0x133).putInt(TpmRh.ENDORSEMENT).putInt(TpmRh.NULL)
                .putInt(18).put(Bytes.fromHex("40000009000001000040000009000001 0000".replace(" ", "")).toArray())
                .putShort((short) 67).put(tooLong.toArray()).putShort((short) TpmAlg.NULL).array();
        byte[] cmd = ByteBuffer.allocate(6 + body.length).putShort((short) 0x8002).putInt(6 + body.length).put(body).array();
        assertThat(new TpmRc(ByteBuffer.wrap(t.raw(cmd), 6, 4).getInt())).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    // ---------------------------------------------------------------- GetSessionAuditDigest

    private static int hmacSession(TestTpm t) {
        return t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(32), Bytes.EMPTY, TpmSe.HMAC, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow().sessionHandle();
    }

    @Test
    void sessionAudit_reportsTheSessionDigest_andWhetherItIsExclusive() throws Exception {
        TestTpm t = TestTpm.started();
        int handle = hmacSession(t);
        AuthSession session = t.state().sessions.get(handle);
        session.startAudit();
        session.policyDigest(TestTpm.hash(TpmAlg.SHA256, new byte[] {7}));
        CreatePrimaryResponse k = primary(t, TpmRh.ENDORSEMENT, rsa(SIGNER, TpmtRsaScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256)));
        GetSessionAuditDigestResponse r = t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, k.objectHandle(), handle,
                QUALIFYING, TpmtSigScheme.NULL)).orThrow();
        assertThat(r.auditInfo().type()).isEqualTo(TpmSt.ATTEST_SESSION_AUDIT);
        assertThat(r.auditInfo().extraData()).isEqualTo(QUALIFYING);
        assertThat(r.auditInfo().attested()).isEqualTo(new TpmsSessionAuditInfo(false, TestTpm.hash(TpmAlg.SHA256, new byte[] {7})));
        Signature v = Signature.getInstance("RSASSA-PSS");
        v.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        v.initVerify(rsaPublic(k.outPublic()));
        v.update(attestBytes(r.auditInfo()));
        assertThat(v.verify(((TpmuSignature.Rsa) r.signature().signature()).sig().toArray())).isTrue();

        t.state().exclusiveAuditSession = handle;
        GetSessionAuditDigestResponse exclusive = t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, TpmRh.NULL, handle,
                Bytes.EMPTY, TpmtSigScheme.NULL)).orThrow();
        assertThat(((TpmsSessionAuditInfo) exclusive.auditInfo().attested()).exclusiveSession()).isTrue();
        assertThat(exclusive.signature()).isEqualTo(TpmtSignature.NULL);
    }

    @Test
    void sessionNotUsedForAudit_isTypeOnHandle3_afterTheKeyChecks() {
        TestTpm t = TestTpm.started();
        int handle = hmacSession(t);
        assertThat(t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, TpmRh.NULL, handle, Bytes.EMPTY, TpmtSigScheme.NULL)).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(3));
        CreatePrimaryResponse srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        assertThat(t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, srk.objectHandle(), handle, Bytes.EMPTY,
                TpmtSigScheme.NULL)).rc()).isEqualTo(TpmRc.KEY.atHandle(2));
        CreatePrimaryResponse none = primary(t, TpmRh.OWNER, rsa(SIGNER, TpmtRsaScheme.NULL));
        assertThat(t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, none.objectHandle(), handle, Bytes.EMPTY,
                TpmtSigScheme.NULL)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @Test
    void sessionHandleNotAnHmacSession_isValueOnHandle3_unloaded_isAnError() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, TpmRh.NULL, 0x03000000, Bytes.EMPTY, TpmtSigScheme.NULL)).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(3));
        assertThat(t.run(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, TpmRh.NULL, 0x02000005, Bytes.EMPTY, TpmtSigScheme.NULL)).rc())
                .isEqualTo(new TpmRc(TpmRc.REFERENCE_H0.value() + 2));      // a session that is not loaded, as libtpms
        assertThat(t.run(new GetSessionAuditDigest(TpmRh.OWNER, TpmRh.NULL, 0x02000005, Bytes.EMPTY, TpmtSigScheme.NULL)).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
    }
}
