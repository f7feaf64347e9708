package dev.jtpm.bench;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.PcrReadResponse;
import dev.jtpm.types.command.PolicyPcr;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuPublicId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authorization-session measurements of the side-by-side runner: starting (and flushing) HMAC
 * sessions, unsalted and salted with an RSA or ECC storage key; a policy session that satisfies
 * TPM2_PolicyPCR and unseals; and TPM2_Sign authorized by an HMAC session. Unlike {@link BenchCommand}
 * the command bytes cannot all be the same for both servers: an RSA salt is encrypted to each TPM's own
 * key, and a command HMAC covers the nonce the TPM returned last. Everything else is: the same templates,
 * nonces, ephemeral point and parameters.
 *
 * <p>All client-side cryptography (OAEP, ECDH, KDFs, HMACs) is the JDK's, done outside the measured
 * time: only round trips are measured. Before measuring, each fixture proves its sessions work on each
 * server: a salted session authorizes a TPM2_Create with a command HMAC made from the salt the client
 * chose, the unsealed data is compared, and every TPM2_Sign response HMAC is checked.
 */
enum SessionBench {
    /** TPM2_StartAuthSession (HMAC, unbound, unsalted) and TPM2_FlushContext of the session. */
    UNSALTED("StartAuthSession + FlushContext (HMAC session, unsalted)", Kind.START_FLUSH, 10_000, 10_000),
    /** The same with tpmKey = an RSA-2048 storage primary and an OAEP-encrypted salt. */
    RSA_SALTED("StartAuthSession + FlushContext (HMAC session, salted: RSA-2048 SRK, OAEP)", Kind.START_FLUSH, 1_000, 400),
    /** The same with tpmKey = an ECC P-256 storage primary and an ephemeral point (ECDH). */
    ECC_SALTED("StartAuthSession + FlushContext (HMAC session, salted: ECC P-256 SRK, ECDH)", Kind.START_FLUSH, 3_000, 3_000),
    /** StartAuthSession(policy) + PolicyPCR(SHA-256 PCR 16) + Unseal of a PCR-sealed object with that session. */
    POLICY_PCR_UNSEAL("StartAuthSession (policy) + PolicyPCR (SHA-256, PCR 16) + Unseal", Kind.POLICY_UNSEAL, 5_000, 5_000),
    /** TPM2_Sign with an ECDSA P-256 key whose authValue is proven with a command HMAC (one session kept). */
    SIGN_HMAC("Sign (ECDSA P-256, SHA-256 digest), HMAC session", Kind.SIGN_HMAC, 3_000, 3_000);

    enum Kind { START_FLUSH, POLICY_UNSEAL, SIGN_HMAC }

