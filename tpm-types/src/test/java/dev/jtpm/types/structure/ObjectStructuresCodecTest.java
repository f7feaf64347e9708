package dev.jtpm.types.structure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The object structures through the codec: every value round-trips, every proper prefix of its
 * octets is TPM_RC_INSUFFICIENT and one trailing octet TPM_RC_SIZE; unknown selectors give each
 * union's code; strict decoding gives the TPMI codes while the key algorithms are not implemented.
 */
class ObjectStructuresCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    private static byte[] hex(String s) { return HEX.parseHex(s.replace(" ", "")); }

    private static Bytes b(int n, int fill) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) fill);
        return Bytes.wrap(a);
    }

    private static Secret s(String text) { return Secret.of(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)); }

    static final TpmtPublic RSA_SIGNER = TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00040072), Bytes.EMPTY,
            new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0),
            new TpmuPublicId.Rsa(b(256, 0xA5)));
    static final TpmtPublic SEALED = TpmtPublic.of(TpmAlg.SHA1, new TpmaObject(0x00000012), b(20, 1),
            new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL), new TpmuPublicId.KeyedHash(b(20, 2)));
    static final TpmtPublic AES = TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00060072), Bytes.EMPTY,
            new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.CFB)), new TpmuPublicId.Sym(b(32, 3)));

    static Stream<Record> values() {
        TpmsClockInfo clock = new TpmsClockInfo(123456789L, 3, 4, true);
        Bytes name = Bytes.fromHex("000b").concat(b(32, 7));
        return Stream.of(
                new TpmaObject(0x000300B2),
                new TpmsEccPoint(b(32, 1), b(32, 2)),
                TpmsEccPoint.EMPTY,
                Templates.EK_RSA_2048, Templates.EK_ECC_P256, Templates.EK_ECC_P384_HIGH, RSA_SIGNER, SEALED, AES,
                TpmtPublic.of(TpmAlg.NULL, new TpmaObject(0x00040000), Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL,
                        TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL),
                        new TpmsEccPoint(b(32, 4), b(32, 5))),
                new TpmsDerive(Bytes.wrap("label".getBytes()), b(32, 9)),
                TpmtDerivedTemplate.of(TpmAlg.SHA256, new TpmaObject(0x00040072), Bytes.EMPTY,
                        new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)),
                        new TpmsDerive(Bytes.wrap("label".getBytes()), Bytes.EMPTY)),
                TpmsSensitiveCreate.EMPTY,
                new TpmsSensitiveCreate(s("password"), s("secretdata")),
                TpmtSensitive.of(s("auth"), Secret.EMPTY, new TpmuSensitiveComposite.Rsa(Secret.of(b(128, 0x33)))),
                TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Ecc(Secret.of(b(32, 0x44)))),
                TpmtSensitive.of(Secret.EMPTY, Secret.of(b(32, 0x55)), new TpmuSensitiveComposite.Bits(s("sealed"))),
                TpmtSensitive.of(Secret.EMPTY, Secret.of(b(32, 0x55)), new TpmuSensitiveComposite.Sym(Secret.of(b(16, 0x66)))),
                new TpmsCreationData(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 7))), b(32, 8), 1,
                        TpmAlg.SHA256, name, name, Bytes.fromHex("0102")),
                new TpmsCreationData(new TpmlPcrSelection(List.of()), Bytes.EMPTY, 0, TpmAlg.NULL,
                        Bytes.fromHex("40000001"), Bytes.fromHex("40000001"), Bytes.EMPTY),
                new TpmtTkCreation(TpmSt.CREATION, TpmRh.OWNER, b(32, 1)), TpmtTkCreation.nullTicket(),
                new TpmtTkVerified(TpmSt.VERIFIED, TpmRh.ENDORSEMENT, b(48, 1)), TpmtTkVerified.nullTicket(),
                new TpmtTkAuth(TpmSt.AUTH_SECRET, TpmRh.PLATFORM, b(32, 1)), TpmtTkAuth.nullTicket(),
                new TpmsContext(0x1234567890L, 0x80000000, TpmRh.OWNER, b(600, 0x77)),
                new TpmsContext(5L, 0x02000003, TpmRh.NULL, b(100, 0x77)),
                TpmtSignature.of(new TpmuSignature.Rsa(TpmAlg.RSASSA, TpmAlg.SHA256, b(256, 1))),
                TpmtSignature.of(new TpmuSignature.Rsa(TpmAlg.RSAPSS, TpmAlg.SHA384, b(384, 1))),
                TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.ECDSA, TpmAlg.SHA256, b(32, 1), b(32, 2))),
                TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.ECDAA, TpmAlg.SHA256, b(32, 1), b(32, 2))),
                TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.SM2, TpmAlg.SHA256, b(32, 1), b(32, 2))),
                TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.ECSCHNORR, TpmAlg.SHA512, b(66, 1), b(66, 2))),
                TpmtSignature.of(new TpmuSignature.Hmac(new TpmtHa(TpmAlg.SHA256, b(32, 1)))),
                TpmtSignature.NULL,
                TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA1),
                TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA384), TpmtSigScheme.of(TpmAlg.SM2, TpmAlg.SHA256),
                TpmtSigScheme.of(TpmAlg.ECSCHNORR, TpmAlg.SHA256), TpmtSigScheme.of(TpmAlg.HMAC, TpmAlg.SHA256),
                new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 3)), TpmtSigScheme.NULL,
                TpmtRsaDecrypt.NULL, TpmtRsaDecrypt.RSAES, TpmtRsaDecrypt.oaep(TpmAlg.SHA256),
                new TpmsAlgorithmDetailEcc(Templates.NIST_P256, 256, TpmtKdfScheme.NULL, TpmtEccScheme.NULL, b(32, 1),
                        b(32, 2), b(32, 3), b(32, 4), b(32, 5), b(32, 6), Bytes.of((byte) 1)),
                TpmsAttest.of(name, Bytes.fromHex("0102"), clock, 0x2019102300000000L, new TpmsCertifyInfo(name, name)),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsCreationInfo(name, b(32, 1))),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsQuoteInfo(
                        new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1))), b(32, 1))),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsCommandAuditInfo(7L, TpmAlg.SHA256, b(32, 1), b(32, 2))),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsSessionAuditInfo(true, b(32, 1))),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsTimeAttestInfo(new TpmsTimeInfo(99L, clock), 1L)),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsNvCertifyInfo(name, 4, b(16, 1))),
                TpmsAttest.of(name, Bytes.EMPTY, clock, 1L, new TpmsNvDigestCertifyInfo(name, b(32, 1))));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Record> T decodeLeniently(T like, byte[] b) {
        return TpmCodec.decodeLenient((Class<T>) like.getClass(), b);
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTrips_truncatedIsInsufficient_trailingIsSize(Record value) {
        byte[] wire = TpmCodec.encode(value);
        assertThat(decodeLeniently(value, wire)).isEqualTo(value);
        for (int n = 0; n < wire.length; n++) {
            byte[] prefix = Arrays.copyOf(wire, n);
            assertThat(rcOf(() -> decodeLeniently(value, prefix))).as("prefix of %d octets", n).isEqualTo(TpmRc.INSUFFICIENT);
        }
        byte[] longer = Arrays.copyOf(wire, wire.length + 1);
        assertThat(rcOf(() -> decodeLeniently(value, longer))).isEqualTo(TpmRc.SIZE);
    }

    // ---------------------------------------------------------------- TPMT_PUBLIC

    @Test
    void publicArea_goldenOctets() {
        assertThat(HEX.formatHex(TpmCodec.encode(SEALED))).isEqualTo(
                "0008" + "0004" + "00000012" + "0014" + "01".repeat(20) + "0010" + "0014" + "02".repeat(20));
        assertThat(HEX.formatHex(TpmCodec.encode(AES))).isEqualTo(
                "0025" + "000b" + "00060072" + "0000" + "000600800043" + "0020" + "03".repeat(32));
    }

    @Test
    void publicArea_unknownType_isType_andLenientlyTheSelector() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtPublic.class, hex("0004 000b 00000000 0000")))).isEqualTo(TpmRc.TYPE);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtPublic.class, hex("0004 000b 00000000 0000"))))
                .isEqualTo(TpmRc.SELECTOR);
    }

    @Test
    void publicArea_strictly_checksTheTypeFirst_andAttributesOnTheirOwn_areReservedBits() {
        // the type passes (an implemented object type), then the nameAlg is checked
        byte[] sealedBadHash = TpmCodec.encode(SEALED);
        sealedBadHash[3] = 0x06; // nameAlg = TPM_ALG_AES
        assertThat(rcOf(() -> TpmCodec.decode(TpmtPublic.class, sealedBadHash))).isEqualTo(TpmRc.HASH);
        assertThat(rcOf(() -> TpmCodec.decode(TpmaObject.class, hex("00000008")))).isEqualTo(TpmRc.RESERVED_BITS);
        assertThat(rcOf(() -> TpmCodec.decode(TpmuPublicId.KeyedHash.class, hex("0041" + "00".repeat(65))))).isEqualTo(TpmRc.SIZE);
    }

    @Test
    void publicArea_armsOfAnotherType_areType() {
        assertThat(rcOf(() -> new TpmtPublic(TpmAlg.RSA, TpmAlg.SHA256, new TpmaObject(0), Bytes.EMPTY,
                SEALED.parameters(), TpmuPublicId.Rsa.EMPTY))).isEqualTo(TpmRc.TYPE);
        assertThat(rcOf(() -> RSA_SIGNER.withUnique(TpmsEccPoint.EMPTY))).isEqualTo(TpmRc.TYPE);
    }

    @Test
    void publicArea_policyLongerThanADigest_isSize() {
        byte[] wire = hex("0008 000b 00000000 0041" + "00".repeat(65) + "0010 0000");
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtPublic.class, wire))).isEqualTo(TpmRc.SIZE);
    }

    @Test
    void name_isNameAlgAndTheDigestOfThePublicArea_andEmptyForNullNameAlg() throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(TpmCodec.encode(SEALED));
        assertThat(SEALED.name()).isEqualTo(Bytes.fromHex("0004").concat(Bytes.wrap(digest)));
        assertThat(SEALED.marshal()).isEqualTo(Bytes.wrap(TpmCodec.encode(SEALED)));
        assertThat(TpmtPublic.of(TpmAlg.NULL, new TpmaObject(0), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL))
                .name()).isEqualTo(Bytes.EMPTY);
    }

    @Test
    void template_decodesAsPublicOrAsDerivationTemplate_asTheParentSays() {
        TpmtDerivedTemplate derived = TpmtDerivedTemplate.of(TpmAlg.SHA256, new TpmaObject(0x00040072), Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL), new TpmsDerive(Bytes.fromHex("6c"), Bytes.fromHex("63")));
        assertThat(TpmuTemplate.decodeLenient(derived.toTemplate(), true)).isEqualTo(derived);
        assertThat(TpmuTemplate.decodeLenient(SEALED.toTemplate(), false)).isEqualTo(SEALED);
        // the same octets read the other way: TPMS_DERIVE is two TPM2Bs, the keyed-hash unique one
        assertThat(rcOf(() -> TpmuTemplate.decodeLenient(derived.toTemplate(), false))).isEqualTo(TpmRc.SIZE);
        assertThat(TpmuTemplate.decode(SEALED.toTemplate(), false)).isEqualTo(SEALED);
    }

    // ---------------------------------------------------------------- sensitive

    @Test
    void sensitive_goldenOctets_andSecretsAreRedacted() {
        TpmtSensitive sealed = TpmtSensitive.of(s("pw"), Secret.of(b(2, 0xEE)), new TpmuSensitiveComposite.Bits(s("hi")));
        assertThat(HEX.formatHex(TpmCodec.encode(sealed))).isEqualTo("0008 0002 7077 0002 eeee 0002 6869".replace(" ", ""));
        assertThat(sealed.toString()).doesNotContain("7077").contains("redacted");
        TpmsSensitiveCreate create = new TpmsSensitiveCreate(s("pw"), Secret.EMPTY);
        assertThat(HEX.formatHex(TpmCodec.encode(create))).isEqualTo("000270770000");
    }

    @Test
    void sensitive_unknownType_isType_andLenientlyTheSelector() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSensitive.class, hex("0004 0000 0000 0000")))).isEqualTo(TpmRc.TYPE);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtSensitive.class, hex("000b 0000 0000 0000"))))
                .isEqualTo(TpmRc.SELECTOR);
        assertThat(rcOf(() -> new TpmtSensitive(TpmAlg.RSA, Secret.EMPTY, Secret.EMPTY,
                new TpmuSensitiveComposite.Ecc(Secret.EMPTY)))).isEqualTo(TpmRc.TYPE);
    }

    @Test
    void sensitiveCreate_authLongerThanADigest_isSize() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmsSensitiveCreate.class, hex("0041" + "00".repeat(65) + "0000"))))
                .isEqualTo(TpmRc.SIZE);
        assertThat(rcOf(() -> TpmCodec.decode(TpmsSensitiveCreate.class, hex("0000 0081" + "00".repeat(129)))))
                .isEqualTo(TpmRc.SIZE);
    }

    // ---------------------------------------------------------------- tickets, context

    @Test
    void tickets_wrongTag_isTag_andBadHierarchy_isValue() {
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtTkCreation.class, hex("8022 40000007 0000")))).isEqualTo(TpmRc.TAG);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtTkVerified.class, hex("8021 40000007 0000")))).isEqualTo(TpmRc.TAG);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtTkAuth.class, hex("8024 40000007 0000")))).isEqualTo(TpmRc.TAG);
        assertThat(TpmCodec.decode(TpmtTkAuth.class, hex("8023 40000007 0000")).tag()).isEqualTo(TpmSt.AUTH_SECRET);
        assertThat(TpmCodec.decode(TpmtTkAuth.class, hex("8025 40000007 0000")).tag()).isEqualTo(TpmSt.AUTH_SIGNED);
        assertThat(rcOf(() -> TpmCodec.decode(TpmtTkCreation.class, hex("8021 4000000a 0000")))).isEqualTo(TpmRc.VALUE);
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtTkCreation.nullTicket()))).isEqualTo("8021400000070000");
        // a tag that is no TPM_ST at all: TPM_RC_VALUE, as TPM_ST_Unmarshal says before the ticket's own check
        assertThat(rcOf(() -> TpmCodec.decode(TpmtTkCreation.class, hex("1234 40000007 0000")))).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> TpmCodec.decode(TpmtTkHashcheck.class, hex("8029 40000007 0000")))).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtTkCreation.class, hex("1234 40000007 0000")))).isEqualTo(TpmRc.TAG);
    }

    @Test
    void context_goldenOctets_andSavedHandleTypes() {
        TpmsContext c = new TpmsContext(2L, 0x80000002, TpmRh.ENDORSEMENT, Bytes.fromHex("abcd"));
        assertThat(HEX.formatHex(TpmCodec.encode(c))).isEqualTo("0000000000000002" + "80000002" + "4000000b" + "0002abcd");
        assertThat(TpmCodec.decode(TpmsContext.class, TpmCodec.encode(c))).isEqualTo(c);
        for (String saved : new String[] {"80000003", "81000000", "40000001", "01000000"}) {
            assertThat(rcOf(() -> TpmCodec.decode(TpmsContext.class, hex("0000000000000002" + saved + "40000007 0000"))))
                    .as(saved).isEqualTo(TpmRc.VALUE);
        }
        assertThat(TpmCodec.decode(TpmsContext.class, hex("0000000000000002 03000001 40000007 0000")).savedHandle())
                .isEqualTo(0x03000001);
        assertThat(rcOf(() -> TpmCodec.decode(TpmsContext.class, hex("0000000000000002 80000000 40000010 0000"))))
                .isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> TpmCodec.decode(TpmsContext.class,
                hex("0000000000000002 80000000 40000001 0a79" + "00".repeat(2681))))).isEqualTo(TpmRc.SIZE);
    }

    // ---------------------------------------------------------------- signatures and schemes

    @Test
    void signature_goldenOctets() {
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.ECDSA, TpmAlg.SHA256,
                Bytes.fromHex("01"), Bytes.fromHex("0203")))))).isEqualTo("0018000b000101" + "00020203");
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtSignature.of(new TpmuSignature.Hmac(
                new TpmtHa(TpmAlg.SHA1, b(20, 0xAB))))))).isEqualTo("0005" + "0004" + "ab".repeat(20));
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtSignature.NULL))).isEqualTo("0010");
    }

    @Test
    void signature_unknownScheme_isScheme_andLenientlyTheSelector() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSignature.class, hex("0015")))).isEqualTo(TpmRc.SCHEME);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtSignature.class, hex("0015")))).isEqualTo(TpmRc.SELECTOR);
        assertThat(TpmCodec.decode(TpmtSignature.class, hex("001a 000b 0000 0000")).sigAlg()).isEqualTo(TpmAlg.ECDAA); // in the table
        assertThat(TpmCodec.decode(TpmtSignature.class, hex("0010"))).isEqualTo(TpmtSignature.NULL);
        assertThat(rcOf(() -> new TpmtSignature(TpmAlg.RSASSA, new TpmuSignature.Rsa(TpmAlg.RSAPSS, TpmAlg.SHA256,
                Bytes.EMPTY)))).isEqualTo(TpmRc.SCHEME);
        assertThat(rcOf(() -> new TpmtSignature(TpmAlg.RSAES, TpmsEmpty.INSTANCE))).isEqualTo(TpmRc.SCHEME);
    }

    @Test
    void signature_hashNotImplemented_isHash() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmuSignature.Rsa.class, hex("0012 0000")))).isEqualTo(TpmRc.HASH);
    }

    @Test
    void sigScheme_goldenOctets_andStrictCodes() {
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtSigScheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256)))).isEqualTo("0016000b");
        assertThat(HEX.formatHex(TpmCodec.encode(new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 2)))))
                .isEqualTo("001a000b0002");
        assertThat(TpmCodec.decode(TpmtSigScheme.class, hex("0010"))).isEqualTo(TpmtSigScheme.NULL);
        assertThat(TpmCodec.decode(TpmtSigScheme.class, hex("0014 000b"))).isEqualTo(TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256));
        assertThat(TpmCodec.decode(TpmtSigScheme.class, hex("001b 000b"))).isEqualTo(TpmtSigScheme.of(TpmAlg.SM2, TpmAlg.SHA256));
        assertThat(TpmCodec.decode(TpmtSigScheme.class, hex("001a 000b 0002")))
                .isEqualTo(new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, 2)));   // ECDAA, with TPM2_Commit
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSigScheme.class, hex("001a 0003 0002")))).isEqualTo(TpmRc.HASH);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtSigScheme.class, hex("0017 000b")))).isEqualTo(TpmRc.SELECTOR);
    }

    @Test
    void rsaDecrypt_goldenOctets_andStrictCodes() {
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtRsaDecrypt.oaep(TpmAlg.SHA256)))).isEqualTo("0017000b");
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtRsaDecrypt.RSAES))).isEqualTo("0015");
        assertThat(TpmCodec.decode(TpmtRsaDecrypt.class, hex("0010"))).isEqualTo(TpmtRsaDecrypt.NULL);
        assertThat(TpmCodec.decode(TpmtRsaDecrypt.class, hex("0017 000b"))).isEqualTo(TpmtRsaDecrypt.oaep(TpmAlg.SHA256));
        assertThat(TpmCodec.decode(TpmtRsaDecrypt.class, hex("0015"))).isEqualTo(TpmtRsaDecrypt.RSAES);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtRsaDecrypt.class, hex("0014 000b")))).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtRsaDecrypt.class, hex("0006")))).isEqualTo(TpmRc.SELECTOR);
    }

    // ---------------------------------------------------------------- attestation

    @Test
    void attest_unknownType_isSelector_andTheArmMustMatchTheType() {
        byte[] quote = TpmCodec.encode(TpmsAttest.of(Bytes.EMPTY, Bytes.EMPTY, new TpmsClockInfo(0, 0, 0, false), 0L,
                new TpmsSessionAuditInfo(false, Bytes.EMPTY)));
        assertThat(HEX.formatHex(quote)).isEqualTo("ff544347" + "8016" + "0000" + "0000" + "0000000000000000"
                + "00000000" + "00000000" + "00" + "0000000000000000" + "00" + "0000");
        quote[5] = 0x13; // TPM_ST 0x8013: no arm
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmsAttest.class, quote))).isEqualTo(TpmRc.SELECTOR);
        assertThat(rcOf(() -> new TpmsAttest(TpmsAttest.TPM_GENERATED_VALUE, TpmSt.ATTEST_QUOTE, Bytes.EMPTY, Bytes.EMPTY,
                new TpmsClockInfo(0, 0, 0, false), 0L, new TpmsCertifyInfo(Bytes.EMPTY, Bytes.EMPTY)))).isEqualTo(TpmRc.SELECTOR);
    }
}
