package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

/**
 * TPM2_CertifyX509 on raw octets against swtpm 0.7.1 (libtpms 0.9): the same RSA and ECC keys are loaded into both TPMs
 * with TPM2_LoadExternal (so Names, serial numbers and digests agree), and every signer and inScheme is crossed with
 * every object and ~35 partial certificates — well-formed ones (three and four SEQUENCEs, tcg-tpmaObject extensions,
 * the partial certificate of tpm2-tools' {@code tpm2_certifyX509certutil}) and broken ones at each position of
 * ms-tpm's parsing (outer SEQUENCE, element tags and lengths, extensions, keyUsage, bit strings). The response codes
 * must be equal; where both succeed, addedToCertificate and tbsDigest must be octet for octet equal (and the whole
 * response for RSASSA, which is deterministic). Keys created inside each TPM (restricted signers, an HMAC key, a BN
 * curve, a hash sequence) and TPM_RH_NULL are compared on response codes and the shape of addedToCertificate.
 *
 * <p>One difference is by design: libtpms 0.9.2 swapped its RC_CertifyX509_objectHandle and _signHandle constants
 * (fixed in later libtpms and in ms-tpm), so its TPM_RC_KEY/SCHEME (signHandle) come on handle 1 and TPM_RC_ASYMMETRIC
 * /ATTRIBUTES (objectHandle) on handle 2; jtpm puts them on the handle they concern and the comparison swaps swtpm's
 * index back. TPM_RH_NULL is sent only with partial certificates refused before libtpms dereferences the missing key
 * (a valid one crashes swtpm).
 */
