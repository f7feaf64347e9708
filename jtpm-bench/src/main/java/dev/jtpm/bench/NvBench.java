package dev.jtpm.bench;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.command.ActivateCredential;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.LoadResponse;
import dev.jtpm.types.command.MakeCredential;
import dev.jtpm.types.command.MakeCredentialResponse;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.NvIncrement;
import dev.jtpm.types.command.NvRead;
import dev.jtpm.types.command.NvReadResponse;
import dev.jtpm.types.command.NvUndefineSpace;
import dev.jtpm.types.command.NvWrite;
import dev.jtpm.types.command.Quote;
import dev.jtpm.types.command.QuoteResponse;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsAttest;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsQuoteInfo;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsTaggedProperty;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSignature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * The NV, attestation and credential measurements of the side-by-side runner (issue 8): TPM2_NV_Write and
 * TPM2_NV_Read of an ordinary index, TPM2_NV_Increment of a counter that is written to disk every time and of an
 * orderly (RAM-backed) one, TPM2_Quote with an ECC and an RSA restricted signing key, and TPM2_ActivateCredential
 * with an RSA-2048 EK. Authorization is by empty passwords throughout, so the NV and Quote command bytes are the
 * same for both servers but for the object handles each TPM chose; ActivateCredential's blob and secret are made
 * by each server's own TPM2_MakeCredential for its own EK, so those bytes differ.
 *
 * <p>Before measuring, each fixture proves that its setup works on each server: the NV data read back equals
 * what was written, a counter counts up by one per increment (checked again when the fixture is closed, against
 * the number of increments sent), a quote's attestation names the qualifyingData and PCR selection and its
 * signature verifies with the JDK against the key's public area, and the activated credential equals the one
 * given to MakeCredential. Every measured response is checked for success and, where it carries data (NV_Read,
 * Quote's extraData, ActivateCredential's certInfo), for the expected octets, outside the measured time.
 */
enum NvBench {
    /** TPM2_NV_Write of the whole index (two data patterns alternating), index password. */
    NV_WRITE(Kind.NV_WRITE, 1_000, 300),
    /** TPM2_NV_Read of the whole index, index password. */
    NV_READ(Kind.NV_READ, 10_000, 10_000),
    /** TPM2_NV_Increment of a counter index without TPMA_NV_ORDERLY: each increment changes the NV state on disk. */
    NV_INCREMENT(Kind.NV_INCREMENT, 1_000, 300),
    /** TPM2_NV_Increment of an orderly counter: RAM, except every 256th increment (MAX_ORDERLY_COUNT roll-over). */
    NV_INCREMENT_ORDERLY(Kind.NV_INCREMENT_ORDERLY, 10_000, 10_000),
    /** TPM2_Quote of SHA-256 PCRs 0..7 with an ECC P-256 restricted signing key (ECDSA, SHA-256). */
    QUOTE_ECC(Kind.QUOTE_ECC, 3_000, 3_000),
    /** TPM2_Quote of SHA-256 PCRs 0..7 with an RSA-2048 restricted signing key (RSASSA, SHA-256). */
    QUOTE_RSA(Kind.QUOTE_RSA, 600, 400),
    /** TPM2_ActivateCredential of one blob, again and again, with an RSA-2048 EK and an ECC P-256 AK under it. */
    ACTIVATE_CREDENTIAL(Kind.ACTIVATE_CREDENTIAL, 1_000, 400);

    enum Kind { NV_WRITE, NV_READ, NV_INCREMENT, NV_INCREMENT_ORDERLY, QUOTE_ECC, QUOTE_RSA, ACTIVATE_CREDENTIAL }

