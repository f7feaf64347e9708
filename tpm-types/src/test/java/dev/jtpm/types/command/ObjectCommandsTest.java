package dev.jtpm.types.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.codec.Wire.Auth;
import dev.jtpm.types.structure.*;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command and response records of the object, hierarchy and key-use chapters: what
 * {@link CommandTable} derives from them (Part 3's handle counts, "@" authorization roles, response
 * handles, TPM2B first parameters), round trips through the handle and parameter areas, and the
 * handle and parameter indexes their errors carry.
 */
class ObjectCommandsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final CommandTable TABLE = SwtpmTrafficTest.TABLE;
    private static final int T = 0x80000000, T2 = 0x80000001;
    private static final TpmsClockInfo CLOCK = new TpmsClockInfo(1L, 2, 3, true);
    private static final Bytes NAME = Bytes.fromHex("000b").concat(Bytes.zeros(32));

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    private static Secret secret(String s) { return Secret.of(s.getBytes()); }

    /** One value of every command and response record of the slice. */
    static Stream<Record> records() {
        TpmsEccPoint pt = new TpmsEccPoint(Bytes.zeros(32), Bytes.fromHex("01"));
        TpmtSignature sig = TpmtSignature.of(new TpmuSignature.Rsa(TpmAlg.RSASSA, TpmAlg.SHA256, Bytes.zeros(256)));
        TpmsCreationData cd = new TpmsCreationData(new TpmlPcrSelection(List.of()), Bytes.EMPTY, 0, TpmAlg.NULL,
                Bytes.fromHex("40000001"), Bytes.fromHex("40000001"), Bytes.EMPTY);
        TpmtTkCreation tk = new TpmtTkCreation(TpmSt.CREATION, TpmRh.OWNER, Bytes.zeros(32));
        TpmsAttest attest = TpmsAttest.of(NAME, Bytes.EMPTY, CLOCK, 0L, new TpmsCertifyInfo(NAME, NAME));
        TpmsContext ctx = new TpmsContext(1L, T, TpmRh.OWNER, Bytes.zeros(100));
        TpmlPcrSelection pcrs = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1, 2)));
        return Stream.of(
                new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(secret("pw"), Secret.EMPTY), Templates.RSA_2048_SRK,
                        Bytes.EMPTY, pcrs),
                new CreatePrimaryResponse(T, Templates.EK_ECC_P256, cd, Bytes.zeros(32), tk, Templates.EK_ECC_P256.name()),
                new Create(T, TpmsSensitiveCreate.EMPTY, SampleObjects.SEALED, Bytes.fromHex("01"), pcrs),
                new CreateResponse(Bytes.zeros(200), SampleObjects.SEALED, cd, Bytes.zeros(32), tk),
                new CreateLoaded(TpmRh.NULL, TpmsSensitiveCreate.EMPTY, Templates.EK_RSA_2048.toTemplate()),
                new CreateLoadedResponse(T2, Bytes.EMPTY, Templates.EK_RSA_2048, NAME),
                new Load(T, Bytes.zeros(180), SampleObjects.SEALED),
                new LoadResponse(T2, NAME),
                new LoadExternal(null, Templates.EK_RSA_2048, TpmRh.OWNER),
                new LoadExternal(TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Bits(secret("x"))),
                        SampleObjects.SEALED, TpmRh.NULL),
                new LoadExternalResponse(T, NAME),
                new ReadPublic(0x81000001),
                new ReadPublicResponse(Templates.EK_RSA_2048, NAME, NAME),
                new ActivateCredential(T, T2, Bytes.zeros(70), Bytes.zeros(256)),
                new ActivateCredentialResponse(Bytes.fromHex("abcd")),
                new MakeCredential(T, Bytes.fromHex("abcd"), NAME),
                new MakeCredentialResponse(Bytes.zeros(70), Bytes.zeros(256)),
                new Unseal(T),
                new UnsealResponse(secret("sealed")),
                new ObjectChangeAuth(T, T2, secret("new")),
                new ObjectChangeAuthResponse(Bytes.zeros(200)),
                new RsaEncrypt(T, Bytes.fromHex("68656c6c6f"), TpmtRsaDecrypt.oaep(TpmAlg.SHA256), Bytes.EMPTY),
                new RsaEncryptResponse(Bytes.zeros(256)),
                new RsaDecrypt(T, Bytes.zeros(256), TpmtRsaDecrypt.RSAES, Bytes.fromHex("6c00")),
                new RsaDecryptResponse(Bytes.fromHex("68656c6c6f")),
                new EcdhKeyGen(T),
                new EcdhKeyGenResponse(pt, pt),
                new EcdhZGen(T, pt),
                new EcdhZGenResponse(pt),
                new EccParameters(Templates.NIST_P256),
                new EccParametersResponse(new TpmsAlgorithmDetailEcc(3, 256, TpmtKdfScheme.NULL, TpmtEccScheme.NULL,
                        Bytes.zeros(32), Bytes.zeros(32), Bytes.zeros(32), Bytes.zeros(32), Bytes.zeros(32), Bytes.zeros(32),
                        Bytes.fromHex("01"))),
                new EncryptDecrypt(T, true, TpmAlg.CFB, Bytes.zeros(16), Bytes.zeros(64)),
                new EncryptDecrypt2(T, Bytes.zeros(64), false, TpmAlg.NULL, Bytes.zeros(16)),
                new EncryptDecryptResponse(Bytes.zeros(64), Bytes.zeros(16)),
                new Hmac(T, Bytes.fromHex("00"), TpmAlg.SHA256),
                new HmacResponse(Bytes.zeros(32)),
                new HmacStart(T, secret("seq"), TpmAlg.NULL),
                new HmacStartResponse(T2),
                new Certify(T, T2, Bytes.fromHex("0102"), TpmtSigScheme.NULL),
                new CertifyResponse(attest, sig),
                new Quote(T, Bytes.EMPTY, TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), pcrs),
                new QuoteResponse(TpmsAttest.of(NAME, Bytes.EMPTY, CLOCK, 0L, new TpmsQuoteInfo(pcrs, Bytes.zeros(32))),
                        TpmtSignature.NULL),
                new GetTime(TpmRh.ENDORSEMENT, TpmRh.NULL, Bytes.EMPTY, TpmtSigScheme.NULL),
                new GetTimeResponse(TpmsAttest.of(NAME, Bytes.EMPTY, CLOCK, 0L,
                        new TpmsTimeAttestInfo(new TpmsTimeInfo(5L, CLOCK), 0L)), sig),
                new Commit(T, TpmsEccPoint.EMPTY, Bytes.EMPTY, Bytes.EMPTY),
                new CommitResponse(TpmsEccPoint.EMPTY, TpmsEccPoint.EMPTY, pt, 1),
                new VerifySignature(T, Bytes.zeros(32), sig),
                new VerifySignatureResponse(new TpmtTkVerified(TpmSt.VERIFIED, TpmRh.OWNER, Bytes.zeros(32))),
                new Sign(T, Bytes.zeros(32), TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()),
                new SignResponse(sig),
                new HierarchyControl(TpmRh.PLATFORM, TpmRh.ENDORSEMENT, false),
                new SetPrimaryPolicy(TpmRh.LOCKOUT, Bytes.zeros(32), TpmAlg.SHA256),
                new ChangePps(TpmRh.PLATFORM),
                new ChangeEps(TpmRh.PLATFORM),
                new Clear(TpmRh.LOCKOUT),
                new ClearControl(TpmRh.PLATFORM, true),
                new HierarchyChangeAuth(TpmRh.LOCKOUT, secret("lockout")),
                new ContextSave(0x02000001),
                new ContextSaveResponse(ctx),
                new ContextLoad(ctx),
                new ContextLoadResponse(T),
                new EvictControl(TpmRh.PLATFORM, T, 0x81800001));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void record_roundTripsThroughTheHandleAndParameterAreas(Record value) {
        TpmCodec.RecordCodec codec = TpmCodec.of(value.getClass());
        int[] handles = codec.handles(value);
        TpmWriter w = new TpmWriter();
        codec.writeParameters(w, value);
        byte[] params = w.toByteArray();
        assertThat(codec.readCommand(handles, TpmReader.lenient(params))).isEqualTo(value);
        assertThat(TpmCodec.decodeLenient(value.getClass(), TpmCodec.encode(value))).isEqualTo(value);
        if (params.length > 0) {
            byte[] truncated = java.util.Arrays.copyOf(params, params.length - 1);
            TpmRc rc = rcOf(() -> codec.readCommand(handles, TpmReader.lenient(truncated)));
            assertThat(rc.base()).isEqualTo(TpmRc.INSUFFICIENT);
        }
    }

    private static void entry(int cc, List<Auth> roles, int responseHandles, boolean decrypt, boolean encrypt) {
        CommandTable.Entry e = TABLE.get(cc);
        assertThat(e).as("0x%x", cc).isNotNull();
        assertThat(e.authRoles()).as(e.command().getSimpleName()).containsExactlyElementsOf(roles);
        assertThat(e.responseHandles()).as(e.command().getSimpleName()).isEqualTo(responseHandles);
        assertThat(e.decrypt()).as(e.command().getSimpleName() + " decrypt").isEqualTo(decrypt);
        assertThat(e.encrypt()).as(e.command().getSimpleName() + " encrypt").isEqualTo(encrypt);
    }

    @Test
    void commandTable_followsPart3() {
        Auth U = Auth.USER, A = Auth.ADMIN, N = Auth.NONE;
        entry(TpmCc.CREATE_PRIMARY, List.of(U), 1, true, true);
        entry(TpmCc.CREATE, List.of(U), 0, true, true);
        entry(TpmCc.CREATE_LOADED, List.of(U), 1, true, true);
        entry(TpmCc.LOAD, List.of(U), 1, true, true);
        entry(TpmCc.LOAD_EXTERNAL, List.of(), 1, true, true);
        entry(TpmCc.READ_PUBLIC, List.of(N), 0, false, true);
        entry(TpmCc.ACTIVATE_CREDENTIAL, List.of(A, U), 0, true, true);
        entry(TpmCc.MAKE_CREDENTIAL, List.of(N), 0, true, true);
        entry(TpmCc.UNSEAL, List.of(U), 0, false, true);
        entry(TpmCc.OBJECT_CHANGE_AUTH, List.of(A, N), 0, true, true);
        entry(TpmCc.RSA_ENCRYPT, List.of(N), 0, true, true);
        entry(TpmCc.RSA_DECRYPT, List.of(U), 0, true, true);
        entry(TpmCc.ECDH_KEYGEN, List.of(N), 0, false, true);
        entry(TpmCc.ECDH_ZGEN, List.of(U), 0, true, true);
        entry(TpmCc.ECC_PARAMETERS, List.of(), 0, false, false);
        entry(TpmCc.ENCRYPT_DECRYPT, List.of(U), 0, false, true);
        entry(TpmCc.ENCRYPT_DECRYPT2, List.of(U), 0, true, true);
        entry(TpmCc.HMAC, List.of(U), 0, true, true);
        entry(TpmCc.HMAC_START, List.of(U), 1, true, false);
        entry(TpmCc.CERTIFY, List.of(A, U), 0, true, true);
        entry(TpmCc.QUOTE, List.of(U), 0, true, true);
        entry(TpmCc.GET_TIME, List.of(U, U), 0, true, true);
        entry(TpmCc.COMMIT, List.of(U), 0, true, true);
        entry(TpmCc.VERIFY_SIGNATURE, List.of(N), 0, true, false);
        entry(TpmCc.SIGN, List.of(U), 0, true, false);
        entry(TpmCc.HIERARCHY_CONTROL, List.of(U), 0, false, false);
        entry(TpmCc.SET_PRIMARY_POLICY, List.of(U), 0, true, false);
        entry(TpmCc.CHANGE_PPS, List.of(U), 0, false, false);
        entry(TpmCc.CHANGE_EPS, List.of(U), 0, false, false);
        entry(TpmCc.CLEAR, List.of(U), 0, false, false);
        entry(TpmCc.CLEAR_CONTROL, List.of(U), 0, false, false);
        entry(TpmCc.HIERARCHY_CHANGE_AUTH, List.of(U), 0, true, false);
        entry(TpmCc.CONTEXT_SAVE, List.of(N), 0, false, false);
        entry(TpmCc.CONTEXT_LOAD, List.of(), 1, false, false);
        entry(TpmCc.EVICT_CONTROL, List.of(U, N), 0, false, false);
    }

    @Test
    void handleTypes_areCheckedWithTheHandleArea_andCarryTheHandleIndex() {
        assertThat(rcOf(() -> TpmCodec.of(CreatePrimary.class).checkHandles(new int[] {TpmRh.LOCKOUT})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        TpmCodec.of(CreatePrimary.class).checkHandles(new int[] {TpmRh.NULL});
        assertThat(rcOf(() -> TpmCodec.of(EvictControl.class).checkHandles(new int[] {TpmRh.ENDORSEMENT, T})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(rcOf(() -> TpmCodec.of(EvictControl.class).checkHandles(new int[] {TpmRh.OWNER, TpmRh.OWNER})))
                .isEqualTo(TpmRc.VALUE.atHandle(2));
        assertThat(rcOf(() -> TpmCodec.of(Clear.class).checkHandles(new int[] {TpmRh.OWNER}))).isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(rcOf(() -> TpmCodec.of(ChangeEps.class).checkHandles(new int[] {TpmRh.OWNER}))).isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(rcOf(() -> TpmCodec.of(HierarchyControl.class).checkHandles(new int[] {TpmRh.LOCKOUT})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        TpmCodec.of(HierarchyChangeAuth.class).checkHandles(new int[] {TpmRh.LOCKOUT});
        assertThat(rcOf(() -> TpmCodec.of(HierarchyChangeAuth.class).checkHandles(new int[] {TpmRh.NULL})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        TpmCodec.of(CreateLoaded.class).checkHandles(new int[] {TpmRh.ENDORSEMENT});
        assertThat(rcOf(() -> TpmCodec.of(CreateLoaded.class).checkHandles(new int[] {TpmRh.LOCKOUT})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(rcOf(() -> TpmCodec.of(GetTime.class).checkHandles(new int[] {TpmRh.OWNER, T})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        TpmCodec.of(ContextSave.class).checkHandles(new int[] {0x03000005});
        assertThat(rcOf(() -> TpmCodec.of(ContextSave.class).checkHandles(new int[] {0x81000001})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(rcOf(() -> TpmCodec.of(Sign.class).checkHandles(new int[] {TpmRh.NULL}))).isEqualTo(TpmRc.VALUE.atHandle(1));
        TpmCodec.of(Quote.class).checkHandles(new int[] {TpmRh.NULL});
        TpmCodec.of(SetPrimaryPolicy.class).checkHandles(new int[] {0x4000011F}); // TPM_RH_ACT_F passes the type
        assertThat(rcOf(() -> TpmCodec.of(SetPrimaryPolicy.class).checkHandles(new int[] {TpmRh.NULL})))
                .isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TpmRc strictParams(Class<? extends Record> type, int[] handles, String params) {
        TpmCodec.RecordCodec codec = TpmCodec.of((Class) type);
        return rcOf(() -> codec.readCommand(handles, new TpmReader(HEX.parseHex(params.replace(" ", "")))));
    }

    @Test
    void parameterErrors_carryTheParameterIndex() {
        // TPM2B_PUBLIC of size zero
        assertThat(strictParams(CreatePrimary.class, new int[] {TpmRh.OWNER}, "0004 0000 0000 0000 0000 00000000"))
                .isEqualTo(TpmRc.SIZE.atParameter(2));
        // TPM2B_SENSITIVE_CREATE of size zero
        assertThat(strictParams(Create.class, new int[] {T}, "0000")).isEqualTo(TpmRc.SIZE.atParameter(1));
        // a TPM2B_SENSITIVE_CREATE whose size disagrees with its contents
        assertThat(strictParams(Create.class, new int[] {T}, "0005 0000 0000 00")).isEqualTo(TpmRc.SIZE.atParameter(1));
        // a type that is no object type: TPMI_ALG_PUBLIC
        assertThat(strictParams(Create.class, new int[] {T}, "0004 0000 0000 0006 0004 000b 00000000"))
                .isEqualTo(TpmRc.TYPE.atParameter(2));
        assertThat(strictParams(EncryptDecrypt.class, new int[] {T}, "00 003f 0000 0000")).isEqualTo(TpmRc.MODE.atParameter(2));
        assertThat(strictParams(EncryptDecrypt.class, new int[] {T}, "02 0010 0000 0000")).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(strictParams(EncryptDecrypt2.class, new int[] {T}, "0000 00 003f 0000")).isEqualTo(TpmRc.MODE.atParameter(3));
        assertThat(strictParams(EccParameters.class, new int[] {}, "0006")).isEqualTo(TpmRc.CURVE.atParameter(1));
        assertThat(strictParams(EvictControl.class, new int[] {TpmRh.OWNER, T}, "80000000")).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(strictParams(HierarchyControl.class, new int[] {TpmRh.PLATFORM}, "4000000a 00"))
                .isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(strictParams(SetPrimaryPolicy.class, new int[] {TpmRh.OWNER}, "0000 0006")).isEqualTo(TpmRc.HASH.atParameter(2));
        assertThat(strictParams(Sign.class, new int[] {T}, "0000 0015 000b 8024 40000007 0000"))
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(strictParams(RsaDecrypt.class, new int[] {T}, "0000 0016 000b 0000")).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(strictParams(LoadExternal.class, new int[] {}, "0000 0000")).isEqualTo(TpmRc.SIZE.atParameter(2));
        assertThat(strictParams(HierarchyChangeAuth.class, new int[] {TpmRh.OWNER}, "0041" + "00".repeat(65)))
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(strictParams(ContextLoad.class, new int[] {}, "0000000000000001 81000000 40000001 0000"))
                .isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(strictParams(Commit.class, new int[] {T}, "0000 0000 0000")).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(strictParams(CreateLoaded.class, new int[] {TpmRh.OWNER}, "0004 0000 0000 025f" + "00".repeat(0x25f)))
                .isEqualTo(TpmRc.SIZE.atParameter(2));
    }

    @Test
    void loadExternal_withoutSensitiveArea_isAnEmptyTpm2bSensitive() {
        LoadExternal le = new LoadExternal(null, SampleObjects.SEALED, TpmRh.NULL);
        byte[] b = TpmCodec.encode(le);
        assertThat(HEX.formatHex(b, 0, 4)).isEqualTo("0000" + String.format("%04x", TpmCodec.encode(le.inPublic()).length));
        assertThat(TpmCodec.decodeLenient(LoadExternal.class, b).inPrivate()).isNull();
    }

    @Test
    void commandBytes_encodesOnePasswordSessionPerAuthorizedHandle() {
        byte[] cmd = CommandBytes.encode(new GetTime(TpmRh.ENDORSEMENT, T, Bytes.EMPTY, TpmtSigScheme.NULL));
        assertThat(HEX.formatHex(cmd)).isEqualTo("8002" + String.format("%08x", cmd.length) + "0000014c" + "4000000b" + "80000000"
                + "00000012" + "400000090000010000" + "400000090000010000" + "0000" + "0010");
        byte[] rsp = HEX.parseHex("80010000000e" + "00000000" + "0000" + "0010"); // TPM2B_ATTEST of size zero
        assertThat(rcOf(() -> CommandBytes.decode(GetTimeResponse.class, rsp))).isEqualTo(TpmRc.SIZE.atParameter(1));
    }
}
