package dev.jtpm.engine.command.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.LoadExternal;
import dev.jtpm.types.command.LoadResponse;
import dev.jtpm.types.command.ObjectChangeAuth;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.ReadPublicResponse;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.TestParms;
import dev.jtpm.types.command.Unseal;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtPublicParms;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The object commands (Part 3, 12) and TPM2_CreatePrimary (Part 3, 24.1) through the pipeline. */
class ObjectCommandsTest {
    static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    static final int SEALED = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH).value();

    static TpmtPublic sealedTemplate(TpmaObject attributes) {
        return TpmtPublic.of(TpmAlg.SHA256, attributes, Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
    }

    static TpmtPublic eccSigner(int curve) {
        return TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                        TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, curve, TpmtKdfScheme.NULL));
    }

    static CreatePrimaryResponse primary(TestTpm t, int hierarchy, TpmtPublic template) {
        return t.run(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    static TpmRc rcOf(CommandBytes.Result<?> r) { return r.rc(); }

    static CreateResponse seal(TestTpm t, int parent, String secret, String auth, TpmaObject attributes) {
        return t.run(new Create(parent, new TpmsSensitiveCreate(Secret.of(auth.getBytes()), Secret.of(secret.getBytes())),
                sealedTemplate(attributes), Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    @Test
    void createPrimary_sameTemplateTwice_sameKeyAndName_newSeedDifferent() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse a = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        t.run(new FlushContext(a.objectHandle())).orThrow();
        CreatePrimaryResponse b = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        assertThat(b.name()).isEqualTo(a.name());
        assertThat(b.outPublic()).isEqualTo(a.outPublic());
        assertThat(a.name()).isEqualTo(a.outPublic().name());
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) a.outPublic().unique()).n().unsafeArray());
        assertThat(n.bitLength()).isEqualTo(2048);
        // another hierarchy, another key
        CreatePrimaryResponse e = primary(t, TpmRh.ENDORSEMENT, Templates.RSA_2048_SRK);
        assertThat(e.name()).isNotEqualTo(a.name());
        // the seed changes: another key
        t.state().persistent.sps = Secret.of(new byte[64]);
        t.run(new FlushContext(b.objectHandle())).orThrow();
        assertThat(primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).name()).isNotEqualTo(a.name());
    }

    @Test
    void createPrimary_nullHierarchy_changesAtTpmReset() {
        TestTpm t = TestTpm.started();
        Bytes first = primary(t, TpmRh.NULL, Templates.ECC_P256_SRK).name();
        t.run(new FlushContext(0x80000000)).orThrow();
        assertThat(primary(t, TpmRh.NULL, Templates.ECC_P256_SRK).name()).isEqualTo(first);
        t.tpm.init();                                            // _TPM_Init then Startup(CLEAR): TPM Reset
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(primary(t, TpmRh.NULL, Templates.ECC_P256_SRK).name()).isNotEqualTo(first);
    }

    @Test
    void createPrimary_eccKeysAreOnTheCurve_andTicketVerifies() throws Exception {
        TestTpm t = TestTpm.started();
        for (int curve : new int[] {1, 2, 3, 4, 5}) {
            CreatePrimaryResponse r = primary(t, TpmRh.OWNER, eccSigner(curve));
            TpmsEccPoint q = (TpmsEccPoint) r.outPublic().unique();
            assertThat(EccCurve.of(curve).isOnCurve(new BigInteger(1, q.x().unsafeArray()), new BigInteger(1, q.y().unsafeArray())))
                    .isTrue();
            assertThat(r.creationData().parentName()).isEqualTo(Bytes.fromHex("40000001"));
            assertThat(r.creationHash()).isEqualTo(TestTpm.hash(TpmAlg.SHA256, TpmCodec.encode(r.creationData())));
            assertThat(r.creationTicket().tag()).isEqualTo(TpmSt.CREATION);
            assertThat(r.creationTicket().digest()).isEqualTo(
                    Tickets.creationHmac(t.state().persistent.shProof, r.name(), r.creationHash()));
            t.run(new FlushContext(r.objectHandle())).orThrow();
        }
    }

    @Test
    void readPublic_givesNameAndQualifiedName() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK);
        ReadPublicResponse r = t.run(new ReadPublic(srk.objectHandle())).orThrow();
        assertThat(r.outPublic()).isEqualTo(srk.outPublic());
        assertThat(r.name()).isEqualTo(srk.name());
        Bytes expectedQn = Bytes.fromHex("000b").concat(TestTpm.hash(TpmAlg.SHA256, Bytes.fromHex("40000001").unsafeArray(),
                srk.name().unsafeArray()));
        assertThat(r.qualifiedName()).isEqualTo(expectedQn);
    }

    @Test
    void readPublic_sequence_returnsSequence() {
        TestTpm t = TestTpm.started();
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        assertThat(t.run(new ReadPublic(seq)).rc()).isEqualTo(TpmRc.SEQUENCE.atHandle(1));
    }

    @Test
    void createLoadUnseal_roundTrip_andCreationDataNamesTheParent() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        CreateResponse c = seal(t, srk.objectHandle(), "top secret", "pw", new TpmaObject(SEALED));
        assertThat(c.creationData().parentName()).isEqualTo(srk.name());
        assertThat(c.creationTicket().hierarchy()).isEqualTo(TpmRh.OWNER);
        LoadResponse l = t.run(new Load(srk.objectHandle(), c.outPrivate(), c.outPublic())).orThrow();
        assertThat(l.name()).isEqualTo(c.outPublic().name());
        var u = t.run(new Unseal(l.objectHandle()), List.of(Bytes.of("pw".getBytes()))).orThrow();
        assertThat(u.outData()).isEqualTo(Secret.of("top secret".getBytes()));
        // wrong password: a DA-protected object
        assertThat(t.run(new Unseal(l.objectHandle()), List.of(Bytes.of("no".getBytes()))).rc())
                .isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
    }

    @Test
    void unseal_noDaObject_wrongPassword_badAuth() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK).objectHandle();
        CreateResponse c = seal(t, srk, "x", "pw", new TpmaObject(SEALED).with(TpmaObject.NO_DA));
        int h = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
        assertThat(t.run(new Unseal(h), List.of(Bytes.of("no".getBytes()))).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
    }

    @Test
    void load_flippedBitInPrivate_returnsIntegrity() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        CreateResponse c = seal(t, srk, "data", "", new TpmaObject(SEALED));
        byte[] p = c.outPrivate().toArray();
        for (int i : new int[] {1, 5, p.length / 2, p.length - 1}) {
            byte[] bad = p.clone();
            bad[i] ^= 0x10;
            assertThat(t.run(new Load(srk, Bytes.wrap(bad), c.outPublic())).rc()).as("octet " + i)
                    .isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        }
        // the integrity's size field beyond any digest: unmarshalling fails first (ms-tpm's UnwrapOuter)
        byte[] big = p.clone();
        big[0] ^= 0x10;
        assertThat(t.run(new Load(srk, Bytes.wrap(big), c.outPublic())).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        // a different public area (another authPolicy) breaks the Name the HMAC covers
        TpmtPublic other = new TpmtPublic(c.outPublic().type(), c.outPublic().nameAlg(), c.outPublic().objectAttributes(),
                Bytes.zeros(32), c.outPublic().parameters(), c.outPublic().unique());
        assertThat(t.run(new Load(srk, c.outPrivate(), other)).rc()).isEqualTo(TpmRc.INTEGRITY.atParameter(1));
    }

    @Test
    void create_ordinaryKeys_loadAndReadBack() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        TpmaObject signer = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.SENSITIVE_DATA_ORIGIN,
                TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
        TpmaObject storage = Templates.SRK_ATTRIBUTES;
        List<TpmtPublic> templates = List.of(
                TpmtPublic.of(TpmAlg.SHA256, signer, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 1024, 0)),
                eccSigner(Templates.NIST_P384),
                TpmtPublic.of(TpmAlg.SHA256, storage, Bytes.EMPTY, ((TpmtPublic) Templates.RSA_2048_SRK).parameters()),
                TpmtPublic.of(TpmAlg.SHA384, signer, Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA384))),
                TpmtPublic.of(TpmAlg.SHA256, signer.with(TpmaObject.DECRYPT), Bytes.EMPTY,
                        new TpmsSymcipherParms(TpmtSymDefObject.aes(256, TpmAlg.CFB))));
        for (TpmtPublic template : templates) {
            CreateResponse c = t.run(new Create(srk, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
            LoadResponse l = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow();
            assertThat(t.run(new ReadPublic(l.objectHandle())).orThrow().outPublic()).isEqualTo(c.outPublic());
            t.run(new FlushContext(l.objectHandle())).orThrow();
        }
    }

    @Test
    void createPrimary_fullSlots_returnsObjectMemory() {
        TestTpm t = TestTpm.started();
        for (int i = 0; i < 3; i++) primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK);
        assertThat(t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY,
                NO_PCRS)).rc()).isEqualTo(TpmRc.OBJECT_MEMORY);
    }

    @Test
    void create_parentNotStorageKey_returnsTypeOnHandle1() {
        TestTpm t = TestTpm.started();
        int signer = primary(t, TpmRh.OWNER, eccSigner(Templates.NIST_P256)).objectHandle();
        assertThat(t.run(new Create(signer, TpmsSensitiveCreate.EMPTY, eccSigner(Templates.NIST_P256), Bytes.EMPTY, NO_PCRS)).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(1));
    }

    private static TpmRc createPrimaryRc(TestTpm t, TpmsSensitiveCreate sensitive, TpmtPublic template) {
        return t.run(new CreatePrimary(TpmRh.OWNER, sensitive, template, Bytes.EMPTY, NO_PCRS)).rc();
    }

    @Test
    void createPrimary_inconsistentTemplates_returnTheSpecCodes() {
        TestTpm t = TestTpm.started();
        TpmtPublic srk = Templates.ECC_P256_SRK;
        TpmaObject a = srk.objectAttributes();
        // restricted with sign and decrypt
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, srk.withAttributes(a.with(TpmaObject.SIGN_ENCRYPT))))
                .isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // fixedTPM without fixedParent
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, srk.withAttributes(a.without(TpmaObject.FIXED_PARENT))))
                .isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // an asymmetric key without sensitiveDataOrigin
        assertThat(createPrimaryRc(t, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(new byte[] {1})),
                srk.withAttributes(a.without(TpmaObject.SENSITIVE_DATA_ORIGIN)))).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // a TPM-made data object
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, sealedTemplate(new TpmaObject(SEALED)
                .with(TpmaObject.SENSITIVE_DATA_ORIGIN)))).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // nameAlg NULL
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, new TpmtPublic(srk.type(), TpmAlg.NULL, a, Bytes.EMPTY,
                srk.parameters(), srk.unique()))).isEqualTo(TpmRc.HASH.atParameter(2));
        // authPolicy of the wrong size
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, new TpmtPublic(srk.type(), srk.nameAlg(), a, Bytes.zeros(20),
                srk.parameters(), srk.unique()))).isEqualTo(TpmRc.SIZE.atParameter(2));
        // userAuth longer than the nameAlg digest
        assertThat(createPrimaryRc(t, new TpmsSensitiveCreate(Secret.of(new byte[33]).equals(Secret.EMPTY) ? Secret.EMPTY
                : Secret.of(filled(33)), Secret.EMPTY), srk)).isEqualTo(TpmRc.SIZE.atParameter(1));
        // a storage key without symmetric algorithm
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL))))
                .isEqualTo(TpmRc.SYMMETRIC.atParameter(2));
        // a signing key with a symmetric algorithm
        TpmtPublic signer = eccSigner(Templates.NIST_P256);
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, signer.objectAttributes(),
                Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtEccScheme.NULL, Templates.NIST_P256,
                        TpmtKdfScheme.NULL)))).isEqualTo(TpmRc.SYMMETRIC.atParameter(2));
        // a restricted signing key without a scheme
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, signer.withAttributes(signer.objectAttributes()
                .with(TpmaObject.RESTRICTED)))).isEqualTo(TpmRc.SCHEME.atParameter(2));
        // an HMAC key (sign) without the HMAC scheme
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, signer.objectAttributes(),
                Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL)))).isEqualTo(TpmRc.SCHEME.atParameter(2));
        // a symmetric key of the wrong size provided
        TpmaObject symAttrs = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT, TpmaObject.SIGN_ENCRYPT);
        assertThat(createPrimaryRc(t, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(filled(15))), TpmtPublic.of(TpmAlg.SHA256,
                symAttrs, Bytes.EMPTY, new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.CFB)))))
                .isEqualTo(TpmRc.KEY_SIZE);
        // an RSA exponent that is not prime
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256, signer.objectAttributes(),
                Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 1024, 65535)))).isEqualTo(TpmRc.RANGE);
        assertThat(t.state().objects.count()).isZero();
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 7);
        return b;
    }

    @Test
    void createPrimary_unimplementedCurveAndKeySize_failWhileUnmarshalling() {
        TestTpm t = TestTpm.started();
        // 0x0006 is no TPM_ECC_CURVE
        assertThat(createPrimaryRc(t, TpmsSensitiveCreate.EMPTY, eccSigner(0x0006))).isEqualTo(TpmRc.CURVE.atParameter(2));
        assertThat(t.run(new TestParms(new TpmtPublicParms(TpmAlg.ECC, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL)))).ok()).isTrue();
    }

    @Test
    void unseal_userWithAuthClear_passwordIsAuthUnavailable() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK).objectHandle();
        CreateResponse c = seal(t, srk, "s", "", new TpmaObject(SEALED).without(TpmaObject.USER_WITH_AUTH));
        int h = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
        assertThat(t.run(new Unseal(h)).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE);
    }

    @Test
    void unseal_signingKey_returnsAttributes_andSrkType() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK).objectHandle();
        assertThat(t.run(new Unseal(srk)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        TpmaObject hmacKey = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.SENSITIVE_DATA_ORIGIN,
                TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
        int h = primary(t, TpmRh.OWNER, TpmtPublic.of(TpmAlg.SHA256, hmacKey, Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)))).objectHandle();
        assertThat(t.run(new Unseal(h)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
    }

    @Test
    void objectChangeAuth_newPrivateCarriesTheNewAuth() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, TpmRh.OWNER, Templates.RSA_2048_SRK).objectHandle();
        CreateResponse c = seal(t, srk, "s", "old", new TpmaObject(SEALED));
        int h = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
        Bytes newPrivate = t.run(new ObjectChangeAuth(h, srk, Secret.of("new".getBytes())),
                List.of(Bytes.of("old".getBytes()))).orThrow().outPrivate();
        t.run(new FlushContext(h)).orThrow();
        int h2 = t.run(new Load(srk, newPrivate, c.outPublic())).orThrow().objectHandle();
        assertThat(t.run(new Unseal(h2), List.of(Bytes.of("new".getBytes()))).orThrow().outData())
                .isEqualTo(Secret.of("s".getBytes()));
        assertThat(t.run(new Unseal(h2), List.of(Bytes.of("old".getBytes()))).rc()).isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
        // not the parent
        int other = primary(t, TpmRh.ENDORSEMENT, Templates.ECC_P256_SRK).objectHandle();
        assertThat(t.run(new ObjectChangeAuth(h2, other, Secret.EMPTY), List.of(Bytes.of("new".getBytes()))).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(2));
        assertThat(t.run(new ObjectChangeAuth(h2, srk, Secret.of(filled(33))), List.of(Bytes.of("new".getBytes()))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void createLoaded_underHierarchy_isThePrimary_underParent_isOrdinary() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse p = primary(t, TpmRh.OWNER, Templates.ECC_P256_SRK);
        CreateLoadedResponse l = t.run(new CreateLoaded(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY,
                Templates.ECC_P256_SRK.toTemplate())).orThrow();
        assertThat(l.name()).isEqualTo(p.name());
        assertThat(l.outPrivate()).isEqualTo(Bytes.EMPTY);
        CreateLoadedResponse o = t.run(new CreateLoaded(p.objectHandle(), TpmsSensitiveCreate.EMPTY,
                eccSigner(Templates.NIST_P256).toTemplate())).orThrow();
        t.run(new FlushContext(o.objectHandle())).orThrow();
        assertThat(t.run(new Load(p.objectHandle(), o.outPrivate(), o.outPublic())).orThrow().name()).isEqualTo(o.name());
    }

    @Test
    void loadExternal_publicAndPrivate() throws Exception {
        TestTpm t = TestTpm.started();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var kp = g.generateKeyPair();
        ECPublicKey pk = (ECPublicKey) kp.getPublic();
        TpmsEccPoint q = new TpmsEccPoint(Bytes.wrap(ObjectSupport.fixed(pk.getW().getAffineX(), 32)),
                Bytes.wrap(ObjectSupport.fixed(pk.getW().getAffineY(), 32)));
        TpmaObject attrs = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
        TpmtPublic pub = TpmtPublic.of(TpmAlg.SHA256, attrs, Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL), q);
        var r = t.run(new LoadExternal(null, pub, TpmRh.OWNER)).orThrow();
        assertThat(r.name()).isEqualTo(pub.name());
        BigInteger d = ((java.security.interfaces.ECPrivateKey) kp.getPrivate()).getS();
        TpmtSensitive sens = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Ecc(
                Secret.of(ObjectSupport.fixed(d, 32))));
        assertThat(t.run(new LoadExternal(sens, pub, TpmRh.NULL)).ok()).isTrue();
        assertThat(t.run(new LoadExternal(sens, pub, TpmRh.OWNER)).rc()).isEqualTo(TpmRc.HIERARCHY.atParameter(3));
        t.run(new FlushContext(0x80000000)).orThrow();
        // a private key that is not the public key's
        TpmtSensitive wrong = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Ecc(
                Secret.of(ObjectSupport.fixed(d.add(BigInteger.ONE), 32))));
        assertThat(t.run(new LoadExternal(wrong, pub, TpmRh.NULL)).rc()).isEqualTo(TpmRc.BINDING);   // libtpms: no index
        // a point off the curve
        TpmtPublic off = pub.withUnique(new TpmsEccPoint(q.x(), Bytes.zeros(32)));
        assertThat(t.run(new LoadExternal(null, off, TpmRh.OWNER)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        // fixedTPM with a sensitive area
        TpmtPublic fixed = pub.withAttributes(attrs.with(TpmaObject.FIXED_TPM | TpmaObject.FIXED_PARENT));
        assertThat(t.run(new LoadExternal(sens, fixed, TpmRh.NULL)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // RSA modulus of the wrong size
        TpmtPublic rsa = TpmtPublic.of(TpmAlg.SHA256, attrs, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL,
                TpmtRsaScheme.NULL, 2048, 0), new TpmuPublicId.Rsa(Bytes.zeros(128)));
        assertThat(t.run(new LoadExternal(null, rsa, TpmRh.OWNER)).rc()).isEqualTo(TpmRc.KEY.atParameter(2));
        // sensitive of another type
        TpmtSensitive sym = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Sym(Secret.of(filled(16))));
        assertThat(t.run(new LoadExternal(sym, pub, TpmRh.NULL)).rc()).isEqualTo(TpmRc.TYPE.atParameter(1));
    }

    @Test
    void creationData_selectsAllocatedPcrs() {
        TestTpm t = TestTpm.started();
        TpmlPcrSelection sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1)));
        CreatePrimaryResponse r = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK,
                Bytes.of((byte) 1, (byte) 2), sel)).orThrow();
        assertThat(r.creationData().pcrSelect()).isEqualTo(sel);
        assertThat(r.creationData().pcrDigest()).isEqualTo(TestTpm.hash(TpmAlg.SHA256, new byte[64]));
        assertThat(r.creationData().outsideInfo()).isEqualTo(Bytes.of((byte) 1, (byte) 2));
        assertThat(r.creationData().locality()).isEqualTo(1);
    }
}
