package dev.jtpm.crypto.x509;

import static dev.jtpm.crypto.x509.Der.concat;
import static dev.jtpm.crypto.x509.Der.sequence;
import static dev.jtpm.crypto.x509.Der.tlv;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.x509.PartialCertificate.Parsed;
import dev.jtpm.crypto.x509.PartialCertificate.Refusal;
import dev.jtpm.crypto.x509.PartialCertificate.Refused;
import dev.jtpm.crypto.x509.X509Extensions.Result;
import dev.jtpm.types.Bytes;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link Asn1Cursor}, {@link PartialCertificate} and {@link X509Extensions}: ms-tpm's parsing rules one by one. */
class PartialCertificateTest {
    static byte[] hex(String h) { return HexFormat.of().parseHex(h.replace(" ", "")); }

    static final byte[] ISSUER = sequence(tlv(0x31, sequence(Der.oid("2.5.4.3"), tlv(0x0C, "issuer".getBytes()))));
    static final byte[] VALIDITY = sequence(tlv(0x17, "250101000000Z".getBytes()), tlv(0x17, "350101000000Z".getBytes()));
    static final byte[] SUBJECT = sequence(tlv(0x31, sequence(Der.oid("2.5.4.3"), tlv(0x0C, "subject".getBytes()))));
    static final byte[] SIG_ALG = sequence(Der.oid("1.2.840.113549.1.1.11"), Der.NULL);

    /** An extension: SEQUENCE { oid, [critical,] OCTET STRING { value } }. */
    static byte[] extension(byte[] oid, boolean critical, byte[] value) {
        return critical ? sequence(oid, hex("0101ff"), tlv(Der.OCTET_STRING, value)) : sequence(oid, tlv(Der.OCTET_STRING, value));
    }

    static byte[] bits(int usedOctets, long leftJustified, int unused) {
        byte[] v = new byte[usedOctets];
        for (int i = 0; i < usedOctets; i++) v[i] = (byte) (leftJustified >>> (24 - 8 * i));
        return concat(new byte[] {Der.BIT_STRING, (byte) (usedOctets + 1), (byte) unused}, v);
    }

    static byte[] keyUsage(int usage) { return extension(X509Extensions.KEY_USAGE_OID, true, bits(2, Integer.toUnsignedLong(usage), 7)); }

    static byte[] tpmaObject(int attributes) { return extension(X509Extensions.TPMA_OBJECT_OID, false, bits(4, Integer.toUnsignedLong(attributes), 0)); }

    static byte[] extensions(byte[]... ext) { return tlv(0xA3, sequence(ext)); }

    static final byte[] EXT = extensions(keyUsage(X509Extensions.DIGITAL_SIGNATURE));

    static PartialCertificate.Parse parse(byte[]... elements) { return PartialCertificate.parse(sequence(elements)); }

    static Refusal refusal(PartialCertificate.Parse p) { return p instanceof Refused r ? r.refusal() : null; }

    // ------------------------------------------------------------------ the cursor

    @Test
    void cursor_lengthForms() {
        Asn1Cursor c = Asn1Cursor.over(hex("04 81 02 aa bb"), 0, 5);
        assertThat(c.nextTag()).isEqualTo(2);   // non-minimal long form accepted
        assertThat(Asn1Cursor.over(hex("04 83 00 00 01 aa"), 0, 6).nextTag()).isEqualTo(-1);
        assertThat(Asn1Cursor.over(hex("04 82 80 00"), 0, 4).nextTag()).isEqualTo(-1);
        assertThat(Asn1Cursor.over(hex("04 80"), 0, 2).nextTag()).isEqualTo(-1);
        assertThat(Asn1Cursor.over(hex("04 03 aa bb"), 0, 4).nextTag()).isEqualTo(-1);   // runs past the window
        Asn1Cursor ext = Asn1Cursor.over(hex("1f 01 00"), 0, 3);
        assertThat(ext.nextTag()).isEqualTo(-1);
        assertThat(ext.failed()).isTrue();
        assertThat(ext.nextTag()).isEqualTo(-1);   // sticky
        assertThat(Asn1Cursor.over(new byte[0], 0, 0)).isNull();
    }

