package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TPM2_CertifyX509 with real clients: tpm2-tools 5.4's {@code tpm2_certifyX509certutil} writes the partial
 * certificate (5.4 has no {@code tpm2_certifyx509}, so the command goes raw to jtpm's socket), the test adds
 * addedToCertificate and the signature, and openssl reads the certificate ({@code openssl x509 -text}) and verifies it
 * ({@code openssl verify}): each key certifies itself, so the certificate is self-signed with the key the TPM encoded.
 */
class CertifyX509InteropTest {
    private static final int OWNER = 0x40000001, NULL = 0x0010, SHA256 = 0x000B, SHA384 = 0x000C;
    private static final int FIXED_SIGN = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 18);

    @TempDir
    Path dir;

    private static byte[] certifyX509(int object, int signer, byte[] partial) {
        byte[] body = cat(u32(object), u32(signer), u32(2 * PASSWORD_SESSION.length), PASSWORD_SESSION, PASSWORD_SESSION,
                sized(new byte[0]), u16(NULL), sized(partial));
        return cat(u16(0x8002), u32(10 + body.length), u32(0x197), body);
    }

    private static int u16At(byte[] r, int at) { return ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF); }

    /** The certificate from the partial certificate and the response (TBS in certificate order, then the signature). */
    private static byte[] certificate(byte[] partial, byte[] r, boolean ecc) throws Exception {
        int at = 14;
        byte[] added = Arrays.copyOfRange(r, at + 2, at + 2 + u16At(r, at));
        at += 2 + added.length;
        at += 2 + u16At(r, at);                 // tbsDigest
        at += 4;                                // sigAlg, hash
        byte[] signature;
        if (ecc) {
            byte[] rr = Arrays.copyOfRange(r, at + 2, at + 2 + u16At(r, at));
            at += 2 + rr.length;
            byte[] ss = Arrays.copyOfRange(r, at + 2, at + 2 + u16At(r, at));
            signature = new DERSequence(new ASN1Encodable[] {new ASN1Integer(new BigInteger(1, rr)), new ASN1Integer(new BigInteger(1, ss))})
                    .getEncoded();
        } else {
            signature = Arrays.copyOfRange(r, at + 2, at + 2 + u16At(r, at));
        }
        ASN1Sequence p = ASN1Sequence.getInstance(partial), a = ASN1Sequence.getInstance(added);
        ASN1EncodableVector names = new ASN1EncodableVector();
        ASN1Encodable extensions = null;
        for (ASN1Encodable e : p) {
            if (e instanceof ASN1TaggedObject) extensions = e;
            else names.add(e);
        }
        ASN1Encodable algorithm = a.getObjectAt(2);
        DERSequence tbs = new DERSequence(new ASN1Encodable[] {a.getObjectAt(0), a.getObjectAt(1), algorithm, names.get(0),
                names.get(1), names.get(2), a.getObjectAt(3), extensions});
        return new DERSequence(new ASN1Encodable[] {tbs, algorithm, new DERBitString(signature)}).getEncoded();
    }

    private Path pem(String name, byte[] der) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n");
        return f;
    }

    @Test
    void certutilPartialCertificate_selfCertifiedRsaAndEccKeys_opensslReadsAndVerifies() throws Exception {
        Tools.require("tpm2_certifyX509certutil");
        Tools.require("openssl");
        Path partialFile = dir.resolve("partial.der");
        Tools.Run util = Tools.run(Map.of(), null, "tpm2_certifyX509certutil", "-o", partialFile.toString(), "-d", "30",
                "-i", "C=DE;O=jtpm;CN=selfcert", "-s", "C=DE;O=jtpm;CN=selfcert");
        assertThat(util.exit()).as("%s", util).isZero();
        byte[] partial = Files.readAllBytes(partialFile);

        byte[] rsaKey = cat(u16(0x0001, SHA256), u32(FIXED_SIGN), u16(0), u16(NULL), u16(0x0014, SHA256), u16(2048), u32(0), u16(0));
        byte[] eccKey = cat(u16(0x0023, SHA256), u32(FIXED_SIGN), u16(0), u16(NULL), u16(0x0018, SHA384), u16(0x0004), u16(NULL),
                u16(0, 0));
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port())) {
            for (boolean ecc : new boolean[] {false, true}) {
                int key = createPrimary(t, OWNER, ecc ? eccKey : rsaKey, ecc ? "ECC" : "RSA");
                byte[] r = execute(t, certifyX509(key, key, partial));
                assertThat(rc(r)).isZero();
                Path cert = pem(ecc ? "ecc.pem" : "rsa.pem", certificate(partial, r, ecc));

                String text = Tools.run(Map.of(), null, "openssl", "x509", "-in", cert.toString(), "-noout", "-text").ok().out();
                assertThat(text).contains("Version: 3 (0x2)", "CN = selfcert", "Digital Signature, Certificate Sign, CRL Sign",
                        ecc ? "ecdsa-with-SHA384" : "sha256WithRSAEncryption", ecc ? "NIST CURVE: P-384" : "(2048 bit)");
                String verify = Tools.run(Map.of(), null, "openssl", "verify", "-CAfile", cert.toString(), cert.toString()).ok().out();
                assertThat(verify).contains(cert + ": OK");
                assertThat(flush(t, key)).isZero();
            }
        }
    }
}
