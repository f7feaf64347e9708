package dev.jtpm.tss.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files with the JDK alone: certificates ({@code CERTIFICATE} blocks, text around them skipped) and one private
 * key as PKCS#8 {@code PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY} (the two legacy forms
 * are wrapped into PKCS#8 here, a few bytes of DER). Encrypted keys are refused with a hint.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] OID_EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] OID_RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS"};

    private Pem() {}

    /** One PEM block: its label and decoded body (empty for a legacy encrypted block, whose headers mark it). */
    static final class Block {
        private final String label;
        private final byte[] der;
        private final boolean encryptedHeaders;

        Block(String label, byte[] der, boolean encryptedHeaders) {
            this.label = label;
            this.der = der;
            this.encryptedHeaders = encryptedHeaders;
        }

        String label() { return label; }

        byte[] der() { return der; }

        boolean encryptedHeaders() { return encryptedHeaders; }
    }

    static List<Block> blocks(Path path) throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(path + ": not a PEM file", e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            boolean encrypted = body.contains("Proc-Type:") && body.contains("ENCRYPTED");
            if (encrypted) {
                out.add(new Block(m.group(1), new byte[0], true));
                continue;
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body), encrypted));
            } catch (IllegalArgumentException e) {
                throw new IOException(path + ": bad base64 in a " + m.group(1) + " block", e);
            }
        }
        return out;
    }

    /** Every certificate in the file, in order; at least one. */
    static List<X509Certificate> certificates(Path path) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(path)) {
                if (!b.label().equals("CERTIFICATE") && !b.label().equals("TRUSTED CERTIFICATE")) continue;
                certs.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        } catch (CertificateException e) {
            throw new IOException(path + ": bad certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) throw new IOException(path + ": no PEM certificate in it");
        return certs;
    }

    /** The first private key in the file. */
    static PrivateKey privateKey(Path path) throws IOException {
        for (Block b : blocks(path)) {
            if (b.encryptedHeaders() || b.label().equals("ENCRYPTED PRIVATE KEY")) {
                throw new IOException(path + ": the key is encrypted; jtpm reads unencrypted keys only"
                        + " (openssl pkey -in KEY -out PLAIN, and keep PLAIN at mode 0600)");
            }
            byte[] pkcs8 = switch (b.label()) {
                case "PRIVATE KEY" -> b.der();
                case "EC PRIVATE KEY" -> pkcs8(seq(OID_EC_PUBLIC_KEY, curveOf(path, b.der())), b.der());
                case "RSA PRIVATE KEY" -> pkcs8(seq(OID_RSA_ENCRYPTION, DER_NULL), b.der());
                default -> null;
            };
            if (pkcs8 == null) continue;
            for (String alg : KEY_ALGORITHMS) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } catch (GeneralSecurityException e) {
                    // not this algorithm: try the next
                }
            }
            throw new IOException(path + ": unsupported or malformed private key (" + b.label() + ")");
        }
        throw new IOException(path + ": no PEM private key in it (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
    }

    /** The named curve OID (with its tag) from a SEC1 ECPrivateKey's [0] parameters. */
    private static byte[] curveOf(Path path, byte[] sec1) throws IOException {
        try {
            int[] seq = header(sec1, 0);                   // SEQUENCE
            int p = seq[0], end = seq[0] + seq[1];
            while (p < end) {
                int tag = sec1[p] & 0xff;
                int[] h = header(sec1, p);
                if (tag == 0xa0) {                         // [0] ECParameters
                    int[] inner = header(sec1, h[0]);
                    if ((sec1[h[0]] & 0xff) != 0x06) break; // not a named curve
                    return java.util.Arrays.copyOfRange(sec1, h[0], inner[0] + inner[1]);
                }
                p = h[0] + h[1];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IOException(path + ": malformed EC PRIVATE KEY", e);
        }
        throw new IOException(path + ": EC PRIVATE KEY without a named curve; convert it with openssl pkcs8 -topk8 -nocrypt");
    }

    /** {content offset, content length} of the DER element at {@code off}. */
    private static int[] header(byte[] d, int off) {
        int len = d[off + 1] & 0xff, p = off + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (d[p++] & 0xff);
        }
        if (len < 0 || p + len > d.length) throw new ArrayIndexOutOfBoundsException("DER length");
        return new int[] {p, len};
    }

    private static byte[] pkcs8(byte[] algorithmIdentifier, byte[] key) {
        return seq(VERSION_0, algorithmIdentifier, tlv(0x04, key));
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return tlv(0x30, b.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(tag);
        int n = content.length;
        if (n < 0x80) {
            b.write(n);
        } else if (n < 0x100) {
            b.write(0x81);
            b.write(n);
        } else if (n < 0x10000) {
            b.write(0x82);
            b.write(n >> 8);
            b.write(n);
        } else {
            b.write(0x83);
            b.write(n >> 16);
            b.write(n >> 8);
            b.write(n);
        }
        b.writeBytes(content);
        return b.toByteArray();
    }
}