    @Test
    void cursor_bitStringValue_leftJustified_withMsTpmsLimits() {
        assertThat(Asn1Cursor.over(hex("03 02 07 80"), 0, 4).bitStringValue()).isEqualTo(0x80000000L);
        assertThat(Asn1Cursor.over(hex("03 02 01 86"), 0, 4).bitStringValue()).isEqualTo(0x86000000L);
        assertThat(Asn1Cursor.over(hex("03 03 00 12 34"), 0, 5).bitStringValue()).isEqualTo(0x12340000L);
        assertThat(Asn1Cursor.over(hex("03 05 00 12 34 56 78"), 0, 7).bitStringValue()).isEqualTo(0x12345678L);
        assertThat(Asn1Cursor.over(hex("03 01 00"), 0, 3).bitStringValue()).isZero();
        assertThat(Asn1Cursor.over(hex("03 01 01"), 0, 3).bitStringValue()).isEqualTo(-1);   // unused bits, no octets
        assertThat(Asn1Cursor.over(hex("03 02 08 ff"), 0, 4).bitStringValue()).isEqualTo(-1);
        assertThat(Asn1Cursor.over(hex("04 02 07 80"), 0, 4).bitStringValue()).isEqualTo(-1);   // not a BIT STRING
        assertThat(Asn1Cursor.over(hex("03 00"), 0, 2).bitStringValue()).isEqualTo(-1);
        // more than 32 bits: ms-tpm's checks let five whole octets through, keeping the low 32 bits shifted by 24
        assertThat(Asn1Cursor.over(hex("03 06 00 11 22 33 44 55"), 0, 8).bitStringValue()).isEqualTo(0x55000000L);
        assertThat(Asn1Cursor.over(hex("03 06 01 11 22 33 44 55"), 0, 8).bitStringValue()).isEqualTo(0x54000000L);
        assertThat(Asn1Cursor.over(hex("03 06 01 91 22 33 44 55"), 0, 8).bitStringValue()).isEqualTo(-1);
        assertThat(Asn1Cursor.over(hex("03 07 00 01 22 33 44 55 66"), 0, 9).bitStringValue()).isEqualTo(-1);
    }

    // ------------------------------------------------------------------ the split

    @Test
    void parse_threeSequencesAndExtensions_leavesTheSignatureToTheTpm() {
        var p = (Parsed) parse(ISSUER, VALIDITY, SUBJECT, EXT);
        assertThat(p.certificate().hasSignature()).isFalse();
        assertThat(p.certificate().issuer()).isEqualTo(Bytes.wrap(ISSUER));
        assertThat(p.certificate().validity()).isEqualTo(Bytes.wrap(VALIDITY));
        assertThat(p.certificate().subject()).isEqualTo(Bytes.wrap(SUBJECT));
        assertThat(p.certificate().extensions()).isEqualTo(Bytes.wrap(EXT));
    }

    @Test
    void parse_fourSequences_theFirstIsTheSignature_andExtensionsMayComeFirst() {
        var p = (Parsed) parse(SIG_ALG, ISSUER, VALIDITY, SUBJECT, EXT);
        assertThat(p.certificate().signature()).isEqualTo(Bytes.wrap(SIG_ALG));
        assertThat(p.certificate().subject()).isEqualTo(Bytes.wrap(SUBJECT));
        var q = (Parsed) parse(EXT, ISSUER, VALIDITY, SUBJECT);
        assertThat(q.certificate().issuer()).isEqualTo(Bytes.wrap(ISSUER));
    }

    @Test
    void parse_notOneSequenceTakingAllOctets_isNotOneSequence() {
        assertThat(refusal(PartialCertificate.parse(new byte[0]))).isEqualTo(Refusal.EMPTY);
        byte[] good = sequence(ISSUER, VALIDITY, SUBJECT, EXT);
        assertThat(refusal(PartialCertificate.parse(concat(good, new byte[] {0})))).isEqualTo(Refusal.NOT_ONE_SEQUENCE);
        byte[] set = good.clone();
        set[0] = 0x31;
        assertThat(refusal(PartialCertificate.parse(set))).isEqualTo(Refusal.NOT_ONE_SEQUENCE);
        assertThat(refusal(PartialCertificate.parse(hex("30 81")))).isEqualTo(Refusal.NOT_ONE_SEQUENCE);
        assertThat(refusal(PartialCertificate.parse(hex("30 01 05 00")))).isEqualTo(Refusal.NOT_ONE_SEQUENCE);
        assertThat(refusal(PartialCertificate.parse(hex("30 05 05 00")))).isEqualTo(Refusal.NOT_ONE_SEQUENCE);
    }

