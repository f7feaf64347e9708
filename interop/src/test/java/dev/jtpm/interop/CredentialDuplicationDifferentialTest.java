package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.Kdf;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.ActivateCredential;
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
import dev.jtpm.types.command.MakeCredential;
import dev.jtpm.types.command.MakeCredentialResponse;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.Rewrap;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;

/**
 * Wrong uses of TPM2_ActivateCredential, TPM2_MakeCredential, TPM2_Duplicate, TPM2_Import and TPM2_Rewrap answer
 * the same response codes on jtpm as on swtpm 0.7.1 (libtpms 0.9). Each TPM makes its own keys and blobs from the
 * same commands; the cases change them the same way (every octet of a credential blob, of a duplication blob with
 * and without wrappers, of the encrypted seeds; wrong secrets, keys, parents, attributes and symmetric
 * definitions), so the codes must agree case by case.
 */
class CredentialDuplicationDifferentialTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmtSymDefObject AES128 = TpmtSymDefObject.aes(128, TpmAlg.CFB);
    private static final TpmaObject STORAGE = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA, TpmaObject.RESTRICTED, TpmaObject.DECRYPT);
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.NO_DA, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject DUPLICABLE = TpmaObject.of(TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH,
            TpmaObject.NO_DA, TpmaObject.SIGN_ENCRYPT);
    private static final Bytes DUP_POLICY = hash(new byte[32], u32(TpmCc.POLICY_COMMAND_CODE), u32(TpmCc.DUPLICATE));
    private static final Bytes CREDENTIAL = Bytes.fromHex("0123456789abcdef0123456789abcdef");

    // ---------------------------------------------------------------- octets

    private static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    private static byte[] u16(int v) { return new byte[] {(byte) (v >>> 8), (byte) v}; }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    private static Bytes hash(byte[]... parts) {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) md.update(p);
            return Bytes.wrap(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static Bytes flip(Bytes b, int i, int mask) {
        byte[] c = b.toArray();
        c[i] ^= (byte) mask;
        return Bytes.wrap(c);
    }

    // ---------------------------------------------------------------- one TPM

    /** A TPM behind the swtpm socket protocol and what the cases need on it. */
    private static final class Side implements AutoCloseable {
        final TpmDevice device;
        int rsaSrk, eccSrk, signer, symParent, ak, child, fixedChild, encDupChild;
        TpmtPublic rsaSrkPublic, childPublic;
        Bytes akName, childName;

        Side(int port) { device = SwtpmSocketTransport.tcp("127.0.0.1", port); }

        byte[] raw(byte[] command) {
            try {
                for (int attempt = 0; ; attempt++) {
                    byte[] r = device.execute(command, 0);
                    if (RawCommands.rc(r) != 0x922 || attempt == 5) return r;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(C command) {
            return CommandBytes.decode(command, raw(CommandBytes.encode(command)));
        }

        /** The command with the given sessions (handles) in place of empty password sessions. */
        <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> runWith(C command, int... sessions) {
            byte[] bytes = CommandBytes.encode(command, java.util.Collections.nCopies(sessions.length, Bytes.EMPTY));
            int handles = TpmCodec.of(command.getClass()).handleCount();
            for (int i = 0; i < sessions.length; i++) System.arraycopy(u32(sessions[i]), 0, bytes, 10 + 4 * handles + 4 + 9 * i, 4);
            return CommandBytes.decode(command, raw(bytes));
        }

        int primary(TpmtPublic template) {
            var res = run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS));
            if (!res.ok()) throw new IllegalStateException("CreatePrimary " + template + ": " + res.rc());
            CreatePrimaryResponse r = res.response();
            if (template.objectAttributes().decrypt() && template.type() == TpmAlg.RSA) rsaSrkPublic = r.outPublic();
            return r.objectHandle();
        }

        int load(int parent, TpmaObject attributes) {
            var res = run(new Create(parent, TpmsSensitiveCreate.EMPTY, signer(attributes, DUP_POLICY), Bytes.EMPTY, NO_PCRS));
            if (!res.ok()) throw new IllegalStateException("Create " + attributes + ": " + res.rc());
            CreateResponse c = res.response();
            var l = run(new Load(parent, c.outPrivate(), c.outPublic())).orThrow();
            if (attributes.equals(DUPLICABLE)) {
                childPublic = c.outPublic();
                childName = l.name();
            }
            return l.objectHandle();
        }

        /** The outcome of {@code command}: "ok" or the code; a new object is flushed. */
        <R extends Record, C extends Record & TpmCommand<R>> String outcome(CommandBytes.Result<R> r) {
            return r.ok() ? "ok" : String.format("0x%03x", r.rc().value());
        }

        /** Duplicate in a fresh PolicyCommandCode(TPM2_Duplicate) session, flushed afterwards. */
        CommandBytes.Result<DuplicateResponse> duplicate(int object, int newParent, Bytes keyIn, TpmtSymDefObject sym) {
            int s = run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(16), Bytes.EMPTY, TpmSe.POLICY, TpmtSymDef.NULL,
                    TpmAlg.SHA256)).orThrow().sessionHandle();
            run(new PolicyCommandCode(s, TpmCc.DUPLICATE)).orThrow();
            var r = runWith(new Duplicate(object, newParent, keyIn, sym), s);
            run(new FlushContext(s));
            return r;
        }

        @Override
        public void close() throws IOException { device.close(); }
    }

    private static TpmtPublic signer(TpmaObject attributes, Bytes policy) {
        return TpmtPublic.of(TpmAlg.SHA256, attributes, policy, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    /** Only three object slots: the SRKs and a third key at a time, so the objects are re-made per phase. */
    private static void setUp(Side s) {
        s.rsaSrk = s.primary(TpmtPublic.of(TpmAlg.SHA256, STORAGE, Bytes.EMPTY,
                new TpmsRsaParms(AES128, TpmtRsaScheme.NULL, 2048, 0)));
        s.eccSrk = s.primary(TpmtPublic.of(TpmAlg.SHA256, STORAGE, Bytes.EMPTY,
                new TpmsEccParms(AES128, TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL)));
    }

    /** RSA-OAEP(SHA-256, label) of {@code seed} to an RSA public area (the other side of a seed). */
    private static Bytes oaep(TpmtPublic pub, String label, byte[] seed) throws Exception {
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) pub.unique()).n().toArray());
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537))),
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                        new PSource.PSpecified((label + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        return Bytes.wrap(c.doFinal(seed));
    }

    /** Records one case: the outcomes on jtpm and swtpm. */
    private static void compare(Map<String, String[]> cases, String name, String jtpm, String swtpm) {
        cases.put(name, new String[] {jtpm, swtpm});
    }

    @Test
    void wrongUses_sameResponseCodesAsSwtpm() throws Exception {
        Tools.require("swtpm");
        Map<String, String[]> cases = new LinkedHashMap<>();
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             Side j = new Side(jtpm.port());
             Side s = new Side(ref.port())) {
            List<Side> both = List.of(j, s);
            for (Side x : both) setUp(x);

            // ---- credentials: the RSA and ECC SRKs as the keys, an ECC signer as the activated object
            for (Side x : both) x.ak = x.primary(signer(SIGNER, Bytes.EMPTY));
            for (int ecc = 0; ecc < 2; ecc++) {
                String k = ecc == 0 ? "rsa" : "ecc";
                MakeCredentialResponse[] m = new MakeCredentialResponse[2];
                for (int i = 0; i < 2; i++) {
                    Side x = both.get(i);
                    Bytes akName = x.run(new dev.jtpm.types.command.ReadPublic(x.ak)).orThrow().name();
                    x.akName = akName;
                    m[i] = x.run(new MakeCredential(ecc == 0 ? x.rsaSrk : x.eccSrk, CREDENTIAL, akName)).orThrow();
                }
                for (int octet = 0; octet < m[0].credentialBlob().size(); octet++) {
                    for (int mask : new int[] {0x01, 0x80}) {
                        String[] o = new String[2];
                        for (int i = 0; i < 2; i++) {
                            Side x = both.get(i);
                            o[i] = x.outcome(x.run(new ActivateCredential(x.ak, ecc == 0 ? x.rsaSrk : x.eccSrk,
                                    flip(m[i].credentialBlob(), octet, mask), m[i].secret())));
                        }
                        compare(cases, k + " activate blob octet " + octet + "^" + mask, o[0], o[1]);
                    }
                }
                for (int octet = 0; octet < m[0].secret().size(); octet += (ecc == 0 ? 37 : 1)) {
                    String[] o = new String[2];
                    for (int i = 0; i < 2; i++) {
                        Side x = both.get(i);
                        o[i] = x.outcome(x.run(new ActivateCredential(x.ak, ecc == 0 ? x.rsaSrk : x.eccSrk, m[i].credentialBlob(),
                                flip(m[i].secret(), octet, 0x01))));
                    }
                    compare(cases, k + " activate secret octet " + octet, o[0], o[1]);
                }
                Map<String, java.util.function.Function<Bytes, Bytes>> secrets = new LinkedHashMap<>();
                secrets.put("empty secret", b -> Bytes.EMPTY);
                secrets.put("short secret", b -> Bytes.wrap(Arrays.copyOf(b.toArray(), b.size() - 1)));
                secrets.put("long secret", b -> b.concat(Bytes.zeros(2)));
                secrets.put("zero secret", b -> Bytes.zeros(b.size()));
                for (var e : secrets.entrySet()) {
                    String[] o = new String[2];
                    for (int i = 0; i < 2; i++) {
                        Side x = both.get(i);
                        o[i] = x.outcome(x.run(new ActivateCredential(x.ak, ecc == 0 ? x.rsaSrk : x.eccSrk, m[i].credentialBlob(),
                                e.getValue().apply(m[i].secret()))));
                    }
                    compare(cases, k + " activate " + e.getKey(), o[0], o[1]);
                }
                String[] o = new String[6];
                for (int i = 0; i < 2; i++) {
                    Side x = both.get(i);
                    int key = ecc == 0 ? x.rsaSrk : x.eccSrk;
                    o[i] = x.outcome(x.run(new ActivateCredential(key, key, m[i].credentialBlob(), m[i].secret())));  // wrong object
                    o[2 + i] = x.outcome(x.run(new ActivateCredential(x.ak, x.ak, m[i].credentialBlob(), m[i].secret()))); // signer
                    o[4 + i] = x.outcome(x.run(new MakeCredential(x.ak, CREDENTIAL, x.akName)));
                }
                compare(cases, k + " activate for another object", o[0], o[1]);
                compare(cases, k + " activate with a signing key", o[2], o[3]);
                compare(cases, k + " makecredential with a signing key", o[4], o[5]);
            }
            String[] o = new String[4];
            for (int i = 0; i < 2; i++) {
                Side x = both.get(i);
                o[i] = x.outcome(x.run(new MakeCredential(x.rsaSrk, Bytes.zeros(33), x.akName)));
                o[2 + i] = x.outcome(x.run(new ActivateCredential(x.ak, x.rsaSrk, Bytes.zeros(20),
                        oaep(x.rsaSrkPublic, "DUPLICATE", new byte[32]))));
            }
            compare(cases, "makecredential 33 octets", o[0], o[1]);
            compare(cases, "activate secret with another label", o[2], o[3]);
            for (Side x : both) x.run(new FlushContext(x.ak)).orThrow();

            // ---- Duplicate: attributes, parents, symmetric definitions
            Map<String, java.util.function.Function<Side, CommandBytes.Result<?>>> dup = new LinkedHashMap<>();
            dup.put("duplicate fixedParent object", x -> {
                int h = x.load(x.rsaSrk, DUPLICABLE.with(TpmaObject.FIXED_TPM | TpmaObject.FIXED_PARENT));
                var r = x.duplicate(h, TpmRh.NULL, Bytes.EMPTY, TpmtSymDefObject.NULL);
                x.run(new FlushContext(h));
                return r;
            });
            dup.put("duplicate encryptedDuplication, no inner", x -> {
                int h = x.load(x.rsaSrk, DUPLICABLE.with(TpmaObject.ENCRYPTED_DUPLICATION));
                var r = x.duplicate(h, x.eccSrk, Bytes.EMPTY, TpmtSymDefObject.NULL);
                x.run(new FlushContext(h));
                return r;
            });
            dup.put("duplicate encryptedDuplication to NULL", x -> {
                int h = x.load(x.rsaSrk, DUPLICABLE.with(TpmaObject.ENCRYPTED_DUPLICATION));
                var r = x.duplicate(h, TpmRh.NULL, Bytes.EMPTY, AES128);
                x.run(new FlushContext(h));
                return r;
            });
            List<TpmtSymDefObject> syms = List.of(TpmtSymDefObject.NULL, AES128, TpmtSymDefObject.aes(256, TpmAlg.CFB),
                    TpmtSymDefObject.aes(128, TpmAlg.ECB), TpmtSymDefObject.aes(128, TpmAlg.CBC),
                    new TpmtSymDefObject(TpmAlg.CAMELLIA, new dev.jtpm.types.structure.TpmuSymKeyBits.Camellia(128),
                            new dev.jtpm.types.structure.TpmuSymMode.Block(TpmAlg.CAMELLIA, TpmAlg.CFB)));
            for (TpmtSymDefObject sym : syms) {
                for (int keySize : new int[] {0, 15, 16, 32}) {
                    dup.put("duplicate sym " + sym + " key " + keySize, x -> {
                        int h = x.load(x.rsaSrk, DUPLICABLE);
                        var r = x.duplicate(h, x.eccSrk, Bytes.zeros(keySize), sym);
                        x.run(new FlushContext(h));
                        return r;
                    });
                }
            }
            dup.put("duplicate to a signing key", x -> {
                int h = x.load(x.rsaSrk, DUPLICABLE);
                x.run(new FlushContext(x.eccSrk));
                int k = x.primary(signer(SIGNER, Bytes.EMPTY));
                var r = x.duplicate(h, k, Bytes.EMPTY, TpmtSymDefObject.NULL);
                x.run(new FlushContext(h));
                x.run(new FlushContext(k));
                x.eccSrk = x.primary(TpmtPublic.of(TpmAlg.SHA256, STORAGE, Bytes.EMPTY,
                        new TpmsEccParms(AES128, TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL)));
                return r;
            });
            dup.put("duplicate to a symmetric storage key", x -> {
                int h = x.load(x.rsaSrk, DUPLICABLE);
                x.run(new FlushContext(x.eccSrk));
                int k = x.primary(TpmtPublic.of(TpmAlg.SHA256, STORAGE, Bytes.EMPTY, new TpmsSymcipherParms(AES128)));
                var r = x.duplicate(h, k, Bytes.EMPTY, TpmtSymDefObject.NULL);
                x.run(new FlushContext(h));
                x.run(new FlushContext(k));
                x.eccSrk = x.primary(TpmtPublic.of(TpmAlg.SHA256, STORAGE, Bytes.EMPTY,
                        new TpmsEccParms(AES128, TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL)));
                return r;
            });
            for (var e : dup.entrySet()) {
                String a = j.outcome(e.getValue().apply(j)), b = s.outcome(e.getValue().apply(s));
                compare(cases, e.getKey(), a, b);
            }

            // ---- Import: every octet of blobs with and without wrappers, seeds, keys, parents
            for (int variant = 0; variant < 3; variant++) {
                // 0: outer (ECC SRK) + inner; 1: outer only (RSA... the ECC SRK); 2: no wrapper at all
                TpmtSymDefObject sym = variant == 0 ? AES128 : TpmtSymDefObject.NULL;
                DuplicateResponse[] d = new DuplicateResponse[2];
                for (int i = 0; i < 2; i++) {
                    Side x = both.get(i);
                    int h = x.load(x.rsaSrk, DUPLICABLE);
                    d[i] = x.duplicate(h, variant == 2 ? TpmRh.NULL : x.eccSrk, Bytes.EMPTY, sym).orThrow();
                    x.run(new FlushContext(h)).orThrow();
                }
                final int v = variant;
                java.util.function.BiFunction<Side, Import, String> imp = (x, cmd) -> x.outcome(x.run(cmd));
                for (int octet = 0; octet < d[0].duplicate().size(); octet++) {
                    for (int mask : new int[] {0x01, 0x80}) {
                        String[] r = new String[2];
                        for (int i = 0; i < 2; i++) {
                            Side x = both.get(i);
                            r[i] = imp.apply(x, new Import(v == 2 ? x.rsaSrk : x.eccSrk, d[i].encryptionKeyOut(), x.childPublic,
                                    flip(d[i].duplicate(), octet, mask), d[i].outSymSeed(), sym));
                        }
                        compare(cases, "import variant " + v + " duplicate octet " + octet + "^" + mask, r[0], r[1]);
                    }
                }
                for (int octet = 0; octet < d[0].outSymSeed().size(); octet++) {
                    String[] r = new String[2];
                    for (int i = 0; i < 2; i++) {
                        Side x = both.get(i);
                        r[i] = imp.apply(x, new Import(x.eccSrk, d[i].encryptionKeyOut(), x.childPublic, d[i].duplicate(),
                                flip(d[i].outSymSeed(), octet, 0x01), sym));
                    }
                    compare(cases, "import variant " + v + " seed octet " + octet, r[0], r[1]);
                }
                for (int octet = 0; octet < d[0].encryptionKeyOut().size(); octet++) {
                    String[] r = new String[2];
                    for (int i = 0; i < 2; i++) {
                        Side x = both.get(i);
                        r[i] = imp.apply(x, new Import(x.eccSrk, flip(d[i].encryptionKeyOut(), octet, 0x01), x.childPublic,
                                d[i].duplicate(), d[i].outSymSeed(), sym));
                    }
                    compare(cases, "import variant " + v + " inner key octet " + octet, r[0], r[1]);
                }
                String[] r = new String[10];
                for (int i = 0; i < 2; i++) {
                    Side x = both.get(i);
                    int parent = v == 2 ? x.rsaSrk : x.eccSrk;
                    r[i] = imp.apply(x, new Import(v == 2 ? x.eccSrk : x.rsaSrk, d[i].encryptionKeyOut(), x.childPublic, d[i].duplicate(),
                            d[i].outSymSeed(), sym));  // the wrong parent
                    TpmtPublic p = x.childPublic;
                    TpmtPublic fixed = new TpmtPublic(p.type(), p.nameAlg(), p.objectAttributes().with(TpmaObject.FIXED_TPM),
                            p.authPolicy(), p.parameters(), p.unique());
                    r[2 + i] = imp.apply(x, new Import(parent, d[i].encryptionKeyOut(), fixed, d[i].duplicate(), d[i].outSymSeed(), sym));
                    TpmtPublic encDup = new TpmtPublic(p.type(), p.nameAlg(),
                            p.objectAttributes().with(TpmaObject.ENCRYPTED_DUPLICATION), p.authPolicy(), p.parameters(), p.unique());
                    r[4 + i] = imp.apply(x, new Import(parent, d[i].encryptionKeyOut(), encDup, d[i].duplicate(), d[i].outSymSeed(), sym));
                    r[6 + i] = imp.apply(x, new Import(parent, Bytes.zeros(3), p, d[i].duplicate(), d[i].outSymSeed(), sym));
                    r[8 + i] = imp.apply(x, new Import(parent, d[i].encryptionKeyOut(), p, d[i].duplicate(), d[i].outSymSeed(), sym));
                }
                compare(cases, "import variant " + v + " under the wrong parent", r[0], r[1]);
                compare(cases, "import variant " + v + " fixedTPM public", r[2], r[3]);
                compare(cases, "import variant " + v + " encryptedDuplication public", r[4], r[5]);
                compare(cases, "import variant " + v + " 3-octet key", r[6], r[7]);
                compare(cases, "import variant " + v + " as made", r[8], r[9]);
                // ---- Rewrap of the same blobs
                String[] w = new String[8];
                for (int i = 0; i < 2; i++) {
                    Side x = both.get(i);
                    int old = v == 2 ? TpmRh.NULL : x.eccSrk;
                    w[i] = x.outcome(x.run(new Rewrap(old, x.rsaSrk, d[i].duplicate(), x.childName, d[i].outSymSeed())));
                    w[2 + i] = x.outcome(x.run(new Rewrap(old, x.rsaSrk, flip(d[i].duplicate(), 3, 1), x.childName, d[i].outSymSeed())));
                    w[4 + i] = x.outcome(x.run(new Rewrap(x.rsaSrk, TpmRh.NULL, d[i].duplicate(), x.childName, d[i].outSymSeed())));
                    w[6 + i] = x.outcome(x.run(new Rewrap(old, TpmRh.NULL, d[i].duplicate(), x.childName,
                            d[i].outSymSeed().isEmpty() ? Bytes.zeros(4) : Bytes.EMPTY)));
                }
                compare(cases, "rewrap variant " + v + " to the RSA SRK", w[0], w[1]);
                compare(cases, "rewrap variant " + v + " tampered", w[2], w[3]);
                compare(cases, "rewrap variant " + v + " from the wrong parent", w[4], w[5]);
                compare(cases, "rewrap variant " + v + " seed and parent disagree", w[6], w[7]);
            }
        }
        List<String> differences = new ArrayList<>();
        for (var e : cases.entrySet()) {
            if (!e.getValue()[0].equals(e.getValue()[1])) {
                differences.add(e.getKey() + ": jtpm " + e.getValue()[0] + ", swtpm " + e.getValue()[1]);
            }
        }
        java.nio.file.Files.write(java.nio.file.Path.of("target", "credential-duplication-differences.txt"), differences);
        assertThat(cases.size()).isGreaterThan(500);
        assertThat(differences).as("%d of %d differ", differences.size(), cases.size()).isEmpty();
    }
}