    private static final int SHA256 = TpmAlg.SHA256;
    /** nonceCaller of every TPM2_StartAuthSession: SHA-256 of "jtpm bench nonce". */
    private static final Bytes START_NONCE = Bytes.wrap(sha256("jtpm bench nonce".getBytes(StandardCharsets.US_ASCII)));
    private static final byte[] SEALED_DATA = "jtpm bench sealed secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGN_AUTH = "benchpass".getBytes(StandardCharsets.US_ASCII);
    /** The digest every Sign signs: SHA-256 of "jtpm bench". */
    private static final Bytes DIGEST = Bytes.fromHex("44a345f2f053b2301f3d366354188c0b7cc49cebc120faa6d7f8cca1a7971f7b");
    private static final TpmlPcrSelection PCR_16 = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(SHA256, 16)));
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    /** How many different RSA-encrypted salts are prepared and cycled through (the TPM decrypts each every time). */
    private static final int RSA_SALTS = 8;

    private final String label;
    final Kind kind;
    /** Default number of measured sequences per server. */
    final int iterations;
    /** Default number of warm-up sequences per server. */
    final int warmup;

    SessionBench(String label, Kind kind, int iterations, int warmup) {
        this.label = label;
        this.kind = kind;
        this.iterations = iterations;
        this.warmup = warmup;
    }

    /** How the measurement is named in reports. */
    String label() { return label; }

    /** What is prepared on one server for one measurement: keys, salts, sessions. */
    abstract static class Fixture {
        final RawTpmClient client;
        final String server;
        final List<Integer> toFlush = new ArrayList<>();

        Fixture(RawTpmClient client, String server) {
            this.client = client;
            this.server = server;
        }

        /** One measured sequence; returns the sum of its round-trip times in ns (client work is left out). */
        abstract long once(int index) throws IOException;

        /** Flushes what {@link SessionBench#prepare} loaded, newest first. */
        void close() throws IOException {
            for (int i = toFlush.size() - 1; i >= 0; i--) expectSuccess(client.transact(flushCommand(toFlush.get(i))), "FlushContext");
            toFlush.clear();
        }

        void expectSuccess(byte[] rsp, String what) throws IOException {
            int rc = BenchCommand.responseCode(rsp);
            if (rc != 0) throw new IOException(server + ": " + what + " failed with 0x" + Integer.toHexString(rc));
        }
    }

    /** Makes this measurement's keys, salts and sessions on one server and checks that they work. */
    Fixture prepare(RawTpmClient c, String server) throws IOException {
        try {
            return switch (this) {
                case UNSALTED -> startFlush(c, server, List.of(startCommand(TpmRh.NULL, Bytes.EMPTY, TpmSe.HMAC)), -1);
                case RSA_SALTED -> rsaSalted(c, server);
                case ECC_SALTED -> eccSalted(c, server);
                case POLICY_PCR_UNSEAL -> policyUnseal(c, server);
                case SIGN_HMAC -> signHmac(c, server);
            };
        } catch (GeneralSecurityException e) {
            throw new IOException(server + ": client-side cryptography failed: " + e, e);
        }
    }

    // ---- StartAuthSession + FlushContext ----

    private static Fixture startFlush(RawTpmClient c, String server, List<byte[]> starts, int tpmKey) {
        return new Fixture(c, server) {
            {
                if (tpmKey != -1) toFlush.add(tpmKey);
            }

            @Override
            long once(int index) throws IOException {
                byte[] start = starts.get(index % starts.size());
                long t0 = System.nanoTime();
                byte[] rsp = client.transact(start);
                long t1 = System.nanoTime();
                expectSuccess(rsp, "StartAuthSession");
                byte[] flush = flushCommand(handleOf(rsp));
                long t2 = System.nanoTime();
                byte[] frsp = client.transact(flush);
                long t3 = System.nanoTime();
                expectSuccess(frsp, "FlushContext");
                return (t1 - t0) + (t3 - t2);
            }
        };
    }

    private static byte[] startCommand(int tpmKey, Bytes encryptedSalt, int type) {
        return CommandBytes.encode(new StartAuthSession(tpmKey, TpmRh.NULL, START_NONCE, encryptedSalt, type, TpmtSymDef.NULL, SHA256));
    }

    private Fixture rsaSalted(RawTpmClient c, String server) throws IOException, GeneralSecurityException {
        CreatePrimaryResponse srk = createPrimary(c, server, Templates.RSA_2048_SRK, Secret.EMPTY);
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) srk.outPublic().unique()).n().unsafeArray());
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        OAEPParameterSpec spec = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified("SECRET\0".getBytes(StandardCharsets.US_ASCII)));
        SecureRandom random = new SecureRandom();
        List<byte[]> starts = new ArrayList<>();
        for (int i = 0; i < RSA_SALTS; i++) {
            byte[] salt = new byte[32];
            random.nextBytes(salt);
            oaep.init(Cipher.ENCRYPT_MODE, pub, spec, random);
            byte[] start = startCommand(srk.objectHandle(), Bytes.wrap(oaep.doFinal(salt)), TpmSe.HMAC);
            checkSalt(c, server, srk, start, salt); // every salt: each is decrypted by the TPM for real
            starts.add(start);
        }
        return startFlush(c, server, starts, srk.objectHandle());
    }

    private Fixture eccSalted(RawTpmClient c, String server) throws IOException, GeneralSecurityException {
        CreatePrimaryResponse srk = createPrimary(c, server, Templates.ECC_P256_SRK, Secret.EMPTY);
        TpmsEccPoint qs = (TpmsEccPoint) srk.outPublic().unique();
        KeyPair ephemeral = Ephemeral.KEY;
        ECPublicKey qe = (ECPublicKey) ephemeral.getPublic();
        byte[] qex = fixed(qe.getW().getAffineX(), 32), qey = fixed(qe.getW().getAffineY(), 32);
        byte[] point = new TpmWriter(70).sized(Bytes.wrap(qex)).sized(Bytes.wrap(qey)).toByteArray();
        PublicKey tpmPub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, qs.x().unsafeArray()), new BigInteger(1, qs.y().unsafeArray())), qe.getParams()));
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(ephemeral.getPrivate());
        ka.doPhase(tpmPub, true);
        byte[] z = ka.generateSecret();
        byte[] salt = kdfe(z, "SECRET", qex, qs.x().unsafeArray(), 256);
        byte[] start = startCommand(srk.objectHandle(), Bytes.wrap(point), TpmSe.HMAC);
        checkSalt(c, server, srk, start, salt);
        return startFlush(c, server, List.of(start), srk.objectHandle());
    }

    /** One ephemeral key for all ECC-salted sessions on both servers (so both get the same command bytes). */
    private static final class Ephemeral {
        static final KeyPair KEY;

        static {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                KEY = g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Proves that the TPM derived the session key the client expects from {@code salt}: starts the
     * salted session, and authorizes a TPM2_Create of a small sealed object under the storage key with
     * it (command HMAC with the session key; continueSession clear), then checks the response HMAC.
     */
    private static void checkSalt(RawTpmClient c, String server, CreatePrimaryResponse srk, byte[] start, byte[] salt)
            throws IOException {
        byte[] rsp = transactRetrying(c, start);
        expect(server, rsp, "salted StartAuthSession");
        int handle = handleOf(rsp);
        Bytes nonceTpm = nonceOf(rsp);
        byte[] sessionKey = kdfa(salt, "ATH", nonceTpm.unsafeArray(), START_NONCE.unsafeArray(), 256);
        HmacSession s = new HmacSession(handle, sessionKey, nonceTpm.toArray());
        Create create = new Create(srk.objectHandle(), new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(SEALED_DATA)),
                sealedTemplate(Bytes.EMPTY), Bytes.EMPTY, NO_PCRS);
        byte[] cmd = s.command(TpmCc.CREATE, srk.objectHandle(), srk.name().unsafeArray(), parameters(create), new byte[0], 0);
        byte[] crsp = c.transact(cmd);
        expect(server, crsp, "TPM2_Create authorized by the salted session");
        s.checkResponse(crsp, 0, new byte[0], server);
    }

    // ---- policy session: PolicyPCR + Unseal ----

    private static TpmtPublic sealedTemplate(Bytes authPolicy) {
        return TpmtPublic.of(SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT), authPolicy,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
    }

    private Fixture policyUnseal(RawTpmClient c, String server) throws IOException {
        // The policy: PolicyPCR over SHA-256 PCR 16 as it is now on this server.
        PcrReadResponse pcrs = CommandBytes.decode(new PcrRead(PCR_16), c.transact(CommandBytes.encode(new PcrRead(PCR_16))))
                .orThrow();
        if (pcrs.pcrValues().digests().size() != 1) throw new IOException(server + ": PCR_Read returned no SHA-256 PCR 16");
        byte[] pcrDigest = sha256(pcrs.pcrValues().digests().get(0).unsafeArray());
        byte[] policy = sha256(new byte[32], u32(TpmCc.POLICY_PCR), TpmCodec.encode(PCR_16), pcrDigest);

        CreatePrimaryResponse srk = createPrimary(c, server, Templates.ECC_P256_SRK, Secret.EMPTY);
        CreateResponse sealed = CommandBytes.decode(CreateResponse.class, expect(server, c.transact(CommandBytes.encode(new Create(
                srk.objectHandle(), new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(SEALED_DATA)),
                sealedTemplate(Bytes.wrap(policy)), Bytes.EMPTY, NO_PCRS))), "Create (sealed object)")).orThrow();
        int item = CommandBytes.decode(dev.jtpm.types.command.LoadResponse.class, expect(server, c.transact(CommandBytes.encode(
                new Load(srk.objectHandle(), sealed.outPrivate(), sealed.outPublic()))), "Load (sealed object)")).orThrow().objectHandle();

        byte[] start = startCommand(TpmRh.NULL, Bytes.EMPTY, TpmSe.POLICY);
        byte[] policyPcr = CommandBytes.encode(new PolicyPcr(0x03000000, Bytes.EMPTY, PCR_16)); // handle at offset 10
        // Unseal(item) with the policy session: nonceCaller of 32 octets, continueSession clear, empty HMAC.
        TpmWriter w = new TpmWriter(64);
        w.u16(TpmSt.SESSIONS).u32(0).u32(TpmCc.UNSEAL).u32(item).u32(4 + 2 + 32 + 1 + 2).u32(0x03000000)
                .sized(START_NONCE).u8(0).u16(0);
        w.patchU32(2, w.position());
        byte[] unseal = w.toByteArray(); // session handle at offset 18
        // a first policy session, retried as a TSS does (libtpms may ask to retry a first use), and flushed
        int first = handleOf(expect(server, transactRetrying(c, start), "StartAuthSession (policy)"));
        expect(server, c.transact(flushCommand(first)), "FlushContext");
        Fixture f = new Fixture(c, server) {
            @Override
            long once(int index) throws IOException {
                long t0 = System.nanoTime();
                byte[] rsp = client.transact(start);
                long t1 = System.nanoTime();
                expectSuccess(rsp, "StartAuthSession (policy)");
                int session = handleOf(rsp);
                byte[] p = policyPcr.clone(), u = unseal.clone();
                putU32(p, 10, session);
                putU32(u, 18, session);
                long t2 = System.nanoTime();
                byte[] prsp = client.transact(p);
                long t3 = System.nanoTime();
                expectSuccess(prsp, "PolicyPCR");
                byte[] ursp = client.transact(u);
                long t4 = System.nanoTime();
                expectSuccess(ursp, "Unseal");
                // parameterSize, then outData (TPM2B_SENSITIVE_DATA)
                int size = ((ursp[14] & 0xFF) << 8) | (ursp[15] & 0xFF);
                if (!Arrays.equals(ursp, 16, 16 + size, SEALED_DATA, 0, SEALED_DATA.length)) {
                    throw new IOException(server + ": Unseal returned other data");
                }
                return (t1 - t0) + (t4 - t2);
            }
        };
        f.toFlush.add(srk.objectHandle());
        f.toFlush.add(item);
        return f;
    }

    // ---- Sign authorized by an HMAC session ----

    private Fixture signHmac(RawTpmClient c, String server) throws IOException {
        TpmtPublic template = TpmtPublic.of(SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                        TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, SHA256), Templates.NIST_P256,
                        TpmtKdfScheme.NULL));
        CreatePrimaryResponse key = createPrimary(c, server, template, Secret.of(SIGN_AUTH));
        byte[] rsp = transactRetrying(c, startCommand(TpmRh.NULL, Bytes.EMPTY, TpmSe.HMAC));
        expect(server, rsp, "StartAuthSession (HMAC)");
        // unbound, unsalted: the session key is empty, the HMAC key is the authValue alone
        HmacSession s = new HmacSession(handleOf(rsp), new byte[0], nonceOf(rsp).toArray());
        byte[] params = parameters(new Sign(key.objectHandle(), DIGEST, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()));
        byte[] keyName = key.name().unsafeArray();
        // a first signature, resent as a TSS does while libtpms self-tests ECDSA (TPM_RC_RETRY: the session is unchanged)
        byte[] first = transactRetrying(c, s.command(TpmCc.SIGN, key.objectHandle(), keyName, params, SIGN_AUTH,
                TpmSe.CONTINUE_SESSION));
        expect(server, first, "Sign (HMAC session)");
        s.checkResponse(first, 0, SIGN_AUTH, server);
        Fixture f = new Fixture(c, server) {
            @Override
            long once(int index) throws IOException {
                byte[] cmd = s.command(TpmCc.SIGN, key.objectHandle(), keyName, params, SIGN_AUTH, TpmSe.CONTINUE_SESSION);
                long t0 = System.nanoTime();
                byte[] r = client.transact(cmd);
                long t1 = System.nanoTime();
                expectSuccess(r, "Sign (HMAC session)");
                s.checkResponse(r, 0, SIGN_AUTH, server);
                return t1 - t0;
            }
        };
        f.toFlush.add(key.objectHandle());
        f.toFlush.add(s.handle);
        return f;
    }

    /**
     * A client's view of an HMAC session (Part 1, 19.6): the session key, the last nonceTPM, and the
     * nonceCaller of the command in flight. Only what the benchmark needs: one authorized handle, SHA-256,
     * no parameter encryption, no bind.
     */
    static final class HmacSession {
        final int handle;
        private final byte[] sessionKey;
        private byte[] nonceTpm;
        private final byte[] nonceCaller = new byte[32];
        private long counter;
        private int cc;

        HmacSession(int handle, byte[] sessionKey, byte[] nonceTpm) {
            this.handle = handle;
            this.sessionKey = sessionKey;
            this.nonceTpm = nonceTpm;
            System.arraycopy(START_NONCE.unsafeArray(), 0, nonceCaller, 0, 32);
        }

        /** The command with one authorized handle (Name {@code name}) and this session's HMAC for it. */
        byte[] command(int commandCode, int authHandle, byte[] name, byte[] params, byte[] authValue, int attrs) {
            counter++;
            for (int i = 0; i < 8; i++) nonceCaller[31 - i] = (byte) (counter >>> (8 * i)); // a new nonceCaller each time
            cc = commandCode;
            byte[] cpHash = sha256(u32(commandCode), name, params);
            byte[] hmac = hmac(concat(sessionKey, authValue), cpHash, nonceCaller, nonceTpm, new byte[] {(byte) attrs});
            TpmWriter w = new TpmWriter(64 + params.length);
            w.u16(TpmSt.SESSIONS).u32(0).u32(commandCode).u32(authHandle);
            w.u32(4 + 2 + nonceCaller.length + 1 + 2 + hmac.length).u32(handle).sized(Bytes.wrap(nonceCaller)).u8(attrs)
                    .sized(Bytes.wrap(hmac));
            w.bytes(params);
            w.patchU32(2, w.position());
            return w.toByteArray();
        }

        /** Checks the response HMAC of a successful response (with {@code handles} response handles); keeps its nonceTPM. */
        void checkResponse(byte[] rsp, int handles, byte[] authValue, String server) throws IOException {
            int at = 10 + 4 * handles;
            int paramSize = u32At(rsp, at);
            int p = at + 4, end = p + paramSize;
            int nonceSize = u16At(rsp, end);
            byte[] newNonce = Arrays.copyOfRange(rsp, end + 2, end + 2 + nonceSize);
            int attrs = rsp[end + 2 + nonceSize] & 0xFF;
            int hmacSize = u16At(rsp, end + 3 + nonceSize);
            byte[] got = Arrays.copyOfRange(rsp, end + 5 + nonceSize, end + 5 + nonceSize + hmacSize);
            if (end + 5 + nonceSize + hmacSize != rsp.length) throw new IOException(server + ": bad response session area");
            byte[] rpHash = sha256(u32(0), u32(cc), Arrays.copyOfRange(rsp, p, end));
            byte[] want = hmac(concat(sessionKey, authValue), rpHash, newNonce, nonceCaller, new byte[] {(byte) attrs});
            if (!MessageDigest.isEqual(want, got)) throw new IOException(server + ": the response HMAC does not verify");
            nonceTpm = newNonce;
        }
    }

    // ---- helpers ----

    private static CreatePrimaryResponse createPrimary(RawTpmClient c, String server, TpmtPublic template, Secret auth)
            throws IOException {
        CreatePrimary cp = new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(auth, Secret.EMPTY), template, Bytes.EMPTY, NO_PCRS);
        return CommandBytes.decode(cp, expect(server, transactRetrying(c, CommandBytes.encode(cp)), "CreatePrimary")).orThrow();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] parameters(Record command) {
        TpmCodec.RecordCodec codec = TpmCodec.of(command.getClass());
        TpmWriter w = new TpmWriter(128);
        codec.writeParameters(w, command);
        return w.toByteArray();
    }

    /** Resends while libtpms answers TPM_RC_RETRY/TESTING/YIELDED (its first use of an algorithm). */
    static byte[] transactRetrying(RawTpmClient c, byte[] cmd) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] rsp = c.transact(cmd);
            int rc = BenchCommand.responseCode(rsp);
            if ((rc != 0x922 && rc != 0x90A && rc != 0x908) || attempt == 10) return rsp;
        }
    }

    private static byte[] expect(String server, byte[] rsp, String what) throws IOException {
        int rc = BenchCommand.responseCode(rsp);
        if (rc != 0) throw new IOException(server + ": " + what + " failed with 0x" + Integer.toHexString(rc));
        return rsp;
    }

    static byte[] flushCommand(int handle) {
        byte[] b = {(byte) 0x80, 0x01, 0, 0, 0, 14, 0, 0, 0x01, 0x65, 0, 0, 0, 0};
        putU32(b, 10, handle);
        return b;
    }

    /** The handle after the 10-octet header. */
    static int handleOf(byte[] rsp) { return u32At(rsp, 10); }

    /** nonceTPM of a StartAuthSession response (after the handle). */
    private static Bytes nonceOf(byte[] rsp) { return Bytes.of(rsp, 16, u16At(rsp, 14)); }

    private static int u32At(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static int u16At(byte[] b, int at) { return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF); }

    private static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** {@code v} as exactly {@code n} big-endian octets. */
    private static byte[] fixed(BigInteger v, int n) {
        byte[] b = v.toByteArray();
        byte[] r = new byte[n];
        int len = Math.min(b.length, n);
        System.arraycopy(b, b.length - len, r, n - len, len);
        return r;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SecretKeySpec refuses an empty key; HMAC pads its key with zeros to the block size, so one
            // zero octet is the same key as none.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            for (byte[] p : parts) mac.update(p);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** KDFa with SHA-256 (Part 1, 11.4.10.2); the label's terminating NUL is added. */
    static byte[] kdfa(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        byte[] out = new byte[bits / 8];
        for (int i = 1, off = 0; off < out.length; i++, off += 32) {
            byte[] b = hmac(key, u32(i), (label + "\0").getBytes(StandardCharsets.US_ASCII), contextU, contextV, u32(bits));
            System.arraycopy(b, 0, out, off, Math.min(32, out.length - off));
        }
        return out;
    }

    /** KDFe with SHA-256 (Part 1, 11.4.10.3); the label's terminating NUL is added. */
    static byte[] kdfe(byte[] z, String label, byte[] partyU, byte[] partyV, int bits) {
        byte[] out = new byte[bits / 8];
        for (int i = 1, off = 0; off < out.length; i++, off += 32) {
            byte[] b = sha256(u32(i), z, (label + "\0").getBytes(StandardCharsets.US_ASCII), partyU, partyV);
            System.arraycopy(b, 0, out, off, Math.min(32, out.length - off));
        }
        return out;
    }
}