    @Test
    void parse_wrongElements_areBadElements() {
        assertThat(refusal(parse(VALIDITY, SUBJECT, EXT))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(SIG_ALG, SIG_ALG, ISSUER, VALIDITY, SUBJECT, EXT))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT, EXT, EXT))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT, tlv(0xA1, Der.NULL), EXT))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT, Der.NULL, EXT))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT, EXT, hex("1f 00")))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT, EXT, hex("30 05 00")))).isEqualTo(Refusal.BAD_ELEMENTS);
        assertThat(refusal(parse(ISSUER, VALIDITY, SUBJECT, EXT, hex("30 83")))).isEqualTo(Refusal.BAD_ELEMENTS);
    }

    // ------------------------------------------------------------------ the extensions

    static final int SIGN = 1 << 18, DECRYPT = 1 << 17, RESTRICTED = 1 << 16, FIXED_TPM = 1 << 1;

    @Test
    void extensions_keyUsageMustSuitTheObject() {
        assertThat(X509Extensions.check(EXT, SIGN)).isEqualTo(Result.OK);
        assertThat(X509Extensions.check(EXT, DECRYPT)).isEqualTo(Result.VALUE);
        for (int u : new int[] {X509Extensions.KEY_CERT_SIGN, X509Extensions.CRL_SIGN}) {
            assertThat(X509Extensions.check(extensions(keyUsage(u)), DECRYPT)).isEqualTo(Result.VALUE);
            assertThat(X509Extensions.check(extensions(keyUsage(u)), SIGN)).isEqualTo(Result.OK);
        }
        for (int u : new int[] {X509Extensions.KEY_ENCIPHERMENT, X509Extensions.DATA_ENCIPHERMENT,
                X509Extensions.ENCIPHER_ONLY, X509Extensions.DECIPHER_ONLY}) {
            assertThat(X509Extensions.check(extensions(keyUsage(u)), SIGN)).isEqualTo(Result.VALUE);
            assertThat(X509Extensions.check(extensions(keyUsage(u)), DECRYPT)).isEqualTo(Result.OK);
        }
        byte[] agreement = extensions(keyUsage(X509Extensions.KEY_AGREEMENT));
        assertThat(X509Extensions.check(agreement, DECRYPT)).isEqualTo(Result.VALUE);
        assertThat(X509Extensions.check(agreement, DECRYPT | RESTRICTED)).isEqualTo(Result.OK);
        byte[] nonRepudiation = extensions(keyUsage(X509Extensions.NON_REPUDIATION));
        assertThat(X509Extensions.check(nonRepudiation, SIGN)).isEqualTo(Result.VALUE);
        assertThat(X509Extensions.check(nonRepudiation, FIXED_TPM)).isEqualTo(Result.OK);
        assertThat(X509Extensions.check(extensions(keyUsage(0)), 0)).isEqualTo(Result.OK);
    }

    @Test
    void extensions_keyUsageIsRequired_andMustHoldABitStringInAnOctetString() {
        assertThat(X509Extensions.check(extensions(tpmaObject(SIGN)), SIGN)).isEqualTo(Result.VALUE);
        assertThat(X509Extensions.check(extensions(extension(X509Extensions.KEY_USAGE_OID, false, hex("0500"))), SIGN))
                .isEqualTo(Result.VALUE);
        assertThat(X509Extensions.check(extensions(sequence(X509Extensions.KEY_USAGE_OID, hex("0101ff"))), SIGN))
                .isEqualTo(Result.VALUE);
        assertThat(X509Extensions.check(extensions(extension(X509Extensions.KEY_USAGE_OID, false, bits(1, 0x80000000L, 7))), SIGN))
                .isEqualTo(Result.OK);   // no critical flag
        assertThat(X509Extensions.check(extensions(Der.NULL, keyUsage(0)), SIGN)).isEqualTo(Result.VALUE);   // not a SEQUENCE
        assertThat(X509Extensions.check(tlv(0xA3, tlv(0x31, keyUsage(0))), SIGN)).isEqualTo(Result.VALUE);
        assertThat(X509Extensions.check(tlv(0xA2, sequence(keyUsage(0))), SIGN)).isEqualTo(Result.VALUE);
    }

    @Test
    void extensions_tpmaObject_mustEqualTheAttributes_beforeKeyUsageIsLookedAt() {
        int attrs = SIGN | FIXED_TPM | (1 << 4) | (1 << 5);
        assertThat(X509Extensions.check(extensions(tpmaObject(attrs), keyUsage(X509Extensions.DIGITAL_SIGNATURE)), attrs))
                .isEqualTo(Result.OK);
        assertThat(X509Extensions.check(extensions(keyUsage(X509Extensions.DIGITAL_SIGNATURE), tpmaObject(attrs | 1 << 6)), attrs))
                .isEqualTo(Result.ATTRIBUTES);
        assertThat(X509Extensions.check(extensions(tpmaObject(attrs | 1 << 6)), attrs)).isEqualTo(Result.ATTRIBUTES);
        // found but without a bit string: VALUE
        assertThat(X509Extensions.check(extensions(extension(X509Extensions.TPMA_OBJECT_OID, false, hex("0500")),
                keyUsage(0)), attrs)).isEqualTo(Result.VALUE);
    }
}
