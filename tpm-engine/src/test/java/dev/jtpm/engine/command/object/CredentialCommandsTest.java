package dev.jtpm.engine.command.object;

import static dev.jtpm.engine.WrapSide.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.ActivateCredential;
import dev.jtpm.types.command.ActivateCredentialResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.LoadExternal;
import dev.jtpm.types.command.MakeCredential;
import dev.jtpm.types.command.MakeCredentialResponse;
import dev.jtpm.types.command.PolicySecret;
import dev.jtpm.types.command.StartAuthSession;
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
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_MakeCredential and TPM2_ActivateCredential: blobs made and opened on the test side ({@link
 * dev.jtpm.engine.WrapSide}: JDK OAEP/ECDH, HMAC, AES-CFB), the EK's PolicySecret through a policy session, and
 * every response code of the two handlers' javadoc.
 */
class CredentialCommandsTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final Bytes CREDENTIAL = Bytes.fromHex("00112233445566778899aabbccddeeff0011223344556677");
    private static final TpmaObject STORAGE = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.DECRYPT);
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);

    private static CreatePrimaryResponse primary(TestTpm t, int hierarchy, TpmtPublic template) {
        return t.run(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    /** An AK-like signing key: the object the credential is for. */
    private static CreatePrimaryResponse ak(TestTpm t) {
        return primary(t, TpmRh.OWNER, TpmtPublic.of(TpmAlg.SHA256, SIGNER, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                        TpmtKdfScheme.NULL)));
    }

    /** A policy session satisfying the EK's PolicySecret(TPM_RH_ENDORSEMENT). */
    private static int ekSession(TestTpm t) {
        int s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(16), Bytes.EMPTY, TpmSe.POLICY, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow().sessionHandle();
        t.run(new PolicySecret(TpmRh.ENDORSEMENT, s, Bytes.EMPTY, Bytes.EMPTY, Bytes.EMPTY, 0)).orThrow();
        return s;
    }

    private static dev.jtpm.types.command.CommandBytes.Result<ActivateCredentialResponse> activate(TestTpm t, int ak, int ek,
                                                                                                 byte[] blob, byte[] secret) {
        int session = ekSession(t);
        var r = t.runWithSessions(new ActivateCredential(ak, ek, b(blob), b(secret)), TpmRh.RS_PW, session);
        t.run(new dev.jtpm.types.command.FlushContext(session));
        return r;
    }

    /** A test-made credential blob: OAEP/ECDH seed, outer wrapper over size(credential) || credential. */
    private static byte[] blob(byte[] seed, Bytes name, byte[] content) throws Exception {
        return outerWrap(seed, name.toArray(), 128, content);
    }

    @Test
    void activate_rsaEk_testMadeCredential_returnsIt() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        CreatePrimaryResponse ak = ak(t);
        Seed seed = rsaSeed(ek.outPublic(), "IDENTITY");
        byte[] blob = blob(seed.seed(), ak.name(), sized(CREDENTIAL.toArray()));
        assertThat(activate(t, ak.objectHandle(), ek.objectHandle(), blob, seed.encryptedSecret()).orThrow().certInfo())
                .isEqualTo(CREDENTIAL);
    }

    @Test
    void activate_eccEk_testMadeCredential_returnsIt() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_ECC_P256);
        CreatePrimaryResponse ak = ak(t);
        Seed seed = eccSeed(ek.outPublic(), "IDENTITY");
        byte[] blob = blob(seed.seed(), ak.name(), sized(CREDENTIAL.toArray()));
        assertThat(activate(t, ak.objectHandle(), ek.objectHandle(), blob, seed.encryptedSecret()).orThrow().certInfo())
                .isEqualTo(CREDENTIAL);
    }

    @Test
    void activate_withoutEkPolicy_isRefusedByAuthorization() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        CreatePrimaryResponse ak = ak(t);
        Seed seed = rsaSeed(ek.outPublic(), "IDENTITY");
        // a password for the EK: no userWithAuth
        assertThat(t.run(new ActivateCredential(ak.objectHandle(), ek.objectHandle(),
                b(blob(seed.seed(), ak.name(), sized(CREDENTIAL.toArray()))), b(seed.encryptedSecret()))).rc())
                .isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(2));
    }

    @Test
    void makeCredential_rsa_opensOnTheTestSide() throws Exception {
        TestTpm t = TestTpm.started();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        TpmtPublic pub = TpmtPublic.of(TpmAlg.SHA256, STORAGE, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB),
                TpmtRsaScheme.NULL, 2048, 0), new TpmuPublicId.Rsa(b(fixed256(((RSAPublicKey) kp.getPublic()).getModulus()))));
        int key = t.run(new LoadExternal(null, pub, TpmRh.OWNER)).orThrow().objectHandle();
        Bytes name = Bytes.fromHex("000b" + "5a".repeat(32));
        MakeCredentialResponse r = t.run(new MakeCredential(key, CREDENTIAL, name)).orThrow();
        byte[] seed = rsaDecrypt(kp.getPrivate(), "IDENTITY", r.secret().toArray());
        assertThat(seed).hasSize(32);
        byte[] content = outerUnwrap(seed, name.toArray(), 128, r.credentialBlob().toArray());
        assertThat(content).isEqualTo(sized(CREDENTIAL.toArray()));
        // the integrity field is one SHA-256 HMAC and the encrypted part as long as the content
        assertThat(r.credentialBlob().size()).isEqualTo(2 + 32 + 2 + CREDENTIAL.size());
    }

    private static byte[] fixed256(BigInteger n) {
        byte[] b = n.toByteArray();
        return b.length == 256 ? b : Arrays.copyOfRange(b, b.length - 256, b.length);
    }

    @Test
    void makeThenActivate_roundTripsInTheTpm_rsaAndEcc() {
        for (TpmtPublic template : List.of(Templates.EK_RSA_2048, Templates.EK_ECC_P256)) {
            TestTpm t = TestTpm.started();
            CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, template);
            CreatePrimaryResponse ak = ak(t);
            MakeCredentialResponse m = t.run(new MakeCredential(ek.objectHandle(), CREDENTIAL, ak.name())).orThrow();
            assertThat(activate(t, ak.objectHandle(), ek.objectHandle(), m.credentialBlob().toArray(), m.secret().toArray())
                    .orThrow().certInfo()).isEqualTo(CREDENTIAL);
            // the blob is bound to the Name: another object does not open it
            CreatePrimaryResponse other = primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK);
            assertThat(activate(t, other.objectHandle(), ek.objectHandle(), m.credentialBlob().toArray(),
                    m.secret().toArray()).rc()).isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        }
    }

    @Test
    void makeCredential_notRestrictedDecryptKey_returnsTypeOnHandle1() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ak = ak(t);
        assertThat(t.run(new MakeCredential(ak.objectHandle(), CREDENTIAL, ak.name())).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        assertThat(t.run(new MakeCredential(seq, CREDENTIAL, ak.name())).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
    }

    @Test
    void makeCredential_credentialLongerThanDigest_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        assertThat(t.run(new MakeCredential(ek.objectHandle(), Bytes.zeros(33), Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new MakeCredential(ek.objectHandle(), Bytes.zeros(32), Bytes.EMPTY)).ok()).isTrue();
    }

    @Test
    void activate_keyNotRestrictedDecrypt_returnsTypeOnHandle2() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ak = ak(t);
        assertThat(t.run(new ActivateCredential(ak.objectHandle(), ak.objectHandle(), Bytes.zeros(40), Bytes.zeros(256))).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(2));
    }

    @Test
    void activate_rsaSecretErrors() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        CreatePrimaryResponse ak = ak(t);
        Seed seed = rsaSeed(ek.outPublic(), "IDENTITY");
        byte[] blob = blob(seed.seed(), ak.name(), sized(CREDENTIAL.toArray()));
        int a = ak.objectHandle(), e = ek.objectHandle();
        // not as long as the modulus
        assertThat(activate(t, a, e, blob, Arrays.copyOf(seed.encryptedSecret(), 255)).rc()).isEqualTo(TpmRc.SIZE.atParameter(2));
        // another label: OAEP fails, TPM_RC_FAILURE as libtpms (and the TPM keeps working)
        Seed wrongLabel = rsaSeed(ek.outPublic(), "DUPLICATE");
        assertThat(activate(t, a, e, blob, wrongLabel.encryptedSecret()).rc()).isEqualTo(TpmRc.FAILURE);
        // a seed longer than the digest
        byte[] longSeed = rsaEncrypt(rsaPublic(ek.outPublic()), "IDENTITY", new byte[33]);
        assertThat(activate(t, a, e, blob, longSeed).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(activate(t, a, e, blob, seed.encryptedSecret()).ok()).isTrue();
    }

    @Test
    void activate_eccSecretErrors() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_ECC_P256);
        CreatePrimaryResponse ak = ak(t);
        Seed seed = eccSeed(ek.outPublic(), "IDENTITY");
        byte[] blob = blob(seed.seed(), ak.name(), sized(CREDENTIAL.toArray()));
        int a = ak.objectHandle(), e = ek.objectHandle();
        byte[] s = seed.encryptedSecret();
        assertThat(activate(t, a, e, blob, Arrays.copyOf(s, 40)).rc()).isEqualTo(TpmRc.INSUFFICIENT.atParameter(2));
        assertThat(activate(t, a, e, blob, cat(u16(81), new byte[81], sized(new byte[32]))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(2));
        byte[] off = s.clone();
        off[s.length - 1] ^= 1;
        assertThat(activate(t, a, e, blob, off).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        // octets after the point are ignored, as libtpms does
        assertThat(activate(t, a, e, blob, cat(s, new byte[3])).orThrow().certInfo()).isEqualTo(CREDENTIAL);
    }

    @Test
    void activate_blobErrors() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse ek = primary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        CreatePrimaryResponse ak = ak(t);
        Seed seed = rsaSeed(ek.outPublic(), "IDENTITY");
        int a = ak.objectHandle(), e = ek.objectHandle();
        byte[] s = seed.encryptedSecret();
        byte[] good = blob(seed.seed(), ak.name(), sized(CREDENTIAL.toArray()));
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            TpmRc expected = i < 2 ? (((bad[0] & 0xFF) << 8 | (bad[1] & 0xFF)) > 64 ? TpmRc.SIZE : TpmRc.INTEGRITY)
                    : TpmRc.INTEGRITY;
            assertThat(activate(t, a, e, bad, s).rc()).as("octet %d", i).isEqualTo(expected.atParameter(1));
        }
        assertThat(activate(t, a, e, new byte[1], s).rc()).isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
        assertThat(activate(t, a, e, cat(u16(40), new byte[30]), s).rc()).isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
        // well-protected contents that are no TPM2B_DIGEST of the whole rest
        byte[] seedBytes = seed.seed();
        assertThat(activate(t, a, e, blob(seedBytes, ak.name(), new byte[1]), s).rc()).isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
        assertThat(activate(t, a, e, blob(seedBytes, ak.name(), cat(u16(10), new byte[5])), s).rc())
                .isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
        assertThat(activate(t, a, e, blob(seedBytes, ak.name(), cat(u16(65), new byte[65])), s).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(activate(t, a, e, blob(seedBytes, ak.name(), cat(u16(2), new byte[4])), s).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(activate(t, a, e, blob(seedBytes, ak.name(), u16(0)), s).orThrow().certInfo()).isEqualTo(Bytes.EMPTY);
    }
}
