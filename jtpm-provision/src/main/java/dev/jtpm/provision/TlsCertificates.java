package dev.jtpm.provision;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS server and client certificates for jtpm's remote access ({@code jtpm socket --server type=tls}, {@code jtpm
 * connect}): an ECDSA P-256 key, {@code digitalSignature}, the {@code serverAuth} or {@code clientAuth} extended key
 * usage, subjectAltNames ({@code DNS:} and {@code IP:}), not a CA; signed by the local CA's signing key.
 */
public final class TlsCertificates {
    /** The default lifetime of an issued certificate. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(825);

    /** Which end of the connection the certificate is for. */
    public enum Role {
        SERVER(KeyPurposeId.id_kp_serverAuth), CLIENT(KeyPurposeId.id_kp_clientAuth);

        private final KeyPurposeId purpose;

        Role(KeyPurposeId purpose) { this.purpose = purpose; }
    }

    /**
     * A certificate and its new private key.
     *
     * @param certificate the leaf certificate
     * @param chain the leaf followed by the issuing CA certificate (what a TLS peer presents)
     * @param privateKey the key (write it with {@link #pkcs8Pem} at mode 0600)
     */
    public record Issued(X509Certificate certificate, List<X509Certificate> chain, PrivateKey privateKey) {
        public Issued { chain = List.copyOf(chain); }

        @Override
        public String toString() { return "Issued[" + certificate.getSubjectX500Principal() + "]"; }
    }

    private TlsCertificates() {}

    /**
     * Parses {@code DNS:name,IP:addr,...} (openssl's subjectAltName syntax; a bare word is a DNS name).
     *
     * @throws IllegalArgumentException for an unknown kind or a bad IP address
     */
    public static List<GeneralName> subjectAltNames(String text) {
        List<GeneralName> out = new ArrayList<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int colon = p.indexOf(':');
            String kind = colon < 0 ? "DNS" : p.substring(0, colon).toUpperCase(java.util.Locale.ROOT);
            String value = colon < 0 ? p : p.substring(colon + 1);
            switch (kind) {
                case "DNS" -> out.add(new GeneralName(GeneralName.dNSName, value));
                case "IP" -> {
                    if (!value.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) throw new IllegalArgumentException("bad IP address '" + value + "'");
                    out.add(new GeneralName(GeneralName.iPAddress, value));
                }
                default -> throw new IllegalArgumentException("unknown subjectAltName kind '" + kind + "' (DNS: or IP:)");
            }
        }
        return out;
    }

    /** Issues a certificate for a new P-256 key. */
    public static Issued issue(TcgCertificates.Issuer issuer, BigInteger serial, Role role, X500Name subject,
                               List<GeneralName> sans, Duration validity) throws IOException, GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X509Certificate cert = certificate(issuer, serial, role, subject, sans, validity, kp.getPublic());
        return new Issued(cert, List.of(cert, issuer.certificate()), kp.getPrivate());
    }

    private static X509Certificate certificate(TcgCertificates.Issuer issuer, BigInteger serial, Role role, X500Name subject,
                                               List<GeneralName> sans, Duration validity, PublicKey key)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        var b = new JcaX509v3CertificateBuilder(issuerName, serial, new Time(Date.from(now.minus(Duration.ofMinutes(5)))),
                new Time(Date.from(now.plus(validity))), subject, key);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(role.purpose));
        if (!sans.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
        byte[] ski = issuer.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId());
        b.addExtension(Extension.authorityKeyIdentifier, false, ski != null
                ? new AuthorityKeyIdentifier(SubjectKeyIdentifier.getInstance(
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier())
                : utils.createAuthorityKeyIdentifier(issuer.certificate()));
        String alg = switch (issuer.key().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new GeneralSecurityException("unsupported CA key algorithm " + issuer.key().getAlgorithm());
        };
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuer.key())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** A private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public static String pkcs8Pem(PrivateKey key) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(new JcaPKCS8Generator(key, null));
        }
        return w.toString();
    }
}
