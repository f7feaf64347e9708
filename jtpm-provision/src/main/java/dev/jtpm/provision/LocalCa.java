package dev.jtpm.provision;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A local certificate authority in a directory, laid out exactly as swtpm_localca lays out its state
 * directory, so that either tool can keep signing with a CA the other made:
 *
 * <pre>
 *   swtpm-localca-rootca-privkey.pem   root CA key (RSA 3072, PKCS#1 PEM, mode 0600)
 *   swtpm-localca-rootca-cert.pem      root CA certificate (self-signed, CN=jtpm-localca-rootca)
 *   signkey.pem                        signing (intermediate) key (RSA 3072, PKCS#1 PEM, mode 0600)
 *   issuercert.pem                     signing certificate (CN=jtpm-localca, issued by the root)
 *   certserial                         the last serial number used (decimal); the next certificate gets +1
 *   .lock.swtpm-localca                lock file: creation and serial numbers happen under an exclusive lock
 * </pre>
 *
 * EK and platform certificates are issued by the signing key; {@code openssl verify -CAfile root
 * -untrusted issuercert} accepts them. The signing key, issuer certificate and serial file may live
 * elsewhere (swtpm-localca.conf's {@code signingkey}, {@code issuercert}, {@code certserial}): an existing
 * swtpm local CA then keeps signing. The lock is an fcntl lock (Java's); swtpm_localca takes a flock on the
 * same file, and Linux keeps the two kinds apart, so jtpm and swtpm_localca running at the very same moment
 * on one directory are not serialized against each other.
 */
public final class LocalCa {
    /** File names inside the CA directory (swtpm_localca's). */
    public static final String ROOT_KEY = "swtpm-localca-rootca-privkey.pem", ROOT_CERT = "swtpm-localca-rootca-cert.pem",
            SIGNING_KEY = "signkey.pem", ISSUER_CERT = "issuercert.pem", CERT_SERIAL = "certserial",
            LOCK = ".lock.swtpm-localca";

    /** Subject names of the CA certificates jtpm creates. */
    public static final String ROOT_CN = "jtpm-localca-rootca", ISSUER_CN = "jtpm-localca";

    private static final int CA_KEY_BITS = 3072;

    /** Where the CA's files are. */
    public record Layout(Path dir, Path signingKey, Path issuerCert, Path certSerial, String signingKeyPassword) {
        /** The default layout inside {@code dir}. */
        public static Layout in(Path dir) {
            return new Layout(dir, dir.resolve(SIGNING_KEY), dir.resolve(ISSUER_CERT), dir.resolve(CERT_SERIAL), null);
        }

        /**
         * The layout swtpm-localca.conf describes ({@code statedir}, {@code signingkey}, {@code issuercert},
         * {@code certserial}, {@code signingkey_password}); unset keys take their defaults in statedir.
         */
        public static Layout fromConfig(Map<String, String> conf, Path defaultDir) throws IOException {
            Path dir = conf.containsKey("statedir") ? Path.of(conf.get("statedir")) : defaultDir;
            String key = conf.get("signingkey");
            if (key != null && key.startsWith("pkcs11:"))
                throw new IOException("signingkey " + key + ": PKCS#11 keys are not supported by jtpm's local CA");
            return new Layout(dir,
                    key != null ? Path.of(key) : dir.resolve(SIGNING_KEY),
                    conf.containsKey("issuercert") ? Path.of(conf.get("issuercert")) : dir.resolve(ISSUER_CERT),
                    conf.containsKey("certserial") ? Path.of(conf.get("certserial")) : dir.resolve(CERT_SERIAL),
                    conf.get("signingkey_password"));
        }
    }

    private final Layout layout;
    private final PrivateKey signingKey;
    private final X509Certificate issuerCert;
    private final X509Certificate rootCert;

    private LocalCa(Layout layout, PrivateKey signingKey, X509Certificate issuerCert, X509Certificate rootCert) {
        this.layout = layout;
        this.signingKey = signingKey;
        this.issuerCert = issuerCert;
        this.rootCert = rootCert;
    }

    /** The default directory: {@code $XDG_CONFIG_HOME/jtpm/localca}, else {@code ~/.config/jtpm/localca}. */
    public static Path defaultDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("jtpm").resolve("localca");
    }

    /** Opens the CA in {@code dir}, creating it on first use. */
    public static LocalCa open(Path dir) throws IOException, GeneralSecurityException {
        return open(Layout.in(dir));
    }

    /**
     * Opens the CA, creating the root and signing keys and certificates (under the lock) when the
     * signing key or the issuer certificate is missing.
     */
    public static LocalCa open(Layout layout) throws IOException, GeneralSecurityException {
        Files.createDirectories(layout.dir());
        try (var lock = lock(layout.dir())) {
            if (!Files.exists(layout.signingKey()) || !Files.exists(layout.issuerCert())) create(layout);
            PrivateKey key = readPrivateKey(layout.signingKey(), layout.signingKeyPassword());
            X509Certificate issuer = readCertificate(layout.issuerCert());
            Path rootPath = layout.dir().resolve(ROOT_CERT);
            X509Certificate root = Files.exists(rootPath) ? readCertificate(rootPath) : null;
            return new LocalCa(layout, key, issuer, root);
        }
    }

    /** The directory. */
    public Path directory() { return layout.dir(); }

    /** The root CA certificate, or null when the directory has none (a signing key configured from elsewhere). */
    public X509Certificate rootCertificate() { return rootCert; }

    /** The certificate that signs EK and platform certificates. */
    public X509Certificate issuerCertificate() { return issuerCert; }

    /** The root (and the signing certificate) in PEM, what {@code openssl verify -CAfile} takes. */
    public String caCertificatesPem() throws IOException {
        StringBuilder s = new StringBuilder();
        if (rootCert != null) s.append(pem(rootCert));
        if (rootCert == null || !rootCert.equals(issuerCert)) s.append(pem(issuerCert));
        return s.toString();
    }

    /** Issues an EK certificate (serial from the serial file, under the lock). */
    public X509Certificate issueEk(String vmid, PublicKey ek, TcgCertificates.TpmInfo tpm, TcgCertificates.KeyUse use)
            throws IOException, GeneralSecurityException {
        return TcgCertificates.ek(issuer(), nextSerial(), vmid, ek, tpm, use);
    }

    /** Issues a platform certificate over the EK's key. */
    public X509Certificate issuePlatform(String vmid, PublicKey ek, TcgCertificates.PlatformInfo platform,
                                         TcgCertificates.KeyUse use) throws IOException, GeneralSecurityException {
        return TcgCertificates.platform(issuer(), nextSerial(), vmid, ek, platform, use);
    }

    /** Issues a TPM 1.2 EK certificate (swtpm_cert's form without --tpm2). */
    public X509Certificate issueEk12(PublicKey ek, TcgCertificates.TpmInfo tpm) throws IOException, GeneralSecurityException {
        return TcgCertificates.ek12(issuer(), nextSerial(), ek, tpm);
    }

    /** Issues a TPM 1.2 platform certificate over the EK's key (swtpm_cert's form without --tpm2). */
    public byte[] issuePlatform12(PublicKey ek, TcgCertificates.TpmInfo tpm, TcgCertificates.PlatformInfo platform)
            throws IOException, GeneralSecurityException {
        return TcgCertificates.platform12(issuer(), nextSerial(), ek, tpm, platform);
    }

    /**
     * Issues a TLS server or client certificate for a new key (serial from the serial file, under the lock).
     *
     * @param subject the subject, e.g. {@code CN=tpm-host} (RFC 4514 syntax)
     * @param sans subjectAltNames, {@code DNS:host,IP:127.0.0.1} (null: none)
     */
    public TlsCertificates.Issued issueTls(TlsCertificates.Role role, String subject, String sans, java.time.Duration validity)
            throws IOException, GeneralSecurityException {
        org.bouncycastle.asn1.x500.X500Name name;
        try {
            name = new org.bouncycastle.asn1.x500.X500Name(subject);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad subject '" + subject + "' (e.g. CN=tpm-host)", e);
        }
        java.util.List<org.bouncycastle.asn1.x509.GeneralName> alt;
        try {
            alt = TlsCertificates.subjectAltNames(sans);
        } catch (IllegalArgumentException e) {
            throw new IOException("--san: " + e.getMessage(), e);
        }
        return TlsCertificates.issue(issuer(), nextSerial(), role, name, alt, validity);
    }

    private TcgCertificates.Issuer issuer() { return new TcgCertificates.Issuer(signingKey, issuerCert); }

    /** The next serial: the number in the serial file plus one (1 when there is none), written back. */
    BigInteger nextSerial() throws IOException {
        try (var lock = lock(layout.dir())) {
            BigInteger last = BigInteger.ONE;
            if (Files.exists(layout.certSerial())) {
                String s = Files.readString(layout.certSerial()).trim();
                if (!s.isEmpty()) {
                    try {
                        last = new BigInteger(s);
                    } catch (NumberFormatException e) {
                        throw new IOException(layout.certSerial() + ": not a serial number: " + s);
                    }
                }
            }
            BigInteger next = last.add(BigInteger.ONE);
            writeAtomically(layout.certSerial(), next.toString().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
            return next;
        }
    }

    private static void create(Layout layout) throws IOException, GeneralSecurityException {
        Path dir = layout.dir();
        KeyPair root;
        X509Certificate rootCert;
        Path rootKeyPath = dir.resolve(ROOT_KEY), rootCertPath = dir.resolve(ROOT_CERT);
        SecureRandom random = new SecureRandom();
        if (Files.exists(rootKeyPath) && Files.exists(rootCertPath)) {
            rootCert = readCertificate(rootCertPath);
            root = new KeyPair(rootCert.getPublicKey(), readPrivateKey(rootKeyPath, null));
        } else {
            root = rsaKeyPair(random);
            rootCert = TcgCertificates.ca(TcgCertificates.commonName(ROOT_CN), root.getPublic(), root.getPrivate(), null,
                    caSerial(random));
            writeAtomically(rootKeyPath, pem(root.getPrivate()).getBytes(StandardCharsets.US_ASCII), "rw-------");
            writeAtomically(rootCertPath, pem(rootCert).getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
        }
        KeyPair signing = rsaKeyPair(random);
        X509Certificate issuer = TcgCertificates.ca(TcgCertificates.commonName(ISSUER_CN), signing.getPublic(),
                root.getPrivate(), rootCert, caSerial(random));
        writeAtomically(layout.signingKey(), pem(signing.getPrivate()).getBytes(StandardCharsets.US_ASCII), "rw-------");
        writeAtomically(layout.issuerCert(), pem(issuer).getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
        if (!Files.exists(layout.certSerial()))
            writeAtomically(layout.certSerial(), "1".getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
    }

    private static BigInteger caSerial(SecureRandom random) {
        return new BigInteger(63, random).setBit(62);
    }

    private static KeyPair rsaKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(CA_KEY_BITS, random);
        return g.generateKeyPair();
    }

    /** Serializes this JVM's threads: a file lock is held by the process, so threads must not overlap on it. */
    private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS = new java.util.concurrent.locks.ReentrantLock();

    /** An exclusive lock on the directory's lock file (and the in-process lock), waited for. */
    private static AutoCloseable0 lock(Path dir) throws IOException {
        IN_PROCESS.lock();
        FileChannel ch;
        FileLock l;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            try {
                l = ch.lock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            IN_PROCESS.unlock();
            throw e;
        }
        return () -> {
            try {
                l.release();
            } finally {
                try {
                    ch.close();
                } finally {
                    IN_PROCESS.unlock();
                }
            }
        };
    }

    private interface AutoCloseable0 extends AutoCloseable {
        @Override void close() throws IOException;
    }

    /** Writes a file through a temporary file created with {@code perms}, renamed over the target. */
    static void writeAtomically(Path target, byte[] content, String perms) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** PEM of a certificate or key (an RSA private key as PKCS#1 "RSA PRIVATE KEY", as GnuTLS writes it). */
    public static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    /** Reads the first certificate of a PEM file (text before the PEM block, as GnuTLS writes, is skipped). */
    public static X509Certificate readCertificate(Path path) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof org.bouncycastle.cert.X509CertificateHolder h)
                    return (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new java.io.ByteArrayInputStream(h.getEncoded()));
            }
        }
        throw new IOException(path + ": no certificate in it");
    }

    /** Reads a PEM private key: PKCS#1, SEC1, PKCS#8, or encrypted PKCS#8/OpenSSL with {@code password}. */
    public static PrivateKey readPrivateKey(Path path, String password) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                switch (o) {
                    case PEMKeyPair kp -> { return conv.getKeyPair(kp).getPrivate(); }
                    case org.bouncycastle.asn1.pkcs.PrivateKeyInfo pki -> { return conv.getPrivateKey(pki); }
                    case PEMEncryptedKeyPair ekp -> {
                        if (password == null) throw new IOException(path + ": the key is encrypted and no password was given");
                        PEMDecryptorProvider d = new JcePEMDecryptorProviderBuilder().build(password.toCharArray());
                        return conv.getKeyPair(ekp.decryptKeyPair(d)).getPrivate();
                    }
                    case PKCS8EncryptedPrivateKeyInfo epki -> {
                        if (password == null) throw new IOException(path + ": the key is encrypted and no password was given");
                        try {
                            return conv.getPrivateKey(epki.decryptPrivateKeyInfo(
                                    new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password.toCharArray())));
                        } catch (PKCSException | org.bouncycastle.operator.OperatorCreationException e) {
                            throw new IOException(path + ": cannot decrypt the key: " + e.getMessage(), e);
                        }
                    }
                    default -> { }
                }
            }
        }
        throw new IOException(path + ": no private key in it");
    }
}
