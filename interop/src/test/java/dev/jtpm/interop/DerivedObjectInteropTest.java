package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.ObjectChangeAuth;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.TestParms;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsDerive;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtDerivedTemplate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtPublicParms;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuPublicParms;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Derived objects (Part 1, 27.1; TPM2_CreateLoaded under a derivation parent, Part 3, 12.9) end to end:
 * jtpm and swtpm 0.7.1 (libtpms) given the same derivation-parent secret (a keyed-hash parent's caller
 * data) derive the same public key and Name from the same label and context; the keys derived work
 * (ECDSA verified by the JDK and by openssl, HMAC recomputed from the KDF by hand); derivation is
 * deterministic across flush/ContextLoad of the parent and across a server restart with a persistent
 * parent; bad templates get swtpm's codes. tpm2-tools drives it too: {@code tpm2_create -c} under a
 * {@code tpm2_createprimary -G xor} parent sends TPM2_CreateLoaded with an empty label and context.
 */
class DerivedObjectInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final byte[] SECRET = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    /** noDA: libtpms answers the first use of a DA-protected entity after startup with TPM_RC_RETRY (USE_DA_USED). */
    private static final TpmaObject DERIVATION_PARENT = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA,
            TpmaObject.RESTRICTED, TpmaObject.DECRYPT);
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA,
            TpmaObject.SIGN_ENCRYPT);

    /** A TPM reached over the swtpm socket protocol, one raw command at a time. */
    private record Tpm(TpmDevice device) implements AutoCloseable {
        static Tpm at(String tcti) {
            return new Tpm(SwtpmSocketTransport.tcp("127.0.0.1", Integer.parseInt(tcti.substring(tcti.lastIndexOf('=') + 1))));
        }

        <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(C command) {
            try {
                return CommandBytes.decode(command, device.execute(CommandBytes.encode(command), 0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The response code, "ok" for success: compared across TPMs. */
        <R extends Record, C extends Record & TpmCommand<R>> String outcome(C command) {
            CommandBytes.Result<R> r = run(command);
            if (r.ok() && r.response() instanceof CreateLoadedResponse l) run(new FlushContext(l.objectHandle()));
            return r.ok() ? "ok" : String.format("0x%x", r.rc().value());
        }

        @Override
        public void close() throws IOException { device.close(); }
    }

    private static TpmtKeyedhashScheme xor(int hash) {
        return new TpmtKeyedhashScheme(TpmAlg.XOR, new TpmuSchemeKeyedhash.Xor(hash, TpmAlg.KDF1_SP800_108));
    }

    /** A primary derivation parent whose secret is {@code secret} (sensitiveDataOrigin clear, so not fixedTPM). */
    private static int parent(Tpm t, byte[] secret) {
        return t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(secret)),
                TpmtPublic.of(TpmAlg.SHA256, DERIVATION_PARENT, Bytes.EMPTY, new TpmsKeyedhashParms(xor(TpmAlg.SHA256))),
                Bytes.EMPTY, NO_PCRS)).orThrow().objectHandle();
    }

    private static TpmtDerivedTemplate derived(int nameAlg, TpmaObject attrs, TpmuPublicParms parms, String label, String context) {
        return TpmtDerivedTemplate.of(nameAlg, attrs, Bytes.EMPTY, parms, new TpmsDerive(
                Bytes.wrap(label.getBytes(StandardCharsets.US_ASCII)), Bytes.wrap(context.getBytes(StandardCharsets.US_ASCII))));
    }

    private static TpmsEccParms ecdsa(int curve, int hash) {
        return new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, hash), curve, TpmtKdfScheme.NULL);
    }

    /**
     * The derived objects compared: ECC P-256 and P-384, HMAC and XOR keyed-hash objects, AES, and derivation
     * parents (whose unique field is an HMAC keyed with the seedValue, not a hash), one of them derived from in turn.
     */
    private static Map<String, TpmtDerivedTemplate> templates() {
        Map<String, TpmtDerivedTemplate> m = new LinkedHashMap<>();
        m.put("ecc p256", derived(TpmAlg.SHA256, SIGNER, ecdsa(Templates.NIST_P256, TpmAlg.SHA256), "label", "context"));
        m.put("ecc p384", derived(TpmAlg.SHA384, SIGNER, ecdsa(Templates.NIST_P384, TpmAlg.SHA384), "", "only a context"));
        m.put("ecc empty", derived(TpmAlg.SHA256, SIGNER, ecdsa(Templates.NIST_P256, TpmAlg.SHA256), "", ""));
        m.put("hmac", derived(TpmAlg.SHA256, SIGNER, new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)),
                "hmac", "k1"));
        m.put("hmac sha512", derived(TpmAlg.SHA1, SIGNER, new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA512)),
                "label\0", "k2"));
        m.put("aes", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.DECRYPT, TpmaObject.SIGN_ENCRYPT), new TpmsSymcipherParms(TpmtSymDefObject.aes(256, TpmAlg.CFB)),
                "aes", "k3"));
        m.put("derivation parent", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.NO_DA, TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsKeyedhashParms(xor(TpmAlg.SHA384)), "child", "parent"));
        m.put("derivation parent, xor sha256", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.NO_DA, TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsKeyedhashParms(xor(TpmAlg.SHA256)), "child", "parent"));
        m.put("unrestricted xor sha384", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.NO_DA, TpmaObject.DECRYPT), new TpmsKeyedhashParms(xor(TpmAlg.SHA384)), "child", "parent"));
        m.put("hmac sha384", derived(TpmAlg.SHA256, SIGNER, new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA384)),
                "child", "parent"));
        m.put("derivation parent, nameAlg sha384", derived(TpmAlg.SHA384, TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.NO_DA, TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsKeyedhashParms(xor(TpmAlg.SHA384)), "child", "parent"));
        return m;
    }

    private static List<String> deriveAll(Tpm t) {
        int p = parent(t, SECRET);
        List<String> out = new ArrayList<>();
        for (var e : templates().entrySet()) {
            CreateLoadedResponse r = t.run(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY, e.getValue().toTemplate())).orThrow();
            assertThat(r.outPrivate()).as(e.getKey()).isEqualTo(Bytes.EMPTY);
            out.add(e.getKey() + " " + HEX.formatHex(r.outPublic().marshal().toArray()) + " " + r.name());
            if (e.getKey().equals("derivation parent")) {
                // a derived derivation parent derives in turn
                CreateLoadedResponse g = t.run(new CreateLoaded(r.objectHandle(), TpmsSensitiveCreate.EMPTY,
                        templates().get("ecc p256").toTemplate())).orThrow();
                out.add("grandchild " + HEX.formatHex(g.outPublic().marshal().toArray()));
                t.run(new FlushContext(g.objectHandle())).orThrow();
            }
            t.run(new FlushContext(r.objectHandle())).orThrow();
        }
        // label and context from inSensitive.data when the template's are empty
        TpmtDerivedTemplate empty = templates().get("ecc empty");
        byte[] derive = HEX.parseHex("0005" + HEX.formatHex("label".getBytes()) + "0007" + HEX.formatHex("context".getBytes()));
        CreateLoadedResponse s = t.run(new CreateLoaded(p, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(derive)),
                empty.toTemplate())).orThrow();
        out.add("from sensitive " + s.name());
        t.run(new FlushContext(s.objectHandle())).orThrow();
        t.run(new FlushContext(p)).orThrow();
        return out;
    }

    @Test
    void sameParentSecret_sameLabelAndContext_sameObjectOnJtpmAndSwtpm() throws Exception {
        List<String> reference, ours;
        try (SwtpmReference swtpm = new SwtpmReference(); Tpm t = Tpm.at(swtpm.tcti())) {
            reference = deriveAll(t);
        }
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); Tpm t = Tpm.at(s.tcti())) {
            ours = deriveAll(t);
        }
        assertThat(ours).containsExactlyElementsOf(reference);
        // the label and context read from inSensitive.data give the key of the template that names them
        String fromSensitive = ours.getLast().substring("from sensitive ".length());
        assertThat(ours.getFirst()).endsWith(" " + fromSensitive);
    }

    /** The KDF by hand: HMAC_SHA256(secret, [1]32 || label || 00 || context || [8192]32). */
    private static byte[] firstBlock(byte[] secret, String label, String context) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        mac.update(new byte[] {0, 0, 0, 1});
        mac.update(label.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        mac.update(context.getBytes(StandardCharsets.US_ASCII));
        mac.update(ByteBuffer.allocate(4).putInt(8192).array());
        return mac.doFinal();
    }

    @Test
    void derivedKeys_work_hmacRecomputedFromTheKdf_ecdsaVerifiedByTheJdk() throws Exception {
        byte[] data = "derived".getBytes(StandardCharsets.US_ASCII);
        // the HMAC key is the first digest of the parent's generator
        Mac expected = Mac.getInstance("HmacSHA256");
        expected.init(new SecretKeySpec(firstBlock(SECRET, "hmac", "k1"), "HmacSHA256"));
        byte[] hmac = expected.doFinal(data);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
        for (boolean reference : new boolean[] {true, false}) {
            try (AutoCloseable server = reference ? new SwtpmReference() : JtpmServer.started(Protocol.SWTPM);
                 Tpm t = Tpm.at(server instanceof SwtpmReference r ? r.tcti() : ((JtpmServer) server).tcti())) {
                int p = parent(t, SECRET);
                int h = t.run(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY, templates().get("hmac").toTemplate()))
                        .orThrow().objectHandle();
                assertThat(t.run(new Hmac(h, Bytes.wrap(data), TpmAlg.SHA256)).orThrow().outHMAC().toArray())
                        .as(reference ? "swtpm" : "jtpm").isEqualTo(hmac);
                t.run(new FlushContext(h)).orThrow();
                CreateLoadedResponse k = t.run(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY,
                        templates().get("ecc p256").toTemplate())).orThrow();
                TpmuSignature.Ecc sig = (TpmuSignature.Ecc) t.run(new Sign(k.objectHandle(), Bytes.wrap(digest),
                        TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket())).orThrow()
                        .signature().signature();
                Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
                v.initVerify(jdkKey((TpmsEccPoint) k.outPublic().unique()));
                v.update(data);
                assertThat(v.verify(concat(sig.signatureR().toArray(), sig.signatureS().toArray()))).isTrue();
            }
        }
    }

    private static ECPublicKey jdkKey(TpmsEccPoint q) throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())), spec));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void derivation_isDeterministic_acrossContextLoadOfTheParent_andARestartWithAPersistentParent() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            TpmtDerivedTemplate a = templates().get("ecc p256");
            TpmtDerivedTemplate b = derived(TpmAlg.SHA256, SIGNER, ecdsa(Templates.NIST_P256, TpmAlg.SHA256), "label", "other");
            Bytes first, other, afterContextLoad;
            try (Tpm t = Tpm.at(s.tcti())) {
                int p = parent(t, SECRET);
                first = name(t, p, a);
                other = name(t, p, b);
                var saved = t.run(new ContextSave(p)).orThrow().context();
                t.run(new FlushContext(p)).orThrow();
                int reloaded = t.run(new ContextLoad(saved)).orThrow().loadedHandle();
                afterContextLoad = name(t, reloaded, a);
                t.run(new EvictControl(TpmRh.OWNER, reloaded, 0x81000042)).orThrow();
                t.run(new FlushContext(reloaded)).orThrow();
            }
            assertThat(other).isNotEqualTo(first);
            assertThat(afterContextLoad).isEqualTo(first);
            s.restart();
            try (Tpm t = Tpm.at(s.tcti())) {
                assertThat(name(t, 0x81000042, a)).isEqualTo(first);
                assertThat(name(t, 0x81000042, b)).isEqualTo(other);
            }
        }
    }

    private static Bytes name(Tpm t, int parent, TpmtDerivedTemplate template) {
        CreateLoadedResponse r = t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, template.toTemplate())).orThrow();
        t.run(new FlushContext(r.objectHandle())).orThrow();
        return r.name();
    }

    /** Refusals, each sent to both TPMs under the same parent. */
    private static Map<String, String> refusals(Tpm t) {
        int p = parent(t, SECRET);
        Map<String, String> out = new LinkedHashMap<>();
        TpmsEccParms p256 = ecdsa(Templates.NIST_P256, TpmAlg.SHA256);
        java.util.function.BiConsumer<String, TpmtDerivedTemplate> send = (what, template) ->
                out.put(what, t.outcome(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY, template.toTemplate())));
        send.accept("rsa", derived(TpmAlg.SHA256, SIGNER, new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL,
                2048, 0), "l", "c"));
        send.accept("sensitiveDataOrigin", derived(TpmAlg.SHA256, SIGNER.with(TpmaObject.SENSITIVE_DATA_ORIGIN), p256, "l", "c"));
        send.accept("not fixedParent", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT), p256, "l", "c"));
        send.accept("fixedTPM under a parent that is not", derived(TpmAlg.SHA256, SIGNER.with(TpmaObject.FIXED_TPM), p256,
                "l", "c"));
        send.accept("sign and decrypt restricted", derived(TpmAlg.SHA256, SIGNER.with(TpmaObject.RESTRICTED)
                .with(TpmaObject.DECRYPT), p256, "l", "c"));
        send.accept("storage key", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsEccParms(TpmtSymDefObject.aes(128, TpmAlg.CFB),
                TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL), "l", "c"));
        send.accept("storage key, other nameAlg", derived(TpmAlg.SHA384, TpmaObject.of(TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsEccParms(
                TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL), "l", "c"));
        send.accept("symmetric storage key", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.DECRYPT), new TpmsSymcipherParms(
                TpmtSymDefObject.aes(128, TpmAlg.CFB)), "l", "c"));
        send.accept("ecc kdf", derived(TpmAlg.SHA256, SIGNER, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                TpmtKdfScheme.of(TpmAlg.KDF1_SP800_108, TpmAlg.SHA256)), "l", "c"));
        send.accept("hmac scheme on a decrypt key", derived(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT), new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)),
                "l", "c"));
        send.accept("label of 32", derived(TpmAlg.SHA256, SIGNER, p256, "x".repeat(32), "c"));
        send.accept("label of 33", derived(TpmAlg.SHA256, SIGNER, p256, "x".repeat(33), "c"));
        send.accept("context of 33", derived(TpmAlg.SHA256, SIGNER, p256, "l", "y".repeat(33)));
        // raw templates: nameAlg TPM_ALG_NULL, a trailing octet, a truncated TPMS_DERIVE
        Bytes good = derived(TpmAlg.SHA256, SIGNER, p256, "l", "c").toTemplate();
        byte[] nullName = good.toArray();
        nullName[2] = 0;
        nullName[3] = 0x10;
        out.put("nameAlg null", t.outcome(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY, Bytes.wrap(nullName))));
        out.put("trailing octet", t.outcome(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY,
                Bytes.wrap(concat(good.toArray(), new byte[1])))));
        out.put("truncated", t.outcome(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY,
                Bytes.wrap(java.util.Arrays.copyOf(good.toArray(), good.size() - 1)))));
        // inSensitive.data that is no TPMS_DERIVE, or one with a long label, or with octets after it
        TpmtDerivedTemplate empty = derived(TpmAlg.SHA256, SIGNER, p256, "", "");
        for (String data : new String[] {"00", "0021" + "78".repeat(33) + "0000", "0001780001790000", "00017800"}) {
            out.put("sensitive " + data, t.outcome(new CreateLoaded(p, new TpmsSensitiveCreate(Secret.EMPTY,
                    Secret.of(HEX.parseHex(data))), empty.toTemplate())));
        }
        // userAuth longer than the nameAlg's digest
        out.put("long auth", t.outcome(new CreateLoaded(p, new TpmsSensitiveCreate(Secret.of(filled(33)), Secret.EMPTY), good)));
        // a derivation parent is no parent for TPM2_Create and TPM2_Load
        out.put("create", t.outcome(new Create(p, TpmsSensitiveCreate.EMPTY, TpmtPublic.of(TpmAlg.SHA256,
                SIGNER.with(TpmaObject.SENSITIVE_DATA_ORIGIN), Bytes.EMPTY, p256), Bytes.EMPTY, NO_PCRS)));
        out.put("load", t.outcome(new Load(p, Bytes.wrap(new byte[40]), TpmtPublic.of(TpmAlg.SHA256,
                SIGNER, Bytes.EMPTY, p256))));
        // derivation-parent templates: XOR with KDF1_SP800_108 is required of a restricted key
        for (int kdf : new int[] {TpmAlg.KDF1_SP800_108, TpmAlg.NULL}) {
            TpmtKeyedhashScheme scheme = new TpmtKeyedhashScheme(TpmAlg.XOR, new TpmuSchemeKeyedhash.Xor(TpmAlg.SHA256, kdf));
            out.put("parent kdf " + kdf, t.outcome(new CreateLoaded(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY,
                    Secret.of(SECRET)), TpmtPublic.of(TpmAlg.SHA256, DERIVATION_PARENT, Bytes.EMPTY,
                    new TpmsKeyedhashParms(scheme)).toTemplate())));
            out.put("unrestricted xor kdf " + kdf, t.outcome(new CreateLoaded(TpmRh.OWNER, new TpmsSensitiveCreate(
                    Secret.EMPTY, Secret.of(SECRET)), TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.USER_WITH_AUTH,
                    TpmaObject.DECRYPT), Bytes.EMPTY, new TpmsKeyedhashParms(scheme)).toTemplate())));
            out.put("testparms " + kdf, t.outcome(new TestParms(new TpmtPublicParms(TpmAlg.KEYEDHASH,
                    new TpmsKeyedhashParms(scheme)))));
        }
        out.put("fixedTPM parent with caller data", t.outcome(new CreateLoaded(TpmRh.OWNER, new TpmsSensitiveCreate(
                Secret.EMPTY, Secret.of(SECRET)), TpmtPublic.of(TpmAlg.SHA256, DERIVATION_PARENT.with(TpmaObject.FIXED_TPM)
                .with(TpmaObject.FIXED_PARENT), Bytes.EMPTY, new TpmsKeyedhashParms(xor(TpmAlg.SHA256))).toTemplate())));
        // ObjectChangeAuth of a derived object under its derivation parent: compared by the caller (a deliberate
        // difference); the TPM goes on working either way
        int k = t.run(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY, good)).orThrow().objectHandle();
        out.put("changeauth", t.outcome(new ObjectChangeAuth(k, p, Secret.of(new byte[] {1}))));
        out.put("after changeauth", t.outcome(new CreateLoaded(p, TpmsSensitiveCreate.EMPTY, good)));
        t.run(new FlushContext(k));
        t.run(new FlushContext(p));
        return out;
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0x55);
        return b;
    }

    @Test
    void refusals_carryTheCodesSwtpmGives() throws Exception {
        Map<String, String> reference, ours;
        try (SwtpmReference swtpm = new SwtpmReference(); Tpm t = Tpm.at(swtpm.tcti())) {
            reference = refusals(t);
        }
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); Tpm t = Tpm.at(s.tcti())) {
            ours = refusals(t);
        }
        // libtpms wraps the private area with the keyed-hash parent's scheme read as a symmetric definition and
        // answers success, though no command can load the result (a derivation parent is no parent for Load);
        // jtpm, which protects children only under storage parents, answers TPM_RC_TYPE for parentHandle
        assertThat(reference.remove("changeauth")).isEqualTo("ok");
        assertThat(ours.remove("changeauth")).isEqualTo("0x28a");
        assertThat(ours).containsExactlyEntriesOf(reference);
        // every case but the accepted ones is a refusal
        assertThat(ours.get("label of 32")).isEqualTo("ok");
        assertThat(ours.get("rsa")).isNotEqualTo("ok");
    }

    // ------------------------------------------------------------------ tpm2-tools

    private static String path(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run tpm2(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        return r;
    }

    /** tpm2_createprimary -G xor, then tpm2_create -c (TPM2_CreateLoaded) twice, tpm2_sign, openssl verifies. */
    private static List<String> tools(String tcti, Path dir) throws Exception {
        String parent = path(dir, "parent.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "xor", "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt", "-c", parent).ok();
        List<String> out = new ArrayList<>();
        // the KDF of derivation parents is reported as libtpms reports it
        String caps = tpm2(tcti, "tpm2_getcap", "algorithms").ok().out();
        int at = caps.indexOf("kdf1_sp800_108:");
        out.add(at < 0 ? "no kdf1_sp800_108" : caps.substring(at, caps.indexOf('\n', caps.indexOf("method", at))));
        for (String[] key : new String[][] {{"ecc256:ecdsa", "fixedtpm|fixedparent|userwithauth|sign"},
                {"hmac", "fixedtpm|fixedparent|userwithauth|sign"},
                {"aes128cfb", "fixedtpm|fixedparent|userwithauth|decrypt|sign"},
                {"ecc256:ecdsa", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign"},
                {"ecc256:ecdsa", "fixedparent|userwithauth|sign"}}) {
            String ctx1 = path(dir, "k1.ctx"), ctx2 = path(dir, "k2.ctx"), pub1 = path(dir, "k1.pub"), pub2 = path(dir, "k2.pub");
            Tools.Run r = tpm2(tcti, "tpm2_create", "-Q", "-C", parent, "-G", key[0], "-a", key[1], "-u", pub1, "-c", ctx1);
            out.add(key[0] + " " + key[1] + " " + r.outcome());
            if (r.exit() != 0) continue;
            tpm2(tcti, "tpm2_create", "-Q", "-C", parent, "-G", key[0], "-a", key[1], "-u", pub2, "-c", ctx2).ok();
            assertThat(Files.readAllBytes(Path.of(pub2))).as("deterministic").isEqualTo(Files.readAllBytes(Path.of(pub1)));
            if (key[0].startsWith("ecc")) {
                // the key context is a ContextSave'd derived object: tpm2_sign ContextLoads it
                Path msg = dir.resolve("msg");
                Files.writeString(msg, "signed by a derived key");
                String sig = path(dir, "sig"), pem = path(dir, "k.pem");
                tpm2(tcti, "tpm2_sign", "-c", ctx1, "-g", "sha256", "-f", "plain", "-o", sig, msg.toString()).ok();
                tpm2(tcti, "tpm2_readpublic", "-Q", "-c", ctx1, "-f", "pem", "-o", pem).ok();
                Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", pem, "-signature", sig, msg.toString()).ok();
            } else if (key[0].equals("hmac")) {
                Path msg = dir.resolve("msg");
                Files.writeString(msg, "hmac");
                tpm2(tcti, "tpm2_hmac", "-c", ctx1, "-g", "sha256", "-o", path(dir, "h1"), msg.toString()).ok();
                tpm2(tcti, "tpm2_hmac", "-c", ctx2, "-g", "sha256", "-o", path(dir, "h2"), msg.toString()).ok();
                assertThat(Files.readAllBytes(dir.resolve("h1"))).isEqualTo(Files.readAllBytes(dir.resolve("h2")));
            }
        }
        return out;
    }

    @Test
    void tpm2Create_underAnXorParent_derivesTheSameKeyEachTime_andOpensslVerifiesItsSignature() throws Exception {
        List<String> reference, ours;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = tools(swtpm.tcti(), Files.createTempDirectory("derive-swtpm"));
        }
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            ours = tools(s.tcti(), Files.createTempDirectory("derive-jtpm"));
        }
        assertThat(ours).containsExactlyElementsOf(reference);
        assertThat(ours.getFirst()).contains("value:      0x22").contains("hash:       1").contains("method:     1");
        assertThat(ours.get(1)).endsWith(" ok");
    }
}
