package dev.jtpm.engine.session;

import dev.jtpm.crypto.Kdf;
import dev.jtpm.crypto.Symmetric;
import dev.jtpm.crypto.XorObfuscation;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import java.util.Arrays;

/**
 * Session-based encryption of the first parameter (Part 1, 21): the data of a leading TPM2B is
 * encrypted with the session's block cipher (AES, Camellia or TDES) in CFB mode (key and IV, of the
 * cipher's key and block sizes, from KDFa(authHash, sessionValue, "CFB", nonceNewer, nonceOlder)) or
 * XOR-obfuscated (KDFa(hash, sessionValue, "XOR", nonceNewer, nonceOlder)). On a command nonceNewer is nonceCaller; on a response it is the new nonceTPM. sessionValue is the
 * session key followed by the authValue of the entity the session authorizes, if any.
 */
public final class ParameterEncryption {
    private ParameterEncryption() {}

    /** Decrypts, in place, the first parameter of a command (the bytes after its 2-byte size). */
    public static void decryptCommand(AuthSession s, byte[] authValue, byte[] params, int sessionIndex) {
        apply(s, authValue, params, s.nonceCaller(), s.nonceTpm(), false, sessionIndex);
    }

    /** Encrypts, in place, the first parameter of a response, with the session's new nonceTPM. */
    public static void encryptResponse(AuthSession s, byte[] authValue, byte[] params) {
        apply(s, authValue, params, s.nonceTpm(), s.nonceCaller(), true, 0);
    }

    private static void apply(AuthSession s, byte[] authValue, byte[] params, Bytes newer, Bytes older,
                              boolean encrypt, int sessionIndex) {
        if (params.length < 2) throw new TpmFailure(TpmRc.SIZE.atSession(sessionIndex));
        int size = (params[0] & 0xFF) << 8 | params[1] & 0xFF;
        if (size > params.length - 2) throw new TpmFailure(TpmRc.SIZE.atSession(sessionIndex));
        if (size == 0) return;
        byte[] data = Arrays.copyOfRange(params, 2, 2 + size);
        byte[] key = concat(s.sessionKey().toArray(), authValue);
        byte[] out;
        if (s.symmetric() == TpmAlg.XOR) {
            out = XorObfuscation.apply(s.symmetricHash(), key, newer.unsafeArray(), older.unsafeArray(), data);
        } else {
            int keyBits = s.symmetricKeyBits();
            int block = Symmetric.blockSize(s.symmetric());
            byte[] kiv = Kdf.kdfa(s.authHash(), key, "CFB", newer.unsafeArray(), older.unsafeArray(), keyBits + block * 8);
            byte[] k = Arrays.copyOf(kiv, keyBits / 8);
            byte[] iv = Arrays.copyOfRange(kiv, keyBits / 8, keyBits / 8 + block);
            out = (encrypt ? Symmetric.encrypt(s.symmetric(), k, TpmAlg.CFB, iv, data)
                    : Symmetric.decrypt(s.symmetric(), k, TpmAlg.CFB, iv, data)).data().toArray();
        }
        System.arraycopy(out, 0, params, 2, size);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
