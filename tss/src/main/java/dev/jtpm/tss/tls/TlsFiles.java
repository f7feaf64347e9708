package dev.jtpm.tss.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The three PEM files of one side of a mutually authenticated TLS connection: this side's certificate chain
 * (its own certificate first), its private key, and the CA bundle the peer's certificate must chain to.
 * {@link #context()} reads them (JDK only) and builds a TLS 1.3 {@link SSLContext}; a file that cannot be used is a
 * one-line {@link IOException} naming it.
 *
 * @param cert the certificate chain (PEM)
 * @param key the private key (PEM: PKCS#8, SEC1 or PKCS#1; unencrypted)
 * @param ca the CA certificates that peers' certificates are checked against (PEM)
 */
public record TlsFiles(Path cert, Path key, Path ca) {

    /** The only protocol offered or accepted. */
    public static final String PROTOCOL = "TLSv1.3";

    /** What every TLS socket of jtpm enables: TLS 1.3 only. */
    public static final String[] PROTOCOLS = {PROTOCOL};

    public TlsFiles {
        java.util.Objects.requireNonNull(cert, "cert");
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(ca, "ca");
    }

    /** Reads the files and builds a TLS 1.3 context whose key manager presents the chain and trusts only the CA. */
    public SSLContext context() throws IOException {
        List<X509Certificate> chain = Pem.certificates(cert);
        PrivateKey privateKey = Pem.privateKey(key);
        List<X509Certificate> cas = Pem.certificates(ca);
        X509Certificate own = chain.getFirst();
        try {
            own.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IOException(cert + ": the certificate is not valid now (" + e.getMessage() + ")", e);
        }
        if (!matches(privateKey, own)) throw new IOException(key + ": the key does not belong to the certificate in " + cert);
        try {
            char[] none = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("self", privateKey, none, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < cas.size(); i++) ts.setCertificateEntry("ca" + i, cas.get(i));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + cert + " / " + key + " / " + ca + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448" -> key.getAlgorithm();
            case "RSASSA-PSS" -> null;
            default -> null;
        };
        if (alg == null) return true; // the handshake will tell
        try {
            byte[] probe = "jtpm key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
