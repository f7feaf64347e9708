package dev.jtpm.engine.command.session;

import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The client side of session tests, straight from the JCA (independent of the engine and tpm-crypto). */
final class ClientCrypto {
    private ClientCrypto() {}

    /** HMAC-SHA256(key, parts...); an empty key is one zero octet, as HMAC pads keys anyway. */
    static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
        for (byte[] p : parts) m.update(p);
        return m.doFinal();
    }

    /** SHA-256(parts...). */
    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }
}
