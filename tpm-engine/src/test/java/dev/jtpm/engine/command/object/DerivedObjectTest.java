package dev.jtpm.engine.command.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmsDerive;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtDerivedTemplate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Derived objects: TPM2_CreateLoaded under a derivation parent (Part 1, 27.1; Part 3, 12.9). The known
 * answers are computed here with the JCA from the KDF's definition (KDFa blocks with L = 8192, key first,
 * seedValue next), not with tpm-crypto; the interop test compares the same objects with libtpms.
 */
class DerivedObjectTest {
    private static final byte[] SECRET = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final TpmaObject PARENT = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.DECRYPT);
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
            TpmaObject.SIGN_ENCRYPT);
    private static final TpmsEccParms P256 = new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA,
            TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL);
    private static final TpmsKeyedhashParms HMAC = new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256));

    private static TpmtKeyedhashScheme xor() {
        return new TpmtKeyedhashScheme(TpmAlg.XOR, new TpmuSchemeKeyedhash.Xor(TpmAlg.SHA256, TpmAlg.KDF1_SP800_108));
    }

    private static int parent(TestTpm t) {
        return t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(SECRET)),
                TpmtPublic.of(TpmAlg.SHA256, PARENT, Bytes.EMPTY, new TpmsKeyedhashParms(xor())), Bytes.EMPTY,
                ObjectCommandsTest.NO_PCRS)).orThrow().objectHandle();
    }

    private static TpmtDerivedTemplate template(TpmaObject attrs, dev.jtpm.types.structure.TpmuPublicParms parms, String label,
                                                String context) {
        return TpmtDerivedTemplate.of(TpmAlg.SHA256, attrs, Bytes.EMPTY, parms,
                new TpmsDerive(Bytes.wrap(label.getBytes(StandardCharsets.US_ASCII)), Bytes.wrap(context.getBytes(StandardCharsets.US_ASCII))));
    }

    private static CreateLoadedResponse derive(TestTpm t, int parent, TpmtDerivedTemplate template) {
        return t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, template.toTemplate())).orThrow();
    }

    private static TpmRc rc(TestTpm t, int parent, TpmsSensitiveCreate sensitive, Bytes template) {
        var r = t.run(new CreateLoaded(parent, sensitive, template));
        if (r.ok()) t.run(new FlushContext(r.response().objectHandle())).orThrow();
        return r.rc();
    }

    /** The derivation stream by hand: HMAC_SHA256(SECRET, [i]32 || label || 00 || context || [8192]32), i = 1.. */
    private static byte[] stream(String label, String context, int octets) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        ByteBuffer out = ByteBuffer.allocate(octets + 32);
        for (int i = 1; out.position() < octets; i++) {
            mac.update(ByteBuffer.allocate(4).putInt(i).array());
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(context.getBytes(StandardCharsets.US_ASCII));
            mac.update(ByteBuffer.allocate(4).putInt(8192).array());
            out.put(mac.doFinal());
        }
        return java.util.Arrays.copyOf(out.array(), octets);
    }

    @Test
    void derivedHmacKey_isTheStreamsFirstDigest_uniqueHashesTheNextOne() throws Exception {
        TestTpm t = TestTpm.started();
        CreateLoadedResponse r = derive(t, parent(t), template(SIGNER, HMAC, "label", "context"));
        byte[] s = stream("label", "context", 64);
        byte[] key = java.util.Arrays.copyOf(s, 32), seed = java.util.Arrays.copyOfRange(s, 32, 64);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(seed);
        assertThat(((TpmuPublicId.KeyedHash) r.outPublic().unique()).digest().toArray()).isEqualTo(md.digest(key));
        assertThat(r.outPrivate()).isEqualTo(Bytes.EMPTY);
        assertThat(r.name()).isEqualTo(r.outPublic().name());
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        assertThat(t.run(new Hmac(r.objectHandle(), Bytes.wrap("data".getBytes()), TpmAlg.SHA256)).orThrow().outHMAC().toArray())
                .isEqualTo(hmac.doFinal("data".getBytes()));
    }

    @Test
    void derivedEccKey_scalarIsTheFirst40OctetsModNMinus1PlusOne() throws Exception {
        TestTpm t = TestTpm.started();
        CreateLoadedResponse r = derive(t, parent(t), template(SIGNER, P256, "ecc", ""));
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        BigInteger n = ap.getParameterSpec(ECParameterSpec.class).getOrder();
        BigInteger d = new BigInteger(1, stream("ecc", "", 40)).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        TpmObject o = (TpmObject) t.state().objects.get(r.objectHandle());
        assertThat(new BigInteger(1, ((TpmuSensitiveComposite.Ecc) o.sensitive().sensitive()).d().toArray())).isEqualTo(d);
        assertThat(o.seedValue()).isEqualTo(Secret.EMPTY);   // an unrestricted key keeps no seed
        assertThat(((TpmsEccPoint) r.outPublic().unique()).x().size()).isEqualTo(32);
    }

    @Test
    void sameLabelAndContext_sameKey_otherContext_otherKey_acrossFlushAndContextLoadOfTheParent() {
        TestTpm t = TestTpm.started();
        int p = parent(t);
        CreateLoadedResponse a = derive(t, p, template(SIGNER, P256, "l", "c1"));
        t.run(new FlushContext(a.objectHandle())).orThrow();
        CreateLoadedResponse b = derive(t, p, template(SIGNER, P256, "l", "c2"));
        t.run(new FlushContext(b.objectHandle())).orThrow();
        assertThat(b.name()).isNotEqualTo(a.name());
        var saved = t.run(new ContextSave(p)).orThrow().context();
        t.run(new FlushContext(p)).orThrow();
        int reloaded = t.run(new ContextLoad(saved)).orThrow().loadedHandle();
        CreateLoadedResponse again = derive(t, reloaded, template(SIGNER, P256, "l", "c1"));
        assertThat(again.outPublic()).isEqualTo(a.outPublic());
        assertThat(again.name()).isEqualTo(a.name());
        // and from a parent created anew from the same secret
        t.run(new FlushContext(again.objectHandle())).orThrow();
        t.run(new FlushContext(reloaded)).orThrow();
        assertThat(derive(t, parent(t), template(SIGNER, P256, "l", "c1")).name()).isEqualTo(a.name());
    }

    @Test
    void emptyLabelOrContext_comesFromATpmsDeriveInSensitiveData_theTemplatesWin() {
        TestTpm t = TestTpm.started();
        int p = parent(t);
        CreateLoadedResponse first = derive(t, p, template(SIGNER, P256, "l", "c"));
        Bytes named = first.name();
        t.run(new FlushContext(first.objectHandle())).orThrow();
        Secret derive = Secret.of(HexFormat.of().parseHex("0001" + "6c" + "0001" + "63"));   // TPMS_DERIVE("l", "c")
        CreateLoadedResponse fromSensitive = t.run(new CreateLoaded(p, new TpmsSensitiveCreate(Secret.EMPTY, derive),
                template(SIGNER, P256, "", "").toTemplate())).orThrow();
        assertThat(fromSensitive.name()).isEqualTo(named);
        t.run(new FlushContext(fromSensitive.objectHandle())).orThrow();
        Secret other = Secret.of(HexFormat.of().parseHex("0001" + "78" + "0001" + "79"));     // ("x", "y"): overridden
        CreateLoadedResponse templateWins = t.run(new CreateLoaded(p, new TpmsSensitiveCreate(Secret.EMPTY, other),
                template(SIGNER, P256, "l", "c").toTemplate())).orThrow();
        assertThat(templateWins.name()).isEqualTo(named);
    }

    @Test
    void derivedObject_savesAndLoadsAsAContext_andADerivedDerivationParentDerives() {
        TestTpm t = TestTpm.started();
        int p = parent(t);
        CreateLoadedResponse k = derive(t, p, template(SIGNER, HMAC, "l", "c"));
        Bytes mac = t.run(new Hmac(k.objectHandle(), Bytes.wrap(new byte[] {1}), TpmAlg.SHA256)).orThrow().outHMAC();
        var saved = t.run(new ContextSave(k.objectHandle())).orThrow().context();
        t.run(new FlushContext(k.objectHandle())).orThrow();
        int h = t.run(new ContextLoad(saved)).orThrow().loadedHandle();
        assertThat(t.run(new ReadPublic(h)).orThrow().name()).isEqualTo(k.name());
        assertThat(t.run(new Hmac(h, Bytes.wrap(new byte[] {1}), TpmAlg.SHA256)).orThrow().outHMAC()).isEqualTo(mac);
        t.run(new FlushContext(h)).orThrow();
        // a derivation parent derived from one: restricted, decrypt, XOR; its unique is HMAC(seedValue, bits)
        CreateLoadedResponse child = derive(t, p, template(TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsKeyedhashParms(xor()), "", ""));
        TpmObject o = (TpmObject) t.state().objects.get(child.objectHandle());
        assertThat(o.isDerivationParent()).isTrue();
        Secret bits = ((TpmuSensitiveComposite.Bits) o.sensitive().sensitive()).bits();
        assertThat(((TpmuPublicId.KeyedHash) child.outPublic().unique()).digest())
                .isEqualTo(Bytes.wrap(dev.jtpm.crypto.Hashes.hmac(TpmAlg.SHA256, o.seedValue().toArray(), bits.toArray())));
        assertThat(derive(t, child.objectHandle(), template(SIGNER, P256, "l", "c")).name()).isNotEqualTo(k.name());
    }

    @Test
    void refusals_carryLibtpmsCodes() {
        TestTpm t = TestTpm.started();
        int p = parent(t);
        TpmsSensitiveCreate none = TpmsSensitiveCreate.EMPTY;
        assertThat(rc(t, p, none, template(SIGNER, new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 2048, 0),
                "l", "c").toTemplate())).isEqualTo(TpmRc.TYPE.atParameter(2));
        // sensitiveDataOrigin: TPM_RC_ATTRIBUTES without an index, as ms-tpm returns it
        assertThat(rc(t, p, none, template(SIGNER.with(TpmaObject.SENSITIVE_DATA_ORIGIN), P256, "l", "c").toTemplate()))
                .isEqualTo(TpmRc.ATTRIBUTES);
        assertThat(rc(t, p, none, template(TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), P256, "l", "c")
                .toTemplate())).isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        assertThat(rc(t, p, none, template(SIGNER.with(TpmaObject.FIXED_TPM), P256, "l", "c").toTemplate()))
                .isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // a storage key's symmetric definition must be its parent's, which a keyed-hash parent has not
        TpmaObject storage = TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED,
                TpmaObject.DECRYPT);
        assertThat(rc(t, p, none, template(storage, new TpmsEccParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtEccScheme.NULL,
                Templates.NIST_P256, TpmtKdfScheme.NULL), "l", "c").toTemplate())).isEqualTo(TpmRc.SYMMETRIC.atParameter(2));
        assertThat(rc(t, p, none, template(SIGNER, P256, "x".repeat(33), "c").toTemplate())).isEqualTo(TpmRc.SIZE.atParameter(2));
        byte[] nullName = template(SIGNER, P256, "l", "c").toTemplate().toArray();
        nullName[2] = 0;
        nullName[3] = 0x10;
        assertThat(rc(t, p, none, Bytes.wrap(nullName))).isEqualTo(TpmRc.HASH.atParameter(2));
        // a TPMS_DERIVE in inSensitive.data: a long label is TPM_RC_SIZE, a short buffer TPM_RC_INSUFFICIENT, no index
        Bytes empty = template(SIGNER, P256, "", "").toTemplate();
        assertThat(rc(t, p, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(HexFormat.of().parseHex("0021" + "78".repeat(33)
                + "0000"))), empty)).isEqualTo(TpmRc.SIZE);
        assertThat(rc(t, p, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(new byte[] {0})), empty)).isEqualTo(TpmRc.INSUFFICIENT);
        assertThat(rc(t, p, new TpmsSensitiveCreate(Secret.of(filled(33)), Secret.EMPTY), empty)).isEqualTo(TpmRc.SIZE.atParameter(1));
        // a derivation parent is no parent for TPM2_Create and TPM2_Load; a derived signing key is none for CreateLoaded
        assertThat(t.run(new Create(p, none, ObjectCommandsTest.eccSigner(Templates.NIST_P256), Bytes.EMPTY,
                ObjectCommandsTest.NO_PCRS)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
        assertThat(t.run(new Load(p, Bytes.wrap(new byte[40]), ObjectCommandsTest.eccSigner(Templates.NIST_P256))).rc())
                .isEqualTo(TpmRc.TYPE.atHandle(1));
        int signer = derive(t, p, template(SIGNER, P256, "l", "c")).objectHandle();
        assertThat(rc(t, signer, none, empty)).isEqualTo(TpmRc.TYPE.atHandle(1));
        // every slot taken
        derive(t, p, template(SIGNER, P256, "l", "d"));
        assertThat(rc(t, p, none, empty)).isEqualTo(TpmRc.OBJECT_MEMORY);
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0x5a);
        return b;
    }
}
