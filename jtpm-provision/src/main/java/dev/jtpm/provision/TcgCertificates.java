package dev.jtpm.provision;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Attribute;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectDirectoryAttributes;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates swtpm_localca 0.7.1 (through swtpm_cert) issues, built with Bouncy Castle's PKIX:
 *
 * <ul>
 *   <li>An <b>EK certificate</b> (TCG EK Credential Profile for TPM Family 2.0): v3, the given serial,
 *       sha256WithRSAEncryption (SHA256withECDSA for an EC issuer key), issuer = the signing certificate's
 *       subject, subject {@code CN=<vmid>} ({@code CN=unknown} without one), notBefore now, notAfter
 *       9999-12-31 23:59:59; extensions in swtpm_cert's order: extendedKeyUsage 2.23.133.8.1
 *       (tcg-kp-EKCertificate); a <i>critical</i> subjectAltName directoryName with tcg-at-tpmManufacturer
 *       (2.23.133.2.1), tcg-at-tpmModel (2.23.133.2.2) and tcg-at-tpmVersion (2.23.133.2.3) as UTF8Strings;
 *       basicConstraints critical CA:FALSE; subjectDirectoryAttributes with tcg-at-tpmSpecification
 *       (2.23.133.2.16: family, level, revision); authorityKeyIdentifier (the issuer's subjectKeyIdentifier);
 *       keyUsage critical: keyEncipherment for an RSA decryption EK, keyAgreement for an ECC one, and
 *       digitalSignature added (or alone) for an EK made with {@code --allow-signing}.</li>
 *   <li>A <b>platform certificate</b> as swtpm_localca 0.7.1 makes it: a public-key certificate over the EK's
 *       key (not an attribute certificate) with a critical subjectAltName directoryName holding
 *       tcg-at-platformManufacturerStr (2.23.133.5.1.1), tcg-at-platformModel (2.23.133.5.1.4) and
 *       tcg-at-platformVersion (2.23.133.5.1.5), basicConstraints critical CA:FALSE, authorityKeyIdentifier,
 *       keyUsage critical as for the EK, and extendedKeyUsage 2.23.133.8.2 (tcg-kp-PlatformCertificate).</li>
 *   <li>The local CA's own <b>root and signing certificates</b>: basicConstraints critical CA:TRUE, keyUsage
 *       critical keyCertSign, subjectKeyIdentifier (SHA-1 of the key, as GnuTLS), and for the signing
 *       certificate the authorityKeyIdentifier of the root.</li>
 * </ul>
 */
public final class TcgCertificates {
    private TcgCertificates() {}

    /** tcg-kp-EKCertificate. */
    public static final ASN1ObjectIdentifier KP_EK_CERTIFICATE = new ASN1ObjectIdentifier("2.23.133.8.1");
    /** tcg-kp-PlatformCertificate. */
    public static final ASN1ObjectIdentifier KP_PLATFORM_CERTIFICATE = new ASN1ObjectIdentifier("2.23.133.8.2");
    /** tcg-at-tpmManufacturer, tcg-at-tpmModel, tcg-at-tpmVersion. */
    public static final ASN1ObjectIdentifier TPM_MANUFACTURER = new ASN1ObjectIdentifier("2.23.133.2.1"),
            TPM_MODEL = new ASN1ObjectIdentifier("2.23.133.2.2"), TPM_VERSION = new ASN1ObjectIdentifier("2.23.133.2.3");
    /** tcg-at-tpmSpecification. */
    public static final ASN1ObjectIdentifier TPM_SPECIFICATION = new ASN1ObjectIdentifier("2.23.133.2.16");
    /** tcg-at-platformManufacturerStr, tcg-at-platformModel, tcg-at-platformVersion. */
    public static final ASN1ObjectIdentifier PLATFORM_MANUFACTURER = new ASN1ObjectIdentifier("2.23.133.5.1.1"),
            PLATFORM_MODEL = new ASN1ObjectIdentifier("2.23.133.5.1.4"),
            PLATFORM_VERSION = new ASN1ObjectIdentifier("2.23.133.5.1.5");

    /** notAfter of every certificate: 9999-12-31 23:59:59 UTC (RFC 5280's "no well-defined expiration"). */
    public static final Instant NOT_AFTER = ZonedDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC).toInstant();

    /** What the TPM says about itself (swtpm_setup takes it from CMD_GET_INFO). */
    public record TpmInfo(String manufacturer, String model, String version, String specFamily, int specLevel,
                          int specRevision) {}

    /** The platform's identity (swtpm-localca.options: --platform-manufacturer/-model/-version). */
    public record PlatformInfo(String manufacturer, String model, String version) {}

    /** The EK's uses: {@code --allow-signing} and {@code --decryption} of swtpm_setup. */
    public record KeyUse(boolean allowSigning, boolean decryption) {
        /** The standard EK: decryption only. */
        public static final KeyUse STANDARD = new KeyUse(false, true);
    }

    /** The issuing side: signing key and certificate. */
    public record Issuer(PrivateKey key, X509Certificate certificate) {}

    /** The subject's common name: the VM id, or "unknown" as swtpm_localca writes without one. */
    public static X500Name subjectOf(String vmid) {
        return commonName(vmid == null || vmid.isEmpty() ? "unknown" : vmid);
    }

    /** {@code CN=cn}, a PrintableString when the name fits one (as GnuTLS does), a UTF8String otherwise. */
    public static X500Name commonName(String cn) {
        var value = DERPrintableString.isPrintableString(cn) ? new DERPrintableString(cn) : new DERUTF8String(cn);
        return new X500Name(new RDN[] {new RDN(new AttributeTypeAndValue(BCStyle.CN, value))});
    }

    /** An EK certificate for {@code ek}. */
    public static X509Certificate ek(Issuer issuer, BigInteger serial, String vmid, PublicKey ek, TpmInfo tpm,
                                     KeyUse use) throws IOException, GeneralSecurityException {
        var b = builder(issuer, serial, subjectOf(vmid), ek);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.getInstance(KP_EK_CERTIFICATE)));
        b.addExtension(Extension.subjectAlternativeName, true, directoryName(tpmAttributes(tpm)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.subjectDirectoryAttributes, false, specification(tpm));
        b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(issuer.certificate()));
        b.addExtension(Extension.keyUsage, true, keyUsage(ek, use));
        return sign(b, issuer.key());
    }

    /** A platform certificate over {@code ek} (swtpm_localca 0.7.1's form). */
    public static X509Certificate platform(Issuer issuer, BigInteger serial, String vmid, PublicKey ek,
                                           PlatformInfo platform, KeyUse use) throws IOException, GeneralSecurityException {
        var b = builder(issuer, serial, subjectOf(vmid), ek);
        b.addExtension(Extension.subjectAlternativeName, true, directoryName(List.of(
                new AttributeTypeAndValue(PLATFORM_MANUFACTURER, new DERUTF8String(platform.manufacturer())),
                new AttributeTypeAndValue(PLATFORM_MODEL, new DERUTF8String(platform.model())),
                new AttributeTypeAndValue(PLATFORM_VERSION, new DERUTF8String(platform.version())))));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(issuer.certificate()));
        b.addExtension(Extension.keyUsage, true, keyUsage(ek, use));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.getInstance(KP_PLATFORM_CERTIFICATE)));
        return sign(b, issuer.key());
    }

    /** tcg-at-platformManufacturer, tcg-at-platformModel, tcg-at-platformVersion of TPM 1.2 (swtpm_cert without --tpm2). */
    public static final ASN1ObjectIdentifier PLATFORM_MANUFACTURER_12 = new ASN1ObjectIdentifier("2.23.133.2.4"),
            PLATFORM_MODEL_12 = new ASN1ObjectIdentifier("2.23.133.2.5"),
            PLATFORM_VERSION_12 = new ASN1ObjectIdentifier("2.23.133.2.6");

    /**
     * A TPM 1.2 EK certificate as swtpm_cert 0.7.1 writes it without {@code --tpm2}: the TPM 2 form but with an empty
     * subject, keyUsage keyEncipherment only, and signed with SHA-1 (sha1WithRSAEncryption).
     */
    public static X509Certificate ek12(Issuer issuer, BigInteger serial, PublicKey ek, TpmInfo tpm)
            throws IOException, GeneralSecurityException {
        var b = builder(issuer, serial, new X500Name(new RDN[0]), ek);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.getInstance(KP_EK_CERTIFICATE)));
        b.addExtension(Extension.subjectAlternativeName, true, directoryName(tpmAttributes(tpm)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.subjectDirectoryAttributes, false, specification(tpm));
        b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(issuer.certificate()));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment));
        return sign(b, issuer.key(), "SHA1");
    }

    /**
     * A TPM 1.2 platform certificate as swtpm_cert 0.7.1 writes it without {@code --tpm2}: empty subject, a critical
     * subjectAltName whose directoryName is swtpm_cert's PlatformCertificateSAN (a SEQUENCE of the TPM's three
     * attribute sets and the platform's three, tcg-at-platformManufacturer/-Model/-Version 2.23.133.2.4-6), basic
     * constraints, authority key id, keyUsage keyEncipherment, extendedKeyUsage 2.23.133.8.2; SHA-1. Answers the DER:
     * that directoryName is no X.500 Name the JDK's certificate parser accepts (openssl and GnuTLS do).
     */
    public static byte[] platform12(Issuer issuer, BigInteger serial, PublicKey ek, TpmInfo tpm,
                                             PlatformInfo platform) throws IOException, GeneralSecurityException {
        var b = builder(issuer, serial, new X500Name(new RDN[0]), ek);
        ASN1EncodableVector tpmSets = new ASN1EncodableVector(), platformSets = new ASN1EncodableVector();
        for (var atv : tpmAttributes(tpm)) tpmSets.add(new DERSet(atv));
        for (var atv : List.of(new AttributeTypeAndValue(PLATFORM_MANUFACTURER_12, new DERUTF8String(platform.manufacturer())),
                new AttributeTypeAndValue(PLATFORM_MODEL_12, new DERUTF8String(platform.model())),
                new AttributeTypeAndValue(PLATFORM_VERSION_12, new DERUTF8String(platform.version()))))
            platformSets.add(new DERSet(atv));
        var san = new DERSequence(new org.bouncycastle.asn1.DERTaggedObject(true, 4,
                new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {new DERSequence(tpmSets), new DERSequence(platformSets)})));
        b.addExtension(Extension.subjectAlternativeName, true, san);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(issuer.certificate()));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.getInstance(KP_PLATFORM_CERTIFICATE)));
        try {
            return b.build(new JcaContentSignerBuilder(signatureAlgorithm(issuer.key(), "SHA1")).build(issuer.key())).getEncoded();
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** TCG_PCCLIENT_STORED_CERT tag and TCG_FULL_CERT tag: the header a TPM 1.2 certificate has in NV. */
    public static final int TAG_PCCLIENT_STORED_CERT = 0x1001, TAG_PCCLIENT_FULL_CERT = 0x1002;

    /**
     * {@code der} behind the 7-octet TCG_PCCLIENT_STORED_FULL_CERT_HEADER (tag 0x1001, certType 0, certSize = the
     * DER's length + 2, tag 0x1002): how swtpm_cert {@code --add-header} writes a TPM 1.2 certificate for NV.
     */
    public static byte[] withStoredCertHeader(byte[] der) {
        if (der.length + 2 > 0xFFFF) throw new IllegalArgumentException("certificate too large for a TCG header");
        byte[] r = new byte[7 + der.length];
        r[0] = 0x10;
        r[1] = 0x01;
        r[3] = (byte) ((der.length + 2) >> 8);
        r[4] = (byte) (der.length + 2);
        r[5] = 0x10;
        r[6] = 0x02;
        System.arraycopy(der, 0, r, 7, der.length);
        return r;
    }

    private static List<AttributeTypeAndValue> tpmAttributes(TpmInfo tpm) {
        return List.of(new AttributeTypeAndValue(TPM_MANUFACTURER, new DERUTF8String(tpm.manufacturer())),
                new AttributeTypeAndValue(TPM_MODEL, new DERUTF8String(tpm.model())),
                new AttributeTypeAndValue(TPM_VERSION, new DERUTF8String(tpm.version())));
    }

    private static SubjectDirectoryAttributes specification(TpmInfo tpm) {
        ASN1EncodableVector spec = new ASN1EncodableVector();
        spec.add(new DERUTF8String(tpm.specFamily()));
        spec.add(new ASN1Integer(tpm.specLevel()));
        spec.add(new ASN1Integer(tpm.specRevision()));
        var sda = new java.util.Vector<Attribute>();
        sda.add(new Attribute(TPM_SPECIFICATION, new DERSet(new DERSequence(spec))));
        return new SubjectDirectoryAttributes(sda);
    }

    /** A CA certificate: self-signed when {@code issuer} is null. */
    public static X509Certificate ca(X500Name subject, PublicKey key, PrivateKey signingKey, X509Certificate issuer,
                                     BigInteger serial) throws IOException, GeneralSecurityException {
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        var b = new JcaX509v3CertificateBuilder(issuerName, serial, new Time(Date.from(now())),
                new Time(Date.from(NOT_AFTER)), subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, subjectKeyId(key));
        if (issuer != null) b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(issuer));
        return sign(b, signingKey);
    }

    private static X509v3CertificateBuilder builder(Issuer issuer, BigInteger serial, X500Name subject, PublicKey key) {
        X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        return new JcaX509v3CertificateBuilder(issuerName, serial, new Time(Date.from(now())),
                new Time(Date.from(NOT_AFTER)), subject, key);
    }

    private static Instant now() { return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); }

    private static GeneralNames directoryName(List<AttributeTypeAndValue> atvs) {
        RDN[] rdns = atvs.stream().map(RDN::new).toArray(RDN[]::new);
        return new GeneralNames(new GeneralName(new X500Name(rdns)));
    }

    private static KeyUsage keyUsage(PublicKey key, KeyUse use) {
        int bits = 0;
        if (use.allowSigning()) bits |= KeyUsage.digitalSignature;
        if (use.decryption() || !use.allowSigning()) bits |= key instanceof ECPublicKey ? KeyUsage.keyAgreement : KeyUsage.keyEncipherment;
        return new KeyUsage(bits);
    }

    private static SubjectKeyIdentifier subjectKeyId(PublicKey key) throws GeneralSecurityException {
        return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key);
    }

    /** The issuer's subjectKeyIdentifier as keyIdentifier (what GnuTLS writes); computed when it has none. */
    private static AuthorityKeyIdentifier authorityKeyId(X509Certificate issuer) throws GeneralSecurityException {
        byte[] ext = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        byte[] id = ext != null
                ? SubjectKeyIdentifier.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier()
                : subjectKeyId(issuer.getPublicKey()).getKeyIdentifier();
        return new AuthorityKeyIdentifier(id);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        return sign(b, key, "SHA256");
    }

    private static String signatureAlgorithm(PrivateKey key, String digest) throws GeneralSecurityException {
        return switch (key.getAlgorithm()) {
            case "RSA" -> digest + "withRSA";
            case "EC", "ECDSA" -> digest + "withECDSA";
            default -> throw new GeneralSecurityException("unsupported CA key algorithm " + key.getAlgorithm());
        };
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, String digest) throws GeneralSecurityException {
        String alg = signatureAlgorithm(key, digest);
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
