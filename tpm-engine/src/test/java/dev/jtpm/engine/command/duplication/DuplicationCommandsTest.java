package dev.jtpm.engine.command.duplication;

import static dev.jtpm.engine.WrapSide.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.Duplicate;
import dev.jtpm.types.command.DuplicateResponse;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Import;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.LoadExternal;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.Rewrap;
import dev.jtpm.types.command.RewrapResponse;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSignature;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Duplicate, TPM2_Import and TPM2_Rewrap: blobs opened and made on the test side ({@link
 * dev.jtpm.engine.WrapSide}), keys that cross wrappers and still sign (checked with the JDK), and every response
 * code of the three handlers' javadoc.
 */
class DuplicationCommandsTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmtSymDefObject AES128 = TpmtSymDefObject.aes(128, TpmAlg.CFB);
    /** PolicyCommandCode(TPM2_Duplicate) from a zero digest. */
    private static final Bytes DUP_POLICY = TestTpm.hash(TpmAlg.SHA256, new byte[32], u32(TpmCc.POLICY_COMMAND_CODE),
            u32(TpmCc.DUPLICATE));
    private static final TpmaObject DUPLICABLE_SIGNER = TpmaObject.of(TpmaObject.SENSITIVE_DATA_ORIGIN,
            TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject EXTERNAL_PARENT = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED,
            TpmaObject.DECRYPT);
    private static final Bytes DIGEST = Bytes.fromHex("aa".repeat(32));

    private static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    private static CreatePrimaryResponse primary(TestTpm t, TpmtPublic template) {
        return t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    private static TpmtPublic eccSigner(TpmaObject attributes, Bytes policy) {
        return TpmtPublic.of(TpmAlg.SHA256, attributes, policy, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    /** A loaded child of {@code parent}: its handle, public area. */
    private record Child(int handle, TpmtPublic pub, Bytes name) {}

    private static Child child(TestTpm t, int parent, TpmaObject attributes) {
        CreateResponse c = t.run(new Create(parent, TpmsSensitiveCreate.EMPTY, eccSigner(attributes, DUP_POLICY), Bytes.EMPTY,
                NO_PCRS)).orThrow();
        var l = t.run(new Load(parent, c.outPrivate(), c.outPublic())).orThrow();
        return new Child(l.objectHandle(), c.outPublic(), l.name());
    }

    private static CommandBytes.Result<DuplicateResponse> duplicate(TestTpm t, int object, int newParent, Bytes keyIn,
                                                                     TpmtSymDefObject sym) {
        int s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(16), Bytes.EMPTY, TpmSe.POLICY, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow().sessionHandle();
        t.run(new PolicyCommandCode(s, TpmCc.DUPLICATE)).orThrow();
        var r = t.runWithSessions(new Duplicate(object, newParent, keyIn, sym), s);
        t.run(new FlushContext(s));
        return r;
    }

    /** A test-owned RSA storage key: the JDK pair and its public area loaded with LoadExternal. */
    private record External(KeyPair pair, TpmtPublic pub, int handle) {}

    private static External externalRsaParent(TestTpm t) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        byte[] n = ((RSAPublicKey) kp.getPublic()).getModulus().toByteArray();
        n = Arrays.copyOfRange(n, n.length - 256, n.length);
        TpmtPublic pub = TpmtPublic.of(TpmAlg.SHA256, EXTERNAL_PARENT, Bytes.EMPTY,
                new TpmsRsaParms(AES128, TpmtRsaScheme.NULL, 2048, 0), new TpmuPublicId.Rsa(b(n)));
        return new External(kp, pub, t.run(new LoadExternal(null, pub, TpmRh.OWNER)).orThrow().objectHandle());
    }

    /** The marshalled TPMT_SENSITIVE of an ECC key, authValue padded to 32 octets as ms-tpm marshals it. */
    private static byte[] eccSensitive(byte[] auth, byte[] d) {
        return cat(u16(TpmAlg.ECC), sized(Arrays.copyOf(auth, Math.max(auth.length, 32))), sized(new byte[0]), sized(d));
    }

    private static BigInteger[] p256Public(BigInteger d) {
        var g = org.bouncycastle.asn1.nist.NISTNamedCurves.getByName("P-256").getG().multiply(d).normalize();
        return new BigInteger[] {g.getAffineXCoord().toBigInteger(), g.getAffineYCoord().toBigInteger()};
    }

    private static void assertSignsWithJdk(TestTpm t, int key, TpmtPublic pub) throws Exception {
        TpmuSignature.Ecc e = (TpmuSignature.Ecc) t.run(new Sign(key, DIGEST, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()))
                .orThrow().signature().signature();
        Signature v = Signature.getInstance("NONEwithECDSAinP1363Format");
        v.initVerify(eccPublic(pub));
        v.update(DIGEST.toArray());
        assertThat(v.verify(e.signatureR().concat(e.signatureS()).toArray())).isTrue();
    }

    // ---------------------------------------------------------------- Duplicate

    @Test
    void duplicate_toTestParent_opensOnTheTestSide_withTpmMadeAndCallerKeys() throws Exception {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER);
        External parent = externalRsaParent(t);
        for (Bytes keyIn : List.of(Bytes.EMPTY, b(random(16)))) {
            DuplicateResponse r = duplicate(t, c.handle(), parent.handle(), keyIn, AES128).orThrow();
            byte[] innerKey = keyIn.isEmpty() ? r.encryptionKeyOut().toArray() : keyIn.toArray();
            assertThat(r.encryptionKeyOut().size()).isEqualTo(keyIn.isEmpty() ? 16 : 0);
            byte[] seed = rsaDecrypt(parent.pair().getPrivate(), "DUPLICATE", r.outSymSeed().toArray());
            byte[] inner = outerUnwrap(seed, c.name().toArray(), 128, r.duplicate().toArray());
            assertThat(inner).isNotNull();
            byte[] sized = innerUnwrap(innerKey, c.name().toArray(), inner);
            assertThat(sized).isNotNull();
            // TPM2B_SENSITIVE: size, type ECC, authValue padded to 32, empty seedValue, d
            assertThat(((sized[0] & 0xFF) << 8) | (sized[1] & 0xFF)).isEqualTo(sized.length - 2);
            assertThat(Arrays.copyOfRange(sized, 2, 6)).isEqualTo(cat(u16(TpmAlg.ECC), u16(32)));
            byte[] d = Arrays.copyOfRange(sized, sized.length - 32, sized.length);
            TpmsEccPoint q = (TpmsEccPoint) c.pub().unique();
            assertThat(p256Public(new BigInteger(1, d))).containsExactly(new BigInteger(1, q.x().toArray()),
                    new BigInteger(1, q.y().toArray()));
        }
    }

    @Test
    void duplicate_toNullWithoutInner_isThePlainSensitive() throws Exception {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER);
        DuplicateResponse r = duplicate(t, c.handle(), TpmRh.NULL, Bytes.EMPTY, TpmtSymDefObject.NULL).orThrow();
        assertThat(r.outSymSeed()).isEqualTo(Bytes.EMPTY);
        assertThat(r.encryptionKeyOut()).isEqualTo(Bytes.EMPTY);
        byte[] sized = r.duplicate().toArray();
        byte[] d = Arrays.copyOfRange(sized, sized.length - 32, sized.length);
        TpmsEccPoint q = (TpmsEccPoint) c.pub().unique();
        assertThat(p256Public(new BigInteger(1, d))[0]).isEqualTo(new BigInteger(1, q.x().toArray()));
        // and it imports again, unwrapped, under the same parent
        Bytes priv = t.run(new Import(srk, Bytes.EMPTY, c.pub(), r.duplicate(), Bytes.EMPTY, TpmtSymDefObject.NULL)).orThrow()
                .outPrivate();
        t.run(new FlushContext(c.handle())).orThrow();
        int k = t.run(new Load(srk, priv, c.pub())).orThrow().objectHandle();
        assertSignsWithJdk(t, k, c.pub());
    }

    @Test
    void duplicate_thenImportUnderAnotherParent_rsaAndEcc_loadsAndSigns() throws Exception {
        for (TpmtPublic target : List.of(Templates.RSA_2048_SRK, Templates.ECC_P256_SRK)) {
            TestTpm t = TestTpm.started();
            int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
            Child c = child(t, srk, DUPLICABLE_SIGNER);
            // another storage key as the new parent (another template: another key)
            CreatePrimaryResponse np = t.run(new CreatePrimary(TpmRh.ENDORSEMENT, TpmsSensitiveCreate.EMPTY, target, Bytes.EMPTY,
                    NO_PCRS)).orThrow();
            DuplicateResponse r = duplicate(t, c.handle(), np.objectHandle(), Bytes.EMPTY, AES128).orThrow();
            t.run(new FlushContext(c.handle())).orThrow();
            Bytes priv = t.run(new Import(np.objectHandle(), r.encryptionKeyOut(), c.pub(), r.duplicate(), r.outSymSeed(), AES128))
                    .orThrow().outPrivate();
            int k = t.run(new Load(np.objectHandle(), priv, c.pub())).orThrow().objectHandle();
            assertSignsWithJdk(t, k, c.pub());
        }
    }

    @Test
    void duplicate_fixedParentObject_returnsAttributesOnHandle1() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER.with(TpmaObject.FIXED_TPM | TpmaObject.FIXED_PARENT));
        assertThat(duplicate(t, c.handle(), TpmRh.NULL, Bytes.EMPTY, TpmtSymDefObject.NULL).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
    }

    @Test
    void duplicate_publicAreaOnly_isRefusedByAuthorization() throws Exception {
        TestTpm t = TestTpm.started();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var w = ((ECPublicKey) g.generateKeyPair().getPublic()).getW();
        TpmtPublic pub = eccSigner(DUPLICABLE_SIGNER.without(TpmaObject.SENSITIVE_DATA_ORIGIN), DUP_POLICY)
                .withUnique(new TpmsEccPoint(b(fixed(w.getAffineX())), b(fixed(w.getAffineY()))));
        int h = t.run(new LoadExternal(null, pub, TpmRh.OWNER)).orThrow().objectHandle();
        // refused by authorization before the handler's own guard (TPM_RC_TYPE at handle 1)
        assertThat(duplicate(t, h, TpmRh.NULL, Bytes.EMPTY, TpmtSymDefObject.NULL).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE);
    }

    @Test
    void duplicate_newParentNotStorage_returnsTypeOnHandle2() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER);
        assertThat(duplicate(t, c.handle(), c.handle(), Bytes.EMPTY, TpmtSymDefObject.NULL).rc()).isEqualTo(TpmRc.TYPE.atHandle(2));
    }

    @Test
    void duplicate_encryptedDuplication_needsInnerAndOuterWrappers() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER.with(TpmaObject.ENCRYPTED_DUPLICATION));
        assertThat(duplicate(t, c.handle(), srk, Bytes.EMPTY, TpmtSymDefObject.NULL).rc()).isEqualTo(TpmRc.SYMMETRIC.atParameter(2));
        assertThat(duplicate(t, c.handle(), TpmRh.NULL, Bytes.EMPTY, AES128).rc()).isEqualTo(TpmRc.HIERARCHY.atHandle(2));
        assertThat(duplicate(t, c.handle(), srk, Bytes.EMPTY, AES128).ok()).isTrue();
    }

    @Test
    void duplicate_encryptionKeyOfTheWrongSize_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER);
        assertThat(duplicate(t, c.handle(), srk, b(new byte[16]), TpmtSymDefObject.NULL).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(duplicate(t, c.handle(), srk, b(new byte[15]), AES128).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void duplicate_withoutPolicySession_isRefusedByAuthorization() {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER);
        assertThat(t.run(new Duplicate(c.handle(), srk, Bytes.EMPTY, TpmtSymDefObject.NULL)).rc().is(TpmRc.AUTH_TYPE)).isTrue();
    }

    // ---------------------------------------------------------------- Import

    /** A software ECC signing key wrapped for {@code parent} on the test side. */
    private record Wrapped(TpmtPublic pub, byte[] duplicate, byte[] seed, byte[] innerKey, byte[] seedValue) {}

    private static Wrapped wrapSoftwareKey(TpmtPublic parent, boolean ecc, boolean inner, boolean outer) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        var w = ((ECPublicKey) kp.getPublic()).getW();
        TpmtPublic pub = eccSigner(DUPLICABLE_SIGNER.without(TpmaObject.SENSITIVE_DATA_ORIGIN), Bytes.EMPTY)
                .withUnique(new TpmsEccPoint(b(fixed(w.getAffineX())), b(fixed(w.getAffineY()))));
        byte[] name = pub.name().toArray();
        byte[] content = sized(eccSensitive(new byte[0], fixed(((ECPrivateKey) kp.getPrivate()).getS())));
        byte[] key = inner ? random(16) : new byte[0];
        if (inner) content = innerWrap(key, name, content);
        Seed seed = !outer ? new Seed(new byte[0], new byte[0])
                : ecc ? eccSeed(parent, "DUPLICATE") : rsaSeed(parent, "DUPLICATE");
        if (outer) content = outerWrap(seed.seed(), name, 128, content);
        return new Wrapped(pub, content, seed.encryptedSecret(), key, seed.seed());
    }

    private static CommandBytes.Result<dev.jtpm.types.command.ImportResponse> importIt(TestTpm t, int parent, Wrapped w) {
        return t.run(new Import(parent, b(w.innerKey()), w.pub(), b(w.duplicate()), b(w.seed()),
                w.innerKey().length == 0 ? TpmtSymDefObject.NULL : AES128));
    }

    @Test
    void import_softwareKeyWrappedOnTheTestSide_loadsAndSigns() throws Exception {
        for (boolean ecc : new boolean[] {false, true}) {
            for (boolean inner : new boolean[] {false, true}) {
                TestTpm t = TestTpm.started();
                CreatePrimaryResponse srk = primary(t, ecc ? Templates.ECC_P256_SRK : Templates.RSA_2048_SRK);
                Wrapped w = wrapSoftwareKey(srk.outPublic(), ecc, inner, true);
                Bytes priv = importIt(t, srk.objectHandle(), w).orThrow().outPrivate();
                int k = t.run(new Load(srk.objectHandle(), priv, w.pub())).orThrow().objectHandle();
                assertSignsWithJdk(t, k, w.pub());
            }
        }
    }

    @Test
    void import_fixedTpmOrFixedParentObject_returnsAttributesOnParameter2() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, Templates.RSA_2048_SRK);
        Wrapped w = wrapSoftwareKey(srk.outPublic(), false, false, true);
        for (int bit : new int[] {TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT}) {
            TpmtPublic p = w.pub();
            TpmtPublic fixed = new TpmtPublic(p.type(), p.nameAlg(), p.objectAttributes().with(bit), p.authPolicy(), p.parameters(),
                    p.unique());
            assertThat(t.run(new Import(srk.objectHandle(), Bytes.EMPTY, fixed, b(w.duplicate()), b(w.seed()),
                    TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        }
    }

    @Test
    void import_parentChecks() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, Templates.RSA_2048_SRK);
        Wrapped w = wrapSoftwareKey(srk.outPublic(), false, false, true);
        int signer = primary(t, eccSigner(TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY)).objectHandle();
        assertThat(importIt(t, signer, w).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        int sym = primary(t, TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.DECRYPT),
                Bytes.EMPTY, new TpmsSymcipherParms(AES128))).objectHandle();
        t.run(new FlushContext(signer)).orThrow();
        assertThat(importIt(t, sym, w).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        // without an outer wrapper a symmetric parent imports
        Wrapped plain = wrapSoftwareKey(null, false, true, false);
        assertThat(importIt(t, sym, plain).ok()).isTrue();
    }

    @Test
    void import_symmetricAndKeyChecks() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, Templates.RSA_2048_SRK);
        int h = srk.objectHandle();
        Wrapped w = wrapSoftwareKey(srk.outPublic(), false, true, true);
        assertThat(t.run(new Import(h, b(new byte[15]), w.pub(), b(w.duplicate()), b(w.seed()), AES128)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new Import(h, Bytes.EMPTY, w.pub(), b(w.duplicate()), b(w.seed()), AES128)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new Import(h, b(w.innerKey()), w.pub(), b(w.duplicate()), b(w.seed()), TpmtSymDefObject.NULL)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        // the wrong inner key: its digest field decrypts to noise (too large, past the end, or a wrong digest)
        byte[] wrongKey = random(16);
        byte[] noise = cfb(wrongKey, outerUnwrap(w.seedValue(), w.pub().name().toArray(), 128, w.duplicate()), false);
        int size = ((noise[0] & 0xFF) << 8) | (noise[1] & 0xFF);
        TpmRc expected = size > 64 ? TpmRc.SIZE : size > noise.length - 2 ? TpmRc.INSUFFICIENT : TpmRc.INTEGRITY;
        assertThat(t.run(new Import(h, b(wrongKey), w.pub(), b(w.duplicate()), b(w.seed()), AES128)).rc())
                .isEqualTo(expected.atParameter(3));
        // an inner wrapper whose digest field is well formed but wrong
        byte[] inner = cfb(w.innerKey(), outerUnwrap(w.seedValue(), w.pub().name().toArray(), 128, w.duplicate()), false);
        inner[5] ^= 1;
        byte[] rewrapped = outerWrap(w.seedValue(), w.pub().name().toArray(), 128, cfb(w.innerKey(), inner, true));
        assertThat(t.run(new Import(h, b(w.innerKey()), w.pub(), b(rewrapped), b(w.seed()), AES128)).rc())
                .isEqualTo(TpmRc.INTEGRITY.atParameter(3));
        TpmtPublic p = w.pub();
        TpmtPublic encDup = new TpmtPublic(p.type(), p.nameAlg(), p.objectAttributes().with(TpmaObject.ENCRYPTED_DUPLICATION),
                p.authPolicy(), p.parameters(), p.unique());
        assertThat(t.run(new Import(h, Bytes.EMPTY, encDup, b(w.duplicate()), b(w.seed()), TpmtSymDefObject.NULL)).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atParameter(1));
        assertThat(t.run(new Import(h, b(w.innerKey()), encDup, b(w.duplicate()), Bytes.EMPTY, AES128)).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atParameter(4));
        TpmtPublic nullName = new TpmtPublic(p.type(), TpmAlg.NULL, p.objectAttributes(), Bytes.EMPTY, p.parameters(), p.unique());
        assertThat(t.run(new Import(h, b(w.innerKey()), nullName, b(w.duplicate()), b(w.seed()), AES128)).rc().is(TpmRc.HASH))
                .isTrue();
    }

    @Test
    void import_seedErrors_rsaAndEcc() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse rsa = primary(t, Templates.RSA_2048_SRK);
        Wrapped w = wrapSoftwareKey(rsa.outPublic(), false, false, true);
        assertThat(t.run(new Import(rsa.objectHandle(), Bytes.EMPTY, w.pub(), b(w.duplicate()), b(Arrays.copyOf(w.seed(), 200)),
                TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.SIZE.atParameter(4));
        byte[] otherLabel = rsaSeed(rsa.outPublic(), "IDENTITY").encryptedSecret();
        assertThat(t.run(new Import(rsa.objectHandle(), Bytes.EMPTY, w.pub(), b(w.duplicate()), b(otherLabel),
                TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.FAILURE);
        CreatePrimaryResponse ecc = primary(t, Templates.ECC_P256_SRK);
        Wrapped e = wrapSoftwareKey(ecc.outPublic(), true, false, true);
        byte[] off = e.seed().clone();
        off[off.length - 1] ^= 1;
        assertThat(t.run(new Import(ecc.objectHandle(), Bytes.EMPTY, e.pub(), b(e.duplicate()), b(off),
                TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(4));
        assertThat(t.run(new Import(ecc.objectHandle(), Bytes.EMPTY, e.pub(), b(e.duplicate()), b(Arrays.copyOf(e.seed(), 10)),
                TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.INSUFFICIENT.atParameter(4));
        assertThat(t.run(new Import(ecc.objectHandle(), Bytes.EMPTY, e.pub(), b(e.duplicate()),
                b(cat(u16(81), new byte[81])), TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.SIZE.atParameter(4));
    }

    @Test
    void import_everyChangedOctetOfAnOuterWrappedBlob_isRefused() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, Templates.RSA_2048_SRK);
        Wrapped w = wrapSoftwareKey(srk.outPublic(), false, true, true);
        byte[] good = w.duplicate();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            int integritySize = ((bad[0] & 0xFF) << 8) | (bad[1] & 0xFF);
            TpmRc expected = integritySize > 64 ? TpmRc.SIZE : integritySize > bad.length - 2 ? TpmRc.INSUFFICIENT : TpmRc.INTEGRITY;
            assertThat(t.run(new Import(srk.objectHandle(), b(w.innerKey()), w.pub(), b(bad), b(w.seed()), AES128)).rc())
                    .as("octet %d", i).isEqualTo(expected.atParameter(3));
        }
        // another public area (another Name) does not open it either
        Wrapped other = wrapSoftwareKey(srk.outPublic(), false, true, true);
        assertThat(t.run(new Import(srk.objectHandle(), b(w.innerKey()), other.pub(), b(good), b(w.seed()), AES128)).rc())
                .isEqualTo(TpmRc.INTEGRITY.atParameter(3));
        assertThat(t.run(new Import(srk.objectHandle(), b(w.innerKey()), w.pub(), b(new byte[1]), b(w.seed()), AES128)).rc())
                .isEqualTo(TpmRc.INSUFFICIENT.atParameter(3));
    }

    @Test
    void import_unwrappedAreaErrors_andBindingUnderFixedTpmParent() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, Templates.RSA_2048_SRK);
        int h = srk.objectHandle();
        Wrapped w = wrapSoftwareKey(null, false, false, false);
        byte[] sized = w.duplicate();
        assertThat(t.run(new Import(h, Bytes.EMPTY, w.pub(), b(Arrays.copyOf(sized, sized.length - 1)), Bytes.EMPTY,
                TpmtSymDefObject.NULL)).rc()).isEqualTo(TpmRc.SIZE.atParameter(3));
        assertThat(t.run(new Import(h, Bytes.EMPTY, w.pub(), b(new byte[1]), Bytes.EMPTY, TpmtSymDefObject.NULL)).rc())
                .isEqualTo(TpmRc.INSUFFICIENT.atParameter(3));
        byte[] trailing = cat(u16(sized.length - 2 + 1), Arrays.copyOfRange(sized, 2, sized.length), new byte[1]);
        assertThat(t.run(new Import(h, Bytes.EMPTY, w.pub(), b(trailing), Bytes.EMPTY, TpmtSymDefObject.NULL)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(3));
        // another key's private scalar: validated as a load under the fixedTPM parent
        Wrapped other = wrapSoftwareKey(null, false, false, false);
        assertThat(t.run(new Import(h, Bytes.EMPTY, w.pub(), b(other.duplicate()), Bytes.EMPTY, TpmtSymDefObject.NULL)).rc()
                .is(TpmRc.BINDING)).isTrue();
        assertThat(t.run(new Import(h, Bytes.EMPTY, w.pub(), b(sized), Bytes.EMPTY, TpmtSymDefObject.NULL)).ok()).isTrue();
    }

    // ---------------------------------------------------------------- Rewrap

    @Test
    void rewrap_movesTheOuterWrapperToAnotherParent() throws Exception {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        Child c = child(t, srk, DUPLICABLE_SIGNER);
        int oldParent = primary(t, Templates.ECC_P256_SRK).objectHandle();
        DuplicateResponse d = duplicate(t, c.handle(), oldParent, Bytes.EMPTY, AES128).orThrow();
        t.run(new FlushContext(c.handle())).orThrow();
        RewrapResponse r = t.run(new Rewrap(oldParent, srk, d.duplicate(), c.name(), d.outSymSeed())).orThrow();
        Bytes priv = t.run(new Import(srk, d.encryptionKeyOut(), c.pub(), r.outDuplicate(), r.outSymSeed(), AES128)).orThrow()
                .outPrivate();
        t.run(new FlushContext(oldParent)).orThrow();
        int k = t.run(new Load(srk, priv, c.pub())).orThrow().objectHandle();
        assertSignsWithJdk(t, k, c.pub());
    }

    @Test
    void rewrap_nullToNull_passesTheBlobThrough() {
        TestTpm t = TestTpm.started();
        Bytes blob = Bytes.fromHex("0102030405");
        RewrapResponse r = t.run(new Rewrap(TpmRh.NULL, TpmRh.NULL, blob, Bytes.EMPTY, Bytes.EMPTY)).orThrow();
        assertThat(r.outDuplicate()).isEqualTo(blob);
        assertThat(r.outSymSeed()).isEqualTo(Bytes.EMPTY);
    }

    @Test
    void rewrap_responseCodes() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = primary(t, Templates.RSA_2048_SRK);
        int h = srk.objectHandle();
        Bytes name = Bytes.fromHex("000b" + "11".repeat(32));
        Seed seed = rsaSeed(srk.outPublic(), "DUPLICATE");
        byte[] blob = outerWrap(seed.seed(), name.toArray(), 128, new byte[] {1, 2, 3});
        assertThat(t.run(new Rewrap(h, TpmRh.NULL, b(blob), name, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
        assertThat(t.run(new Rewrap(TpmRh.NULL, TpmRh.NULL, b(blob), name, b(seed.encryptedSecret()))).rc())
                .isEqualTo(TpmRc.HANDLE.atHandle(1));
        int signer = primary(t, eccSigner(TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY)).objectHandle();
        assertThat(t.run(new Rewrap(signer, TpmRh.NULL, b(blob), name, b(seed.encryptedSecret()))).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(1));
        assertThat(t.run(new Rewrap(h, TpmRh.NULL, b(blob), name, b(Arrays.copyOf(seed.encryptedSecret(), 10)))).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(3));
        byte[] bad = blob.clone();
        bad[5] ^= 1;
        assertThat(t.run(new Rewrap(h, TpmRh.NULL, b(bad), name, b(seed.encryptedSecret()))).rc())
                .isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        assertThat(t.run(new Rewrap(h, TpmRh.NULL, b(new byte[1]), name, b(seed.encryptedSecret()))).rc())
                .isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
        assertThat(t.run(new Rewrap(h, TpmRh.NULL, b(cat(u16(65), new byte[70])), name, b(seed.encryptedSecret()))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new Rewrap(h, TpmRh.NULL, b(blob), name, b(seed.encryptedSecret()))).orThrow().outDuplicate())
                .isEqualTo(b(new byte[] {1, 2, 3}));
        assertThat(t.run(new Rewrap(TpmRh.NULL, signer, b(blob), name, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.TYPE.atHandle(2));
        int max = dev.jtpm.types.structure.Limits.PRIVATE_SIZE;
        assertThat(t.run(new Rewrap(TpmRh.NULL, h, b(new byte[max - 33]), name, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(1));
        RewrapResponse ok = t.run(new Rewrap(TpmRh.NULL, h, b(new byte[max - 34]), name, Bytes.EMPTY)).orThrow();
        assertThat(ok.outDuplicate().size()).isEqualTo(max);
    }

    /**
     * PolicyDuplicationSelect (with includeObject NO: the policy names only the new parent) lets Duplicate move the
     * object to that parent and to no other: the pipeline compares the session's nameHash with the command's
     * handles (TPM_RC_POLICY_FAIL for another parent).
     */
    @Test
    void duplicate_underPolicyDuplicationSelect_onlyToTheSelectedParent() throws Exception {
        TestTpm t = TestTpm.started();
        int srk = primary(t, Templates.RSA_2048_SRK).objectHandle();
        External parent = externalRsaParent(t);
        Bytes parentName = parent.pub().name();
        Bytes policy = TestTpm.hash(TpmAlg.SHA256, new byte[32], u32(TpmCc.POLICY_DUPLICATION_SELECT), parentName.toArray(),
                new byte[] {0});
        CreateResponse c = t.run(new Create(srk, TpmsSensitiveCreate.EMPTY, eccSigner(DUPLICABLE_SIGNER, policy), Bytes.EMPTY,
                NO_PCRS)).orThrow();
        var l = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow();
        for (int target : new int[] {srk, parent.handle()}) {
            int s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(16), Bytes.EMPTY, TpmSe.POLICY,
                    TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow().sessionHandle();
            t.run(new dev.jtpm.types.command.PolicyDuplicationSelect(s, l.name(), parentName, false)).orThrow();
            var r = t.runWithSessions(new Duplicate(l.objectHandle(), target, Bytes.EMPTY, AES128), s);
            if (target == srk) {
                assertThat(r.rc()).isEqualTo(TpmRc.POLICY_FAIL.atSession(1));
                t.run(new FlushContext(s));
            } else {
                assertThat(r.rc()).as("to the selected parent").isEqualTo(TpmRc.SUCCESS);
                assertThat(r.orThrow().duplicate().size()).isPositive();
            }
        }
    }
}
