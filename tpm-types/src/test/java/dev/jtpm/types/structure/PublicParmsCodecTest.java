package dev.jtpm.types.structure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.TestParms;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes for TPMT_PUBLIC_PARMS and the structures it holds. No key algorithm is implemented
 * yet, so non-NULL arms decode only leniently; strict decoding gives the TPMI code of Part 2.
 */
class PublicParmsCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) { return HEX.parseHex(s.replace(" ", "")); }

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    private static <T extends Record> void roundTripsLeniently(T value, String golden) {
        byte[] b = TpmCodec.encode(value);
        assertThat(HEX.formatHex(b)).isEqualTo(golden.replace(" ", ""));
        @SuppressWarnings("unchecked") Class<T> type = (Class<T>) value.getClass();
        assertThat(TpmCodec.decodeLenient(type, b)).isEqualTo(value);
    }

    // ---------------------------------------------------------------- TPMT_SYM_DEF_OBJECT

    @Test
    void symDefObjectNull_isTwoOctets_andDecodesStrictly() {
        assertThat(HEX.formatHex(TpmCodec.encode(TpmtSymDefObject.NULL))).isEqualTo("0010");
        assertThat(TpmCodec.decode(TpmtSymDefObject.class, hex("0010"))).isEqualTo(TpmtSymDefObject.NULL);
    }

    @Test
    void symDefObjectAes_roundTrips_andAnUnimplementedCipherIsSymmetric() {
        TpmtSymDefObject aes = TpmtSymDefObject.aes(128, TpmAlg.CFB);
        roundTripsLeniently(aes, "0006 0080 0043");
        assertThat(TpmCodec.decode(TpmtSymDefObject.class, hex("0006 0080 0043"))).isEqualTo(aes);
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSymDefObject.class, hex("0013 0080 0043")))).isEqualTo(TpmRc.SYMMETRIC);
    }

    @Test
    void symDefObjectOtherCiphers_roundTrip() {
        roundTripsLeniently(new TpmtSymDefObject(TpmAlg.SM4, new TpmuSymKeyBits.Sm4(128),
                new TpmuSymMode.Block(TpmAlg.SM4, TpmAlg.CBC)), "0013 0080 0042");
        roundTripsLeniently(new TpmtSymDefObject(TpmAlg.CAMELLIA, new TpmuSymKeyBits.Camellia(256),
                new TpmuSymMode.Block(TpmAlg.CAMELLIA, TpmAlg.NULL)), "0026 0100 0010");
        roundTripsLeniently(new TpmtSymDefObject(TpmAlg.TDES, new TpmuSymKeyBits.Tdes(192),
                new TpmuSymMode.Block(TpmAlg.TDES, TpmAlg.ECB)), "0003 00c0 0044");
    }

    @Test
    void symDefObjectXor_isSymmetric() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSymDefObject.class, hex("000a 000b")))).isEqualTo(TpmRc.SYMMETRIC);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtSymDefObject.class, hex("000a 000b")))).isEqualTo(TpmRc.SYMMETRIC);
    }

    @Test
    void symDefObjectUnknownAlgorithm_isSymmetric_andLenientlyTheUnionsSelector() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSymDefObject.class, hex("0004")))).isEqualTo(TpmRc.SYMMETRIC);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtSymDefObject.class, hex("0004")))).isEqualTo(TpmRc.SELECTOR);
    }

    @Test
    void symDefObjectTruncated_isInsufficient_andTrailing_isSize() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSymDefObject.class, hex("00")))).isEqualTo(TpmRc.INSUFFICIENT);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtSymDefObject.class, hex("0006 0080 00"))))
                .isEqualTo(TpmRc.INSUFFICIENT);
        assertThat(rcOf(() -> TpmCodec.decode(TpmtSymDefObject.class, hex("0010 00")))).isEqualTo(TpmRc.SIZE);
    }

    @Test
    void symDefObjectWithArmOfAnotherAlgorithm_isRejected() {
        assertThat(rcOf(() -> new TpmtSymDefObject(TpmAlg.AES, new TpmuSymKeyBits.Sm4(128),
                new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CFB)))).isEqualTo(TpmRc.SYMMETRIC);
        assertThat(rcOf(() -> new TpmtSymDefObject(TpmAlg.AES, new TpmuSymKeyBits.Aes(128),
                new TpmuSymMode.Block(TpmAlg.SM4, TpmAlg.CFB)))).isEqualTo(TpmRc.SYMMETRIC);
    }

    // ---------------------------------------------------------------- schemes

    @Test
    void rsaSchemes_roundTrip_andDecodeOnceImplemented() {
        roundTripsLeniently(TpmtRsaScheme.NULL, "0010");
        assertThat(TpmCodec.decode(TpmtRsaScheme.class, hex("0010"))).isEqualTo(TpmtRsaScheme.NULL);
        roundTripsLeniently(TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), "0014 000b");
        roundTripsLeniently(TpmtRsaScheme.of(TpmAlg.OAEP, TpmAlg.SHA1), "0017 0004");
        roundTripsLeniently(new TpmtRsaScheme(TpmAlg.RSAES, new TpmuAsymScheme.Rsaes()), "0015");
        assertThat(TpmCodec.decode(TpmtRsaScheme.class, hex("0014 000b"))).isEqualTo(TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256));
    }

    @Test
    void rsaSchemeWithEccScheme_isValue() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtRsaScheme.class, hex("0018 000b")))).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtRsaScheme.class, hex("0018 000b")))).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> new TpmtRsaScheme(TpmAlg.RSASSA, TpmsEmpty.INSTANCE))).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void eccSchemes_roundTrip_andAreSchemeWhileNotImplemented() {
        roundTripsLeniently(TpmtEccScheme.NULL, "0010");
        roundTripsLeniently(TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA384), "0018 000c");
        roundTripsLeniently(new TpmtEccScheme(TpmAlg.ECDAA, new TpmuAsymScheme.Ecdaa(TpmAlg.SHA256, 7)), "001a 000b 0007");
        assertThat(TpmCodec.decode(TpmtEccScheme.class, hex("0018 000b"))).isEqualTo(TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256));
        assertThat(TpmCodec.decode(TpmtEccScheme.class, hex("001b 000b"))).isEqualTo(TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256));
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtEccScheme.class, hex("0014 000b")))).isEqualTo(TpmRc.SCHEME);
    }

    @Test
    void kdfSchemes_roundTrip_andAnAlgorithmThatIsNoKdfIsKdf() {
        roundTripsLeniently(TpmtKdfScheme.NULL, "0010");
        roundTripsLeniently(TpmtKdfScheme.of(TpmAlg.KDF1_SP800_108, TpmAlg.SHA256), "0022 000b");
        assertThat(TpmCodec.decode(TpmtKdfScheme.class, hex("0020 000b"))).isEqualTo(TpmtKdfScheme.of(TpmAlg.KDF1_SP800_56A, TpmAlg.SHA256));
        assertThat(TpmCodec.decode(TpmtKdfScheme.class, hex("0021 000c"))).isEqualTo(TpmtKdfScheme.of(TpmAlg.KDF2, TpmAlg.SHA384));
        assertThat(TpmCodec.decode(TpmtKdfScheme.class, hex("0022 000d"))).isEqualTo(TpmtKdfScheme.of(TpmAlg.KDF1_SP800_108, TpmAlg.SHA512));
        assertThat(rcOf(() -> TpmCodec.decode(TpmtKdfScheme.class, hex("0012 000b")))).isEqualTo(TpmRc.KDF);   // SM3_256
        assertThat(TpmCodec.decode(TpmtKdfScheme.class, hex("0007 000b"))).isEqualTo(TpmtKdfScheme.of(TpmAlg.MGF1, TpmAlg.SHA256));
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtKdfScheme.class, hex("0099 000b")))).isEqualTo(TpmRc.SELECTOR);
    }

    @Test
    void keyedHashSchemes_roundTrip_andAnUnknownSchemeIsValue() {
        roundTripsLeniently(TpmtKeyedhashScheme.NULL, "0010");
        roundTripsLeniently(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256), "0005 000b");
        roundTripsLeniently(new TpmtKeyedhashScheme(TpmAlg.XOR, new TpmuSchemeKeyedhash.Xor(TpmAlg.SHA256,
                TpmAlg.KDF1_SP800_108)), "000a 000b 0022");
        assertThat(TpmCodec.decode(TpmtKeyedhashScheme.class, hex("0005 000b"))).isEqualTo(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256));
        assertThat(rcOf(() -> TpmCodec.decode(TpmtKeyedhashScheme.class, hex("0014 000b")))).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void schemeDetailsWithHashNotImplemented_isHash() {
        // decoded on their own, because their schemes are not implemented yet
        assertThat(rcOf(() -> TpmCodec.decode(TpmuSchemeKeyedhash.Hmac.class, hex("0027")))).isEqualTo(TpmRc.HASH);
        assertThat(rcOf(() -> TpmCodec.decode(TpmuAsymScheme.Ecdaa.class, hex("0010 0001")))).isEqualTo(TpmRc.HASH);
        assertThat(TpmCodec.decode(TpmuSchemeKeyedhash.Hmac.class, hex("000b")).hashAlg()).isEqualTo(TpmAlg.SHA256);
    }

    @Test
    void symModeNotImplemented_isMode() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmuSymMode.Block.class, hex("0045")))).isEqualTo(TpmRc.MODE);
        assertThat(TpmCodec.decode(TpmuSymMode.Block.class, hex("003f")).mode()).isEqualTo(TpmAlg.CMAC);
        assertThat(TpmCodec.decode(TpmuSymMode.Block.class, hex("0042")).mode()).isEqualTo(TpmAlg.CBC);
        assertThat(TpmCodec.decode(TpmuSymMode.Block.class, hex("0010")).mode()).isEqualTo(TpmAlg.NULL);
    }

    // ---------------------------------------------------------------- parms and TPMT_PUBLIC_PARMS

    @Test
    void rsaParms_roundTrip_andKeyBitsNotImplemented_isValue() {
        TpmsRsaParms rsa = new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtRsaScheme.NULL, 2048, 0);
        roundTripsLeniently(TpmtPublicParms.of(rsa), "0001 0006 0080 0043 0010 0800 00000000");
        assertThat(TpmCodec.decode(TpmsRsaParms.class, hex("0010 0010 0800 00000000")).keyBits()).isEqualTo(2048);
        assertThat(rcOf(() -> TpmCodec.decode(TpmsRsaParms.class, hex("0010 0010 0200 00000000")))).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void eccParms_roundTrip_andCurveNotImplemented_isCurve() {
        TpmsEccParms ecc = new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), 0x0003,
                TpmtKdfScheme.NULL);
        roundTripsLeniently(TpmtPublicParms.of(ecc), "0023 0010 0018 000b 0003 0010");
        assertThat(TpmCodec.decode(TpmsEccParms.class, hex("0010 0010 0003 0010")).curveID()).isEqualTo(0x0003);
        assertThat(rcOf(() -> TpmCodec.decode(TpmsEccParms.class, hex("0010 0010 0006 0010")))).isEqualTo(TpmRc.CURVE);
    }

    @Test
    void keyedHashAndSymcipherParms_roundTrip() {
        roundTripsLeniently(TpmtPublicParms.of(new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL)), "0008 0010");
        roundTripsLeniently(TpmtPublicParms.of(new TpmsSymcipherParms(TpmtSymDefObject.aes(256, TpmAlg.CFB))),
                "0025 0006 0100 0043");
    }

    @Test
    void symcipherWithoutCipher_isSymmetric() {
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtPublicParms.class, hex("0025 0010")))).isEqualTo(TpmRc.SYMMETRIC);
    }

    @Test
    void publicParmsOfEveryObjectType_decodeStrictly() {
        for (String parms : new String[] {"0001 0010 0010 0800 00000000", "0008 0010", "0023 0010 0010 0003 0010",
                "0025 0006 0080 0043"}) {
            assertThat(TpmCodec.encode(TpmCodec.decode(TpmtPublicParms.class, hex(parms)))).as(parms).isEqualTo(hex(parms));
        }
    }

    @Test
    void publicParmsUnknownType_isType_andLenientlyTheUnionsSelector() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtPublicParms.class, hex("0004")))).isEqualTo(TpmRc.TYPE);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtPublicParms.class, hex("0004")))).isEqualTo(TpmRc.SELECTOR);
    }

    @Test
    void publicParmsTruncated_isInsufficient() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmtPublicParms.class, hex("00")))).isEqualTo(TpmRc.INSUFFICIENT);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtPublicParms.class, hex("0001 0010 0010 08")))).isEqualTo(TpmRc.INSUFFICIENT);
        assertThat(rcOf(() -> TpmCodec.decodeLenient(TpmtPublicParms.class, hex("0023 0010 0018")))).isEqualTo(TpmRc.INSUFFICIENT);
    }

    @Test
    void publicParmsWithArmOfAnotherType_isType() {
        TpmsKeyedhashParms keyed = new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL);
        assertThat(rcOf(() -> new TpmtPublicParms(TpmAlg.RSA, keyed))).isEqualTo(TpmRc.TYPE);
        assertThat(TpmtPublicParms.of(keyed).type()).isEqualTo(TpmAlg.KEYEDHASH);
    }

    @Test
    void testParmsCommand_goldenBytes() {
        byte[] cmd = CommandBytes.encode(new TestParms(TpmtPublicParms.of(new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL))));
        assertThat(HEX.formatHex(cmd)).isEqualTo("8001" + "0000000e" + "0000018a" + "0008" + "0010");
    }
}
