package dev.jtpm.engine.command.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.SensitiveProtection;
import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.ObjectChangeAuth;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The response codes of the object handlers' javadoc not covered by {@link ObjectCommandsTest}. */
class ObjectResponseCodesTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);

    private static int srk(TestTpm t) {
        return t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
    }

    private static TpmRc create(TestTpm t, int parent, TpmsSensitiveCreate sensitive, TpmtPublic template) {
        return t.run(new Create(parent, sensitive, template, Bytes.EMPTY, NO_PCRS)).rc();
    }

    private static TpmtPublic eccSigner(TpmaObject attributes) {
        return TpmtPublic.of(TpmAlg.SHA256, attributes, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    @Test
    void create_fullSlots_returnsObjectMemory() {
        TestTpm t = TestTpm.started();
        int parent = srk(t);
        srk(t);
        srk(t);
        assertThat(create(t, parent, TpmsSensitiveCreate.EMPTY, eccSigner(SIGNER))).isEqualTo(TpmRc.OBJECT_MEMORY);
    }

    @Test
    void create_nonDuplicableStorageChild_mustShareNameAlgAndSymmetric() {
        TestTpm t = TestTpm.started();
        int parent = srk(t);
        TpmtPublic child = Templates.ECC_P256_SRK;
        assertThat(create(t, parent, TpmsSensitiveCreate.EMPTY, new TpmtPublic(child.type(), TpmAlg.SHA384,
                child.objectAttributes(), Bytes.EMPTY, child.parameters(), child.unique()))).isEqualTo(TpmRc.HASH.atParameter(2));
        assertThat(create(t, parent, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, child.objectAttributes(),
                Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.aes(256, TpmAlg.CFB), TpmtEccScheme.NULL, Templates.NIST_P256,
                        TpmtKdfScheme.NULL)))).isEqualTo(TpmRc.SYMMETRIC.atParameter(2));
        // an RSA storage child with the same symmetric definition is fine
        assertThat(create(t, parent, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, child.objectAttributes(),
                Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtRsaScheme.NULL, 2048, 0))))
                .isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void createPrimary_kdfAndHmacKeySize() {
        TestTpm t = TestTpm.started();
        // a KDF the table lacks: TPM_RC_KDF while unmarshalling
        assertThat(t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, SIGNER,
                Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, Templates.NIST_P256,
                        TpmtKdfScheme.of(TpmAlg.MGF1, TpmAlg.SHA256))), Bytes.EMPTY, NO_PCRS)).rc())
                .isEqualTo(TpmRc.KDF.atParameter(2));
        // an HMAC key longer than the hash's block
        TpmaObject hmac = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
        assertThat(t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(new byte[65])),
                TpmtPublic.of(TpmAlg.SHA256, hmac, Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256))),
                Bytes.EMPTY, NO_PCRS)).rc()).isEqualTo(TpmRc.SIZE);
        // RSA exponents below 65537 or not prime (ms-tpm and libtpms refuse both)
        for (int e : new int[] {3, 65541, 65539}) {
            TpmRc rc = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, SIGNER,
                    Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 1024, e)), Bytes.EMPTY, NO_PCRS)).rc();
            assertThat(rc).as("e=%d", e).isEqualTo(e == 65539 ? TpmRc.SUCCESS : TpmRc.RANGE);
        }
    }

    @Test
    void load_nullNameAlg_nonParent_typeMismatch_andUnmarshallableSensitive() {
        TestTpm t = TestTpm.started();
        int parent = srk(t);
        CreateResponse c = t.run(new Create(parent, TpmsSensitiveCreate.EMPTY, eccSigner(SIGNER), Bytes.EMPTY, NO_PCRS))
                .orThrow();
        TpmtPublic p = c.outPublic();
        TpmtPublic nullName = new TpmtPublic(p.type(), TpmAlg.NULL, p.objectAttributes(), p.authPolicy(), p.parameters(), p.unique());
        assertThat(t.run(new Load(parent, c.outPrivate(), nullName)).rc()).isEqualTo(TpmRc.HASH.atParameter(2));
        int signer = t.run(new Load(parent, c.outPrivate(), p)).orThrow().objectHandle();
        assertThat(t.run(new Load(signer, c.outPrivate(), p)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        // an empty inPrivate is refused before the parent is looked at (ms-tpm, libtpms)
        assertThat(t.run(new Load(signer, Bytes.EMPTY, p)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        // a private area made with the parent's keys but holding a keyed-hash sensitive area
        TpmObject srk = (TpmObject) t.state().objects.get(parent);
        TpmtSensitive other = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Bits(Secret.of(new byte[8])));
        Bytes wrongType = ObjectSupport.toPrivate(srk, p.name(), other);
        assertThat(t.run(new Load(parent, wrongType, p)).rc()).isEqualTo(TpmRc.TYPE.atParameter(1));
        // a correctly protected area that is no TPMT_SENSITIVE
        Bytes garbage = SensitiveProtection.wrapPrivate(TpmAlg.SHA256, srk.seedValue(), TpmAlg.AES, 128, p.name().unsafeArray(),
                Secret.of(new byte[] {0x00, 0x23, 0x7F}), dev.jtpm.crypto.RandomBits.of(new java.security.SecureRandom()));
        assertThat(t.run(new Load(parent, garbage, p)).rc()).isEqualTo(TpmRc.SENSITIVE.atParameter(1));
    }

    @Test
    void load_underADuplicableParent_checksTheKeys() {
        TestTpm t = TestTpm.started();
        int srk = srk(t);
        TpmaObject dupStorage = TpmaObject.of(TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH,
                TpmaObject.RESTRICTED, TpmaObject.DECRYPT);
        TpmtPublic storage = TpmtPublic.of(TpmAlg.SHA256, dupStorage, Bytes.EMPTY, Templates.ECC_P256_SRK.parameters());
        CreateResponse s = t.run(new Create(srk, TpmsSensitiveCreate.EMPTY, storage, Bytes.EMPTY, NO_PCRS)).orThrow();
        int parent = t.run(new Load(srk, s.outPrivate(), s.outPublic())).orThrow().objectHandle();
        TpmaObject duplicable = TpmaObject.of(TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT);
        // fixedTPM under a duplicable parent
        assertThat(create(t, parent, TpmsSensitiveCreate.EMPTY, eccSigner(SIGNER))).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        CreateResponse c = t.run(new Create(parent, TpmsSensitiveCreate.EMPTY, eccSigner(duplicable), Bytes.EMPTY, NO_PCRS))
                .orThrow();
        int loaded = t.run(new Load(parent, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
        t.run(new dev.jtpm.types.command.FlushContext(loaded)).orThrow();
        TpmObject p = (TpmObject) t.state().objects.get(parent);
        TpmtPublic pub = c.outPublic();
        // the scalar of another key: TPM_RC_BINDING (libtpms: without an index)
        TpmtSensitive wrong = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Ecc(Secret.of(
                ObjectSupport.fixed(java.math.BigInteger.valueOf(12345), 32))));
        assertThat(t.run(new Load(parent, ObjectSupport.toPrivate(p, pub.name(), wrong), pub)).rc()).isEqualTo(TpmRc.BINDING);
        // a scalar of zero, or of n: TPM_RC_KEY_SIZE (libtpms: without an index)
        BigInteger n = dev.jtpm.crypto.EccCurve.NIST_P256.order();
        for (BigInteger bad : new BigInteger[] {BigInteger.ZERO, n}) {
            TpmtSensitive s2 = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Ecc(Secret.of(
                    ObjectSupport.fixed(bad, 32))));
            assertThat(t.run(new Load(parent, ObjectSupport.toPrivate(p, pub.name(), s2), pub)).rc()).isEqualTo(TpmRc.KEY_SIZE);
        }
    }

    @Test
    void adminRole_passwordNeedsAdminWithPolicyClear_userRoleNeedsUserWithAuth() {
        TestTpm t = TestTpm.started();
        int parent = srk(t);
        TpmaObject noUser = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.SENSITIVE_DATA_ORIGIN,
                TpmaObject.SIGN_ENCRYPT);
        for (TpmaObject a : new TpmaObject[] {noUser, noUser.with(TpmaObject.ADMIN_WITH_POLICY)}) {
            CreateResponse c = t.run(new Create(parent, TpmsSensitiveCreate.EMPTY, eccSigner(a), Bytes.EMPTY, NO_PCRS)).orThrow();
            int h = t.run(new Load(parent, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
            TpmRc rc = t.run(new ObjectChangeAuth(h, parent, Secret.EMPTY)).rc();
            assertThat(rc).as(a.toString()).isEqualTo(a.adminWithPolicy() ? TpmRc.AUTH_TYPE : TpmRc.SUCCESS);   // ms-tpm IsPolicySessionRequired
            // USER role without userWithAuth
            assertThat(t.run(new dev.jtpm.types.command.Unseal(h)).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE);
            t.run(new dev.jtpm.types.command.FlushContext(h)).orThrow();
        }
    }

    @Test
    void objectChangeAuth_ofASequence_isType() {
        TestTpm t = TestTpm.started();
        int parent = srk(t);
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        assertThat(t.run(new ObjectChangeAuth(seq, parent, Secret.EMPTY)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
    }

    @Test
    void createLoaded_nonParent_andBadTemplate() {
        TestTpm t = TestTpm.started();
        int signer = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, eccSigner(SIGNER), Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        assertThat(t.run(new CreateLoaded(signer, TpmsSensitiveCreate.EMPTY, eccSigner(SIGNER).toTemplate())).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(1));
        byte[] template = eccSigner(SIGNER).toTemplate().toArray();
        template[1] = 0x04;                                     // type SHA-1: no object type
        assertThat(t.run(new CreateLoaded(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Bytes.wrap(template))).rc())
                .isEqualTo(TpmRc.TYPE.atParameter(2));
        assertThat(t.run(new CreateLoaded(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY,
                eccSigner(SIGNER.without(TpmaObject.FIXED_PARENT)).toTemplate())).rc()).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
    }
}