class CertifyX509DifferentialTest {
    private static final int OWNER = 0x40000001, ENDORSEMENT = 0x4000000B, RH_NULL = 0x40000007;
    private static final int NULL = 0x0010, SHA1 = 0x0004, SHA256 = 0x000B, SHA384 = 0x000C, SHA512 = 0x000D;
    private static final int RSASSA = 0x0014, RSAPSS = 0x0016, ECDSA = 0x0018, SM2 = 0x001B, ECSCHNORR = 0x001C, HMAC = 0x0005;
    private static final int FIXED = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6);
    private static final int USER_WITH_AUTH = 1 << 6, RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;
    private static final HexFormat HEX = HexFormat.of();

    // ---------------------------------------------------------------- keys loaded into both TPMs

    /** A key for TPM2_LoadExternal: its TPMT_PUBLIC and TPMT_SENSITIVE, and its attributes. */
    private record External(String name, byte[] publicArea, byte[] sensitive, int attributes) {}

    private static byte[] fixed(BigInteger v, int size) {
        byte[] b = v.toByteArray(), out = new byte[size];
        int n = Math.min(b.length, size);
        System.arraycopy(b, b.length - n, out, size - n, n);
        return out;
    }

    private static External rsa(String name, int attributes, byte[] scheme) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        byte[] n = fixed(((RSAPublicKey) kp.getPublic()).getModulus(), 256);
        byte[] p = fixed(((RSAPrivateCrtKey) kp.getPrivate()).getPrimeP(), 128);
        byte[] pub = cat(u16(0x0001, SHA256), u32(attributes), u16(0), u16(NULL), scheme, u16(2048), u32(0), sized(n));
        return new External(name, pub, cat(u16(0x0001), u16(0), u16(0), sized(p)), attributes);
    }

    private static External ecc(String name, int attributes, byte[] scheme, String curve, int curveId, int size) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        KeyPair kp = g.generateKeyPair();
        ECPublicKey q = (ECPublicKey) kp.getPublic();
        byte[] x = fixed(q.getW().getAffineX(), size), y = fixed(q.getW().getAffineY(), size);
        byte[] d = fixed(((ECPrivateKey) kp.getPrivate()).getS(), size);
        byte[] pub = cat(u16(0x0023, SHA256), u32(attributes), u16(0), u16(NULL), scheme, u16(curveId), u16(NULL), sized(x), sized(y));
        return new External(name, pub, cat(u16(0x0023), u16(0), u16(0), sized(d)), attributes);
    }

    private static int loadExternal(SwtpmSocketTransport t, External k) throws IOException {
        byte[] r = execute(t, command(0x167, cat(sized(k.sensitive()), sized(k.publicArea()), u32(RH_NULL))));
        if (rc(r) != 0) throw new IllegalStateException("LoadExternal of " + k.name() + ": 0x" + Integer.toHexString(rc(r)));
        return u32At(r, 10);
    }

    // ---------------------------------------------------------------- partial certificates

    private static final X500Name ISSUER = new X500Name("C=US,O=jtpm,CN=Differential CA");
    private static final X500Name SUBJECT = new X500Name("CN=TPM key");
    private static final ASN1Sequence VALIDITY = new DERSequence(new ASN1Encodable[] {
            new Time(new java.util.Date(1_700_000_000_000L)), new Time(new java.util.Date(2_000_000_000_000L))});

    private static byte[] der(ASN1Encodable e) {
        try {
            return e.toASN1Primitive().getEncoded("DER");
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }

    private static Extension keyUsage(int usage) {
        try {
            return new Extension(Extension.keyUsage, true, new DEROctetString(new KeyUsage(usage)));
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }

    private static Extension raw(String oid, byte[] value) { return new Extension(new ASN1ObjectIdentifier(oid), false, value); }

    private static Extension tpmaObject(int attributes) {
        byte[] word = {(byte) (attributes >>> 24), (byte) (attributes >>> 16), (byte) (attributes >>> 8), (byte) attributes};
        return raw("2.23.133.10.1.1.1", der(new DERBitString(word)));
    }

    private static ASN1Encodable extensions(Extension... e) { return new DERTaggedObject(true, 3, new DERSequence(e)); }

    private static byte[] seq(ASN1Encodable... elements) { return der(new DERSequence(elements)); }

    private static byte[] seqRaw(byte[]... contents) {
        byte[] body = cat(contents);
        return cat(body.length < 128 ? new byte[] {0x30, (byte) body.length}
                : body.length < 256 ? new byte[] {0x30, (byte) 0x81, (byte) body.length}
                : new byte[] {0x30, (byte) 0x82, (byte) (body.length >> 8), (byte) body.length}, body);
    }

    /** A partial certificate for an object with the given attributes, and whether ms-tpm's split refuses it. */
    private record Partial(String name, IntFunction<byte[]> build, boolean splitFails) {}

    private static List<Partial> partials(byte[] certutil) {
        List<Partial> p = new ArrayList<>();
        byte[] issuer = der(ISSUER), validity = der(VALIDITY), subject = der(SUBJECT);
        ASN1Encodable sign = extensions(keyUsage(KeyUsage.digitalSignature));
        ASN1Encodable encipher = extensions(keyUsage(KeyUsage.keyEncipherment));
        AlgorithmIdentifier sha256Rsa = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
        p.add(new Partial("3 SEQUENCEs, digitalSignature", a -> seq(ISSUER, VALIDITY, SUBJECT, sign), false));
        p.add(new Partial("3 SEQUENCEs, keyEncipherment", a -> seq(ISSUER, VALIDITY, SUBJECT, encipher), false));
        p.add(new Partial("3 SEQUENCEs, sign|decrypt usages", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(keyUsage(KeyUsage.digitalSignature | KeyUsage.dataEncipherment))), false));
        p.add(new Partial("extensions first", a -> seq(sign, ISSUER, VALIDITY, SUBJECT), false));
        p.add(new Partial("4 SEQUENCEs sha256WithRSA", a -> seq(sha256Rsa, ISSUER, VALIDITY, SUBJECT, sign), false));
        p.add(new Partial("4 SEQUENCEs unknown OID", a -> seq(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.3.4")),
                ISSUER, VALIDITY, SUBJECT, encipher), false));
        p.add(new Partial("tpmaObject equal", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(tpmaObject(a), keyUsage(KeyUsage.digitalSignature))), false));
        p.add(new Partial("tpmaObject equal, keyEncipherment", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(keyUsage(KeyUsage.keyEncipherment), tpmaObject(a))), false));
        p.add(new Partial("tpmaObject differs", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(tpmaObject(a ^ (1 << 10)), keyUsage(KeyUsage.digitalSignature))), false));
        p.add(new Partial("tpmaObject not a bit string", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(raw("2.23.133.10.1.1.1", der(new ASN1Integer(a))), keyUsage(0))), false));
        p.add(new Partial("tpmaObject of 5 octets", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(raw("2.23.133.10.1.1.1", HEX.parseHex("030600" + "00" + String.format("%08x", a))), keyUsage(0))), false));
        p.add(new Partial("keyUsage 0", a -> seq(ISSUER, VALIDITY, SUBJECT, extensions(keyUsage(0))), false));
        p.add(new Partial("nonRepudiation", a -> seq(ISSUER, VALIDITY, SUBJECT, extensions(keyUsage(KeyUsage.nonRepudiation))), false));
        p.add(new Partial("keyAgreement", a -> seq(ISSUER, VALIDITY, SUBJECT, extensions(keyUsage(KeyUsage.keyAgreement))), false));
        p.add(new Partial("keyCertSign|cRLSign", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))), false));
        p.add(new Partial("decipherOnly", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(keyUsage(KeyUsage.keyAgreement | KeyUsage.decipherOnly))), false));
        p.add(new Partial("no keyUsage", a -> seq(ISSUER, VALIDITY, SUBJECT, extensions(tpmaObject(a))), false));
        p.add(new Partial("keyUsage without bit string", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(raw("2.5.29.15", der(DERNull.INSTANCE)))), false));
        p.add(new Partial("keyUsage empty bit string, unused 1", a -> seq(ISSUER, VALIDITY, SUBJECT,
                extensions(raw("2.5.29.15", HEX.parseHex("030101")))), false));
        p.add(new Partial("extension not a SEQUENCE", a -> seq(ISSUER, VALIDITY, SUBJECT,
                new DERTaggedObject(true, 3, new DERSequence(new ASN1Encodable[] {DERNull.INSTANCE, keyUsage(0)}))), false));
        p.add(new Partial("[3] holding a SET", a -> seq(ISSUER, VALIDITY, SUBJECT,
                new DERTaggedObject(true, 3, new DERSet(keyUsage(0)))), false));
        p.add(new Partial("[3] longer than its SEQUENCE", a -> seqRaw(issuer, validity, subject,
                cat(new byte[] {(byte) 0xA3, (byte) (der(new DERSequence(keyUsage(0))).length + 2)}, der(new DERSequence(keyUsage(0))),
                        new byte[] {0x05, 0x00})), false));
        if (certutil != null) p.add(new Partial("tpm2_certifyX509certutil", a -> certutil, false));
        // broken at the split
        p.add(new Partial("empty", a -> new byte[0], true));
        p.add(new Partial("a SET", a -> {
            byte[] b = seq(ISSUER, VALIDITY, SUBJECT, sign);
            b[0] = 0x31;
            return b;
        }, true));
        p.add(new Partial("trailing octet", a -> cat(seq(ISSUER, VALIDITY, SUBJECT, sign), new byte[] {0}), true));
        p.add(new Partial("truncated", a -> {
            byte[] b = seq(ISSUER, VALIDITY, SUBJECT, sign);
            return Arrays.copyOf(b, b.length - 1);
        }, true));
        p.add(new Partial("outer length 0x83", a -> cat(HEX.parseHex("3083000010"), new byte[16]), true));
        p.add(new Partial("2 SEQUENCEs", a -> seq(VALIDITY, SUBJECT, sign), true));
        p.add(new Partial("5 SEQUENCEs", a -> seq(sha256Rsa, ISSUER, ISSUER, VALIDITY, SUBJECT, sign), true));
        p.add(new Partial("no extensions", a -> seq(ISSUER, VALIDITY, SUBJECT), true));
        p.add(new Partial("two extensions", a -> seq(ISSUER, VALIDITY, SUBJECT, sign, sign), true));
        p.add(new Partial("[1] element", a -> seq(ISSUER, VALIDITY, SUBJECT, new DERTaggedObject(true, 1, DERNull.INSTANCE), sign), true));
        p.add(new Partial("INTEGER element", a -> seq(new ASN1Integer(2), ISSUER, VALIDITY, SUBJECT, sign), true));
        p.add(new Partial("extended tag", a -> seqRaw(issuer, validity, subject, der(sign), HEX.parseHex("1f0100")), true));
        p.add(new Partial("element length 0x80", a -> seqRaw(issuer, validity, subject, der(sign), HEX.parseHex("3080")), true));
        p.add(new Partial("element past the end", a -> seqRaw(issuer, validity, subject, der(sign), HEX.parseHex("3005")), true));
        p.add(new Partial("non-minimal 0x81 length", a -> seqRaw(cat(HEX.parseHex("3081"), new byte[] {(byte) (issuer.length - 2)},
                Arrays.copyOfRange(issuer, 2, issuer.length)), validity, subject, der(sign)), false));
        return p;
    }

    // ---------------------------------------------------------------- commands and comparison

    private static byte[] certifyX509(int object, int signer, byte[] scheme, byte[] partial) {
        byte[] body = cat(u32(object), u32(signer), u32(2 * PASSWORD_SESSION.length), PASSWORD_SESSION, PASSWORD_SESSION,
                sized(new byte[0]), scheme, sized(partial));
        return cat(u16(0x8002), u32(10 + body.length), u32(0x197), body);
    }

    /** addedToCertificate and tbsDigest of a successful response. */
    private static byte[][] outputs(byte[] r) {
        int at = 14;
        int n = ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF);
        byte[] added = Arrays.copyOfRange(r, at + 2, at + 2 + n);
        at += 2 + n;
        int m = ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF);
        return new byte[][] {added, Arrays.copyOfRange(r, at + 2, at + 2 + m)};
    }

    private static final Set<Integer> HANDLE_CODES = Set.of(0x9C, 0x81, 0x92, 0x82);   // KEY, ASYMMETRIC, SCHEME, ATTRIBUTES

    /** swtpm's code with libtpms 0.9.2's swapped handle index put back. */
    static int unswapped(int rc) {
        if ((rc & 0x80) == 0 || (rc & 0x840) != 0 || !HANDLE_CODES.contains(rc & 0xBF)) return rc;
        int n = (rc >> 8) & 0xF;
        return n == 1 ? (rc & ~0xF00) | 0x200 : n == 2 ? (rc & ~0xF00) | 0x100 : rc;
    }

    private final List<String> differences = new ArrayList<>();
    private int cases, successes, equalOutputs;

    /** Same code; both succeed: outputs equal when {@code sameKeys}, else the same shape. */
    private void compare(String what, SwtpmSocketTransport j, SwtpmSocketTransport s, byte[] cj, byte[] cs, boolean sameKeys,
                         boolean deterministic) throws IOException {
        byte[] a = execute(j, cj), b = execute(s, cs);
        cases++;
        if (rc(a) != unswapped(rc(b))) {
            differences.add(String.format("%s: jtpm 0x%03x, swtpm 0x%03x", what, rc(a), rc(b)));
            return;
        }
        if (rc(a) != 0) return;
        successes++;
        byte[][] oa = outputs(a), ob = outputs(b);
        if (sameKeys) {
            if (!Arrays.equals(oa[0], ob[0]) || !Arrays.equals(oa[1], ob[1])) {
                differences.add(what + ": outputs differ\n jtpm  " + HEX.formatHex(oa[0]) + "\n swtpm " + HEX.formatHex(ob[0]));
            } else if (deterministic && !Arrays.equals(a, b)) {
                differences.add(what + ": RSASSA signatures differ");
            } else {
                equalOutputs++;
            }
        } else if (!shape(oa[0]).equals(shape(ob[0])) || oa[1].length != ob[1].length) {
            differences.add(what + ": addedToCertificate shapes differ: " + shape(oa[0]) + " / " + shape(ob[0]));
        }
    }

    /** addedToCertificate with the serial number and the key bits left out. */
    private static String shape(byte[] added) {
        ASN1Sequence s = ASN1Sequence.getInstance(added);
        StringBuilder b = new StringBuilder(s.size() + ":");
        for (int i = 0; i < s.size(); i++) {
            ASN1Encodable e = s.getObjectAt(i);
            if (i == 1) b.append(" serial(").append(((ASN1Integer) e).getValue().bitLength() <= 160).append(')');
            else if (i == s.size() - 1) b.append(" spki ").append(HEX.formatHex(der(ASN1Sequence.getInstance(e).getObjectAt(0))));
            else b.append(' ').append(HEX.formatHex(der(e)));
        }
        return b.toString();
    }

    private static byte[] certutilPartial() throws Exception {
        if (Tools.find("tpm2_certifyX509certutil") == null) return null;
        Path dir = Files.createTempDirectory("certutil");
        Path out = dir.resolve("partial.der");
        Tools.Run r = Tools.run(Map.of(), null, "tpm2_certifyX509certutil", "-o", out.toString(), "-d", "365",
                "-i", "C=US;O=jtpm;CN=issuer", "-s", "C=DE;O=jtpm;CN=subject");
        assertThat(r.exit()).as("tpm2_certifyX509certutil: %s", r).isZero();
        byte[] b = Files.readAllBytes(out);
        Files.delete(out);
        Files.delete(dir);
        return b;
    }

    @Test
    void certifyX509_keysSchemesAndPartialCertificates_sameAsSwtpm() throws Exception {
        Tools.require("swtpm");
        byte[] certutil = certutilPartial();
        List<Partial> partials = partials(certutil);
        int ua = USER_WITH_AUTH;
        External rsaSign = rsa("RSA sign, no scheme", ua | SIGN, u16(NULL));
        External rsaSsa384 = rsa("RSA sign RSASSA-SHA384", ua | SIGN, u16(RSASSA, SHA384));
        External rsaDecrypt = rsa("RSA decrypt", ua | DECRYPT, u16(NULL));
        External p256Sign = ecc("P-256 sign, no scheme", ua | SIGN, u16(NULL), "secp256r1", 0x0003, 32);
        External p384Ecdsa = ecc("P-384 sign ECDSA-SHA384", ua | SIGN, u16(ECDSA, SHA384), "secp384r1", 0x0004, 48);
        External p256Decrypt = ecc("P-256 decrypt", ua | DECRYPT, u16(NULL), "secp256r1", 0x0003, 32);
        External p521SignDecrypt = ecc("P-521 sign+decrypt", ua | SIGN | DECRYPT, u16(NULL), "secp521r1", 0x0005, 66);

        Map<External, List<byte[]>> signers = new LinkedHashMap<>();
        signers.put(rsaSign, List.of(u16(RSASSA, SHA256), u16(RSASSA, SHA1), u16(RSASSA, SHA512), u16(RSAPSS, SHA256),
                u16(RSAPSS, SHA1), u16(RSAPSS, SHA384), u16(NULL), u16(ECDSA, SHA256)));
        signers.put(rsaSsa384, List.of(u16(NULL), u16(RSASSA, SHA384), u16(RSASSA, SHA256)));
        signers.put(p256Sign, List.of(u16(ECDSA, SHA256), u16(ECDSA, SHA1), u16(ECDSA, SHA512), u16(ECSCHNORR, SHA256), u16(SM2, SHA256)));
        signers.put(p384Ecdsa, List.of(u16(NULL)));
        signers.put(rsaDecrypt, List.of(u16(RSASSA, SHA256)));
        List<External> objects = List.of(rsaDecrypt, p256Sign, p256Decrypt, p521SignDecrypt, rsaSign);

        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            // TPMA_CC of TPM2_CertifyX509
            byte[] cap = command(0x17A, cat(u32(2), u32(0x197), u32(1)));
            assertThat(HEX.formatHex(execute(j, cap))).isEqualTo(HEX.formatHex(execute(s, cap)));

            for (Map.Entry<External, List<byte[]>> signer : signers.entrySet()) {
                int sj = loadExternal(j, signer.getKey()), ss = loadExternal(s, signer.getKey());
                for (External object : objects) {
                    boolean self = object == signer.getKey();
                    int oj = self ? sj : loadExternal(j, object), os = self ? ss : loadExternal(s, object);
                    for (byte[] scheme : signer.getValue()) {
                        boolean rsassa = (scheme.length > 2 && ((scheme[0] << 8) | (scheme[1] & 0xFF)) == RSASSA)
                                || (signer.getKey() == rsaSsa384 && scheme.length == 2);
                        for (Partial p : partials) {
                            byte[] partial = p.build().apply(object.attributes());
                            compare(signer.getKey().name() + " " + HEX.formatHex(scheme) + " certifies " + object.name() + ", "
                                    + p.name(), j, s, certifyX509(oj, sj, scheme, partial), certifyX509(os, ss, scheme, partial),
                                    true, rsassa);
                        }
                    }
                    if (!self) {
                        assertThat(flush(j, oj)).isZero();
                        assertThat(flush(s, os)).isZero();
                    }
                }
                assertThat(flush(j, sj)).isZero();
                assertThat(flush(s, ss)).isZero();
            }

            // keys each TPM makes itself: restricted signers, HMAC, a BN curve, a hash sequence, TPM_RH_NULL
            byte[] restrictedRsa = cat(u16(0x0001, SHA256), u32(FIXED | SIGN | RESTRICTED), u16(0), u16(NULL), u16(RSASSA, SHA256),
                    u16(2048), u32(0), u16(0));
            byte[] restrictedEcc = cat(u16(0x0023, SHA256), u32(FIXED | SIGN | RESTRICTED), u16(0), u16(NULL), u16(ECDSA, SHA256),
                    u16(0x0003), u16(NULL), u16(0, 0));
            byte[] hmacKey = cat(u16(0x0008, SHA256), u32(FIXED | SIGN), u16(0), u16(HMAC, SHA256), u16(0));
            byte[] bnKey = cat(u16(0x0023, SHA256), u32(FIXED | SIGN), u16(0), u16(NULL), u16(ECDSA, SHA256), u16(0x0010),
                    u16(NULL), u16(0, 0));
            int kj = createPrimary(j, ENDORSEMENT, restrictedRsa, "jtpm restricted RSA");
            int ks = createPrimary(s, ENDORSEMENT, restrictedRsa, "swtpm restricted RSA");
            int ej = createPrimary(j, OWNER, restrictedEcc, "jtpm restricted ECC");
            int es = createPrimary(s, OWNER, restrictedEcc, "swtpm restricted ECC");
            for (Partial p : partials) {
                int attrs = FIXED | SIGN | RESTRICTED;
                byte[] partial = p.build().apply(attrs);
                compare("restricted RSA certifies restricted ECC, " + p.name(), j, s, certifyX509(ej, kj, u16(NULL), partial),
                        certifyX509(es, ks, u16(NULL), partial), false, false);
                compare("restricted ECC certifies restricted RSA, " + p.name(), j, s, certifyX509(kj, ej, u16(NULL), partial),
                        certifyX509(ks, es, u16(NULL), partial), false, false);
                if (p.splitFails()) {
                    compare("TPM_RH_NULL certifies restricted ECC, " + p.name(), j, s, certifyX509(ej, RH_NULL, u16(NULL), partial),
                            certifyX509(es, RH_NULL, u16(NULL), partial), false, false);
                }
            }
            assertThat(flush(j, ej)).isZero();
            assertThat(flush(s, es)).isZero();
            int hj = createPrimary(j, OWNER, hmacKey, "jtpm HMAC"), hs = createPrimary(s, OWNER, hmacKey, "swtpm HMAC");
            for (Partial p : partials) {
                byte[] partial = p.build().apply(FIXED | SIGN);
                compare("HMAC signer, " + p.name(), j, s, certifyX509(kj, hj, u16(NULL), partial), certifyX509(ks, hs, u16(NULL), partial),
                        false, false);
                compare("HMAC object, " + p.name(), j, s, certifyX509(hj, kj, u16(NULL), partial), certifyX509(hs, ks, u16(NULL), partial),
                        false, false);
            }
            assertThat(flush(j, hj)).isZero();
            assertThat(flush(s, hs)).isZero();
            int bj = createPrimary(j, OWNER, bnKey, "jtpm BN"), bs = createPrimary(s, OWNER, bnKey, "swtpm BN");
            compare("BN P-256 object", j, s, certifyX509(bj, kj, u16(NULL), partials.get(0).build().apply(0)),
                    certifyX509(bs, ks, u16(NULL), partials.get(0).build().apply(0)), false, false);
            assertThat(flush(j, bj)).isZero();
            assertThat(flush(s, bs)).isZero();
            byte[] start = command(0x186, cat(sized(new byte[0]), u16(SHA256)));
            byte[] rj = execute(j, start), rs = execute(s, start);
            assertThat(rc(rj)).isZero();
            assertThat(rc(rs)).isZero();
            compare("hash sequence object", j, s, certifyX509(u32At(rj, 10), kj, u16(NULL), partials.get(0).build().apply(0)),
                    certifyX509(u32At(rs, 10), ks, u16(NULL), partials.get(0).build().apply(0)), false, false);
        }
        System.out.printf("CertifyX509DifferentialTest: %d cases, %d successes (%d with equal outputs), %d differences%n",
                cases, successes, equalOutputs, differences.size());
        assertThat(differences).as("differences from swtpm").isEmpty();
        assertThat(successes).isGreaterThan(100);
        assertThat(equalOutputs).isGreaterThan(100);
    }
}