    private static final int SHA256 = TpmAlg.SHA256;
    /** The size of the ordinary index: 1 KiB. */
    static final int NV_DATA_SIZE = 1024;
    /** The owner-defined indices (one at a time; each fixture defines its own and undefines it when closed). */
    private static final int DATA_INDEX = 0x01500020, COUNTER_INDEX = 0x01500021;
    private static final TpmlPcrSelection PCR_0_7 = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(SHA256, 0, 1, 2, 3, 4, 5, 6, 7)));
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    /** qualifyingData of every Quote: 16 octets. */
    private static final Bytes QUALIFYING = Bytes.wrap("jtpm bench nonce".getBytes(StandardCharsets.US_ASCII));
    /** The credential every MakeCredential wraps: SHA-256 of "jtpm bench credential". */
    private static final Bytes CREDENTIAL = Bytes.wrap(SessionBench.sha256("jtpm bench credential".getBytes(StandardCharsets.US_ASCII)));
    private static final TpmaObject RESTRICTED_SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.SIGN_ENCRYPT);

    final Kind kind;
    /** Default number of measured commands per server. */
    final int iterations;
    /** Default number of warm-up commands per server. */
    final int warmup;

    NvBench(Kind kind, int iterations, int warmup) {
        this.kind = kind;
        this.iterations = iterations;
        this.warmup = warmup;
    }

    /** How the command is named in reports; {@code nvBytes} is the NV_Write/NV_Read size. */
    String label(int nvBytes) {
        String size = nvBytes == NV_DATA_SIZE ? "1 KiB" : nvBytes + " octets (TPM_PT_NV_BUFFER_MAX)";
        return switch (kind) {
            case NV_WRITE -> "NV_Write (" + size + ", ordinary index, index password; written to disk)";
            case NV_READ -> "NV_Read (" + size + ", ordinary index, index password)";
            case NV_INCREMENT -> "NV_Increment (counter, not orderly: written to disk every time)";
            case NV_INCREMENT_ORDERLY -> "NV_Increment (orderly counter: RAM)";
            case QUOTE_ECC -> "Quote (ECDSA P-256, SHA-256, PCR sha256:0-7)";
            case QUOTE_RSA -> "Quote (RSASSA-2048, SHA-256, PCR sha256:0-7)";
            case ACTIVATE_CREDENTIAL -> "ActivateCredential (RSA-2048 EK, ECC P-256 AK)";
        };
    }

    /** TPM_PT_NV_BUFFER_MAX of the TPM behind {@code c}: the largest NV_Write/NV_Read data. */
    static int nvBufferMax(RawTpmClient c, String server) throws IOException {
        GetCapability gc = new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.NV_BUFFER_MAX, 1);
        var data = CommandBytes.decode(gc, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(gc)), "GetCapability")).orThrow()
                .capabilityData().data();
        if (data instanceof TpmlTaggedTpmProperty l) {
            for (TpmsTaggedProperty p : l.tpmProperty()) if (p.property() == TpmPt.NV_BUFFER_MAX) return p.value();
        }
        throw new IOException(server + ": GetCapability names no TPM_PT_NV_BUFFER_MAX");
    }

    /** Makes this measurement's index, keys or blob on one server and checks that they work. */
    SessionBench.Fixture prepare(RawTpmClient c, String server, int nvBytes) throws IOException {
        try {
            return switch (kind) {
                case NV_WRITE -> nvWrite(c, server, nvBytes);
                case NV_READ -> nvRead(c, server, nvBytes);
                case NV_INCREMENT -> counter(c, server, false);
                case NV_INCREMENT_ORDERLY -> counter(c, server, true);
                case QUOTE_ECC -> quote(c, server, eccSigner());
                case QUOTE_RSA -> quote(c, server, rsaSigner());
                case ACTIVATE_CREDENTIAL -> activate(c, server);
            };
        } catch (GeneralSecurityException e) {
            throw new IOException(server + ": client-side cryptography failed: " + e, e);
        }
    }

    /** A fixture whose measured command is one round trip; {@code check} looks at each response afterwards. */
    private abstract static class OneCommand extends SessionBench.Fixture {
        final List<Integer> toUndefine = new java.util.ArrayList<>();

        OneCommand(RawTpmClient client, String server) { super(client, server); }

        abstract byte[] command(int index);

        abstract void check(byte[] rsp) throws IOException;

        @Override
        long once(int index) throws IOException {
            byte[] cmd = command(index);
            long t0 = System.nanoTime();
            byte[] rsp = client.transact(cmd);
            long t = System.nanoTime() - t0;
            check(rsp);
            return t;
        }

        @Override
        void close() throws IOException {
            super.close();
            for (int nv : toUndefine) {
                expectSuccess(client.transact(CommandBytes.encode(new NvUndefineSpace(TpmRh.OWNER, nv))), "NV_UndefineSpace");
            }
            toUndefine.clear();
        }
    }

    // ---- NV ----

    private static void define(RawTpmClient c, String server, int index, int attributes, int size) throws IOException {
        TpmsNvPublic pub = new TpmsNvPublic(index, SHA256, attributes, Bytes.EMPTY, size);
        expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(new NvDefineSpace(TpmRh.OWNER, Secret.EMPTY, pub))),
                "NV_DefineSpace");
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    private static byte[] writeCommand(byte[] data) {
        return CommandBytes.encode(new NvWrite(DATA_INDEX, DATA_INDEX, Bytes.wrap(data), 0));
    }

    private static byte[] read(RawTpmClient c, String server, int index, int size) throws IOException {
        NvRead r = new NvRead(index, index, size, 0);
        return CommandBytes.decode(r, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(r)), "NV_Read")).orThrow().data().toArray();
    }

    private static final int ORDINARY = TpmaNv.AUTHWRITE | TpmaNv.AUTHREAD;

    private OneCommand nvWrite(RawTpmClient c, String server, int nvBytes) throws IOException {
        define(c, server, DATA_INDEX, ORDINARY, NV_DATA_SIZE);
        byte[][] data = {pattern(nvBytes, 7), pattern(nvBytes, 11)};
        byte[][] writes = {writeCommand(data[0]), writeCommand(data[1])};
        OneCommand f = new OneCommand(c, server) {
            @Override
            byte[] command(int index) { return writes[index & 1]; }

            @Override
            void check(byte[] rsp) throws IOException { expectSuccess(rsp, "NV_Write"); }
        };
        f.toUndefine.add(DATA_INDEX);
        for (int i = 0; i < 2; i++) {
            expect(server, SessionBench.transactRetrying(c, writes[i]), "NV_Write");
            if (!Arrays.equals(read(c, server, DATA_INDEX, nvBytes), data[i])) throw new IOException(server + ": NV_Read after NV_Write differs");
        }
        return f;
    }

    private OneCommand nvRead(RawTpmClient c, String server, int nvBytes) throws IOException {
        define(c, server, DATA_INDEX, ORDINARY, NV_DATA_SIZE);
        byte[] data = pattern(nvBytes, 7);
        expect(server, SessionBench.transactRetrying(c, writeCommand(data)), "NV_Write");
        if (!Arrays.equals(read(c, server, DATA_INDEX, nvBytes), data)) throw new IOException(server + ": NV_Read after NV_Write differs");
        byte[] cmd = CommandBytes.encode(new NvRead(DATA_INDEX, DATA_INDEX, nvBytes, 0));
        OneCommand f = new OneCommand(c, server) {
            @Override
            byte[] command(int index) { return cmd; }

            @Override
            void check(byte[] rsp) throws IOException {
                expectSuccess(rsp, "NV_Read");
                // header, parameterSize, then the TPM2B_MAX_NV_BUFFER
                if (rsp.length < 16 + nvBytes || u16At(rsp, 14) != nvBytes || !Arrays.equals(rsp, 16, 16 + nvBytes, data, 0, nvBytes)) {
                    throw new IOException(server + ": NV_Read returned other data");
                }
            }
        };
        f.toUndefine.add(DATA_INDEX);
        return f;
    }

    private OneCommand counter(RawTpmClient c, String server, boolean orderly) throws IOException {
        int attributes = TpmaNv.withType(ORDINARY | (orderly ? TpmaNv.ORDERLY : 0), TpmaNv.NT_COUNTER);
        define(c, server, COUNTER_INDEX, attributes, 8);
        byte[] inc = CommandBytes.encode(new NvIncrement(COUNTER_INDEX, COUNTER_INDEX));
        expect(server, SessionBench.transactRetrying(c, inc), "NV_Increment (first)");
        long first = counterValue(c, server);
        expect(server, SessionBench.transactRetrying(c, inc), "NV_Increment");
        if (counterValue(c, server) != first + 1) throw new IOException(server + ": the counter did not count up by one");
        OneCommand f = new OneCommand(c, server) {
            long sent;

            @Override
            byte[] command(int index) { return inc; }

            @Override
            void check(byte[] rsp) throws IOException {
                expectSuccess(rsp, "NV_Increment");
                sent++;
            }

            @Override
            void close() throws IOException {
                long now = counterValue(client, server);
                if (now != first + 1 + sent) throw new IOException(server + ": the counter is " + now + " after " + sent + " increments, not " + (first + 1 + sent));
                super.close();
            }
        };
        f.toUndefine.add(COUNTER_INDEX);
        return f;
    }

    private static long counterValue(RawTpmClient c, String server) throws IOException {
        return new BigInteger(1, read(c, server, COUNTER_INDEX, 8)).longValueExact();
    }

    // ---- Quote ----

    static TpmtPublic eccSigner() {
        return TpmtPublic.of(SHA256, RESTRICTED_SIGNER, Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    static TpmtPublic rsaSigner() {
        return TpmtPublic.of(SHA256, RESTRICTED_SIGNER, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL,
                TpmtRsaScheme.of(TpmAlg.RSASSA, SHA256), 2048, 0));
    }

    private OneCommand quote(RawTpmClient c, String server, TpmtPublic template) throws IOException, GeneralSecurityException {
        CreatePrimary cp = new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS);
        CreatePrimaryResponse key = CommandBytes.decode(cp, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(cp)),
                "CreatePrimary (restricted signing key)")).orThrow();
        Quote q = new Quote(key.objectHandle(), QUALIFYING, TpmtSigScheme.NULL, PCR_0_7);
        byte[] cmd = CommandBytes.encode(q);
        byte[] first = expect(server, SessionBench.transactRetrying(c, cmd), "Quote");
        int extraDataAt = verifyQuote(first, key.outPublic(), server);
        OneCommand f = new OneCommand(c, server) {
            @Override
            byte[] command(int index) { return cmd; }

            @Override
            void check(byte[] rsp) throws IOException {
                expectSuccess(rsp, "Quote");
                if (rsp.length < extraDataAt + QUALIFYING.size()
                        || !Arrays.equals(rsp, extraDataAt, extraDataAt + QUALIFYING.size(), QUALIFYING.unsafeArray(), 0, QUALIFYING.size())) {
                    throw new IOException(server + ": Quote names other qualifyingData");
                }
            }
        };
        f.toFlush.add(key.objectHandle());
        return f;
    }

    /**
     * Checks a Quote response: magic, type, extraData, PCR selection, and the signature over the TPMS_ATTEST
     * octets with the JDK. Returns where extraData's octets are in the response (the same in every response).
     */
    static int verifyQuote(byte[] rsp, TpmtPublic key, String server) throws IOException, GeneralSecurityException {
        // header (10), parameterSize (4), TPM2B_ATTEST: size (2) and the TPMS_ATTEST octets, then the signature
        int attestSize = u16At(rsp, 14);
        byte[] attest = Arrays.copyOfRange(rsp, 16, 16 + attestSize);
        QuoteResponse qr = CommandBytes.decode(QuoteResponse.class, rsp).orThrow();
        TpmsAttest a = qr.quoted();
        if (a.magic() != TpmsAttest.TPM_GENERATED_VALUE || a.type() != TpmSt.ATTEST_QUOTE || !a.extraData().equals(QUALIFYING)
                || !(a.attested() instanceof TpmsQuoteInfo qi) || !qi.pcrSelect().equals(PCR_0_7) || qi.pcrDigest().size() != 32) {
            throw new IOException(server + ": the quote is not the expected TPMS_ATTEST: " + a);
        }
        Signature v;
        byte[] sig;
        PublicKey pub;
        if (qr.signature().signature() instanceof TpmuSignature.Ecc e) {
            if (e.sigAlg() != TpmAlg.ECDSA || e.hash() != SHA256) throw new IOException(server + ": not an ECDSA SHA-256 signature");
            TpmsEccPoint point = (TpmsEccPoint) key.unique();
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(new BigInteger(1, point.x().unsafeArray()),
                    new BigInteger(1, point.y().unsafeArray())), p.getParameterSpec(ECParameterSpec.class)));
            v = Signature.getInstance("SHA256withECDSAinP1363Format");
            sig = new byte[64];
            byte[] r = e.signatureR().toArray(), s = e.signatureS().toArray();
            System.arraycopy(r, 0, sig, 32 - r.length, r.length);
            System.arraycopy(s, 0, sig, 64 - s.length, s.length);
        } else if (qr.signature().signature() instanceof TpmuSignature.Rsa r) {
            if (r.sigAlg() != TpmAlg.RSASSA || r.hash() != SHA256) throw new IOException(server + ": not an RSASSA SHA-256 signature");
            BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) key.unique()).n().unsafeArray());
            pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
            v = Signature.getInstance("SHA256withRSA");
            sig = r.sig().toArray();
        } else {
            throw new IOException(server + ": unexpected signature " + qr.signature());
        }
        v.initVerify(pub);
        v.update(attest);
        if (!v.verify(sig)) throw new IOException(server + ": the quote's signature does not verify");
        // extraData: after magic (4), type (2), qualifiedSigner (TPM2B), the size of extraData (2)
        int at = 16 + 4 + 2;
        at += 2 + u16At(rsp, at);
        if (u16At(rsp, at) != QUALIFYING.size()) throw new IOException(server + ": bad extraData size");
        return at + 2;
    }

    // ---- ActivateCredential ----

    private OneCommand activate(RawTpmClient c, String server) throws IOException {
        // the EK: the high-range RSA-2048 template (restricted decrypt, AES-128-CFB, userWithAuth: a password works
        // for keyHandle's USER role), in the endorsement hierarchy
        CreatePrimary cp = new CreatePrimary(TpmRh.ENDORSEMENT, TpmsSensitiveCreate.EMPTY, Templates.EK_RSA_2048_HIGH, Bytes.EMPTY, NO_PCRS);
        CreatePrimaryResponse ek = CommandBytes.decode(cp, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(cp)),
                "CreatePrimary (EK)")).orThrow();
        // the AK under it: a restricted ECC signing key, adminWithPolicy clear (a password works for the ADMIN role)
        Create create = new Create(ek.objectHandle(), TpmsSensitiveCreate.EMPTY, eccSigner(), Bytes.EMPTY, NO_PCRS);
        CreateResponse ak = CommandBytes.decode(create, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(create)),
                "Create (AK)")).orThrow();
        Load load = new Load(ek.objectHandle(), ak.outPrivate(), ak.outPublic());
        LoadResponse loaded = CommandBytes.decode(load, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(load)), "Load (AK)")).orThrow();
        MakeCredential mc = new MakeCredential(ek.objectHandle(), CREDENTIAL, loaded.name());
        MakeCredentialResponse blob = CommandBytes.decode(mc, expect(server, SessionBench.transactRetrying(c, CommandBytes.encode(mc)),
                "MakeCredential")).orThrow();
        byte[] cmd = CommandBytes.encode(new ActivateCredential(loaded.objectHandle(), ek.objectHandle(), blob.credentialBlob(), blob.secret()));
        OneCommand f = new OneCommand(c, server) {
            @Override
            byte[] command(int index) { return cmd; }

            @Override
            void check(byte[] rsp) throws IOException {
                expectSuccess(rsp, "ActivateCredential");
                // header, parameterSize, then certInfo (TPM2B_DIGEST)
                if (rsp.length < 16 + CREDENTIAL.size() || u16At(rsp, 14) != CREDENTIAL.size()
                        || !Arrays.equals(rsp, 16, 16 + CREDENTIAL.size(), CREDENTIAL.unsafeArray(), 0, CREDENTIAL.size())) {
                    throw new IOException(server + ": ActivateCredential returned another credential");
                }
            }
        };
        f.toFlush.add(ek.objectHandle());
        f.toFlush.add(loaded.objectHandle());
        f.check(expect(server, SessionBench.transactRetrying(c, cmd), "ActivateCredential"));
        return f;
    }

    // ---- helpers ----

    private static byte[] expect(String server, byte[] rsp, String what) throws IOException {
        int rc = BenchCommand.responseCode(rsp);
        if (rc != 0) throw new IOException(server + ": " + what + " failed with 0x" + Integer.toHexString(rc));
        return rsp;
    }

    private static int u16At(byte[] b, int at) { return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF); }
}
