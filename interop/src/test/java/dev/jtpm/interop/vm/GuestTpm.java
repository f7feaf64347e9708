package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * Raw TPM 2.0 commands the test sends through the guest's /dev/tpm0 (the guest has no TPM tools), and checks of
 * their responses made with the JDK alone.
 */
final class GuestTpm {
    private GuestTpm() {}

    private static final int TPM_RH_OWNER = 0x40000001;
    private static final int TPM_RS_PW = 0x40000009;

    static byte[] u16(int v) { return new byte[] {(byte) (v >>> 8), (byte) v}; }

    static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] sized(byte[] b) { return cat(u16(b.length), b); }

    private static byte[] command(int tag, int code, byte[] body) { return cat(u16(tag), u32(10 + body.length), u32(code), body); }

    /** A command with one handle authorized by an empty password. */
    private static byte[] authorized(int code, int handle, byte[] params) {
        byte[] session = cat(u32(TPM_RS_PW), u16(0), new byte[] {0}, u16(0));
        return command(0x8002, code, cat(u32(handle), u32(session.length), session, params));
    }

    static int rc(byte[] response) { return u32At(response, 6); }

    static int u32At(byte[] r, int at) {
        return (r[at] & 0xff) << 24 | (r[at + 1] & 0xff) << 16 | (r[at + 2] & 0xff) << 8 | r[at + 3] & 0xff;
    }

    static int u16At(byte[] r, int at) { return (r[at] & 0xff) << 8 | r[at + 1] & 0xff; }

    /** TPM2_PCR_Extend of a SHA-256 digest into {@code pcr}. */
    static byte[] pcrExtend(int pcr, byte[] sha256) {
        return authorized(0x182, pcr, cat(u32(1), u16(0x000b), sha256));
    }

    /** TPM2_GetRandom. */
    static byte[] getRandom(int bytes) { return command(0x8001, 0x17b, u16(bytes)); }

    /** The bytes of a GetRandom response. */
    static byte[] randomBytes(byte[] response) {
        assertThat(rc(response)).as("GetRandom").isZero();
        int n = u16At(response, 10);
        return Arrays.copyOfRange(response, 12, 12 + n);
    }

    /** TPM2_CreatePrimary of an ECDSA-SHA256 NIST P-256 signing key under the owner hierarchy, empty auth. */
    static byte[] createPrimaryEcc() {
        byte[] publicArea = cat(u16(0x0023), u16(0x000b), u32(0x00040072), u16(0),
                u16(0x0010), u16(0x0018), u16(0x000b), u16(0x0003), u16(0x0010), u16(0), u16(0));
        byte[] sensitive = sized(cat(u16(0), u16(0)));
        return authorized(0x131, TPM_RH_OWNER, cat(sensitive, sized(publicArea), u16(0), u32(0)));
    }

    /** The handle and public key of a {@link #createPrimaryEcc} response. */
    record LoadedKey(int handle, ECPublicKey publicKey) {}

    static LoadedKey loadedKey(byte[] response) throws Exception {
        assertThat(rc(response)).as("CreatePrimary response code").isZero();
        int handle = u32At(response, 10);
        int at = 18;             // handle, parameterSize
        at += 2;                 // TPM2B_PUBLIC size
        at += 2 + 2 + 4;         // type, nameAlg, objectAttributes
        at += 2 + u16At(response, at);   // authPolicy
        at += 2 + 2 + 2 + 2 + 2; // symmetric NULL, scheme ECDSA + hash, curve, kdf NULL
        int xLen = u16At(response, at);
        byte[] x = Arrays.copyOfRange(response, at + 2, at + 2 + xLen);
        at += 2 + xLen;
        int yLen = u16At(response, at);
        byte[] y = Arrays.copyOfRange(response, at + 2, at + 2 + yLen);
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(new BigInteger(1, x), new BigInteger(1, y)), spec));
        return new LoadedKey(handle, key);
    }

    /** TPM2_Sign of a SHA-256 digest with the key's own scheme (a null hash-check ticket: the key is unrestricted). */
    static byte[] sign(int keyHandle, byte[] digest) {
        return authorized(0x15d, keyHandle, cat(sized(digest), u16(0x0010), u16(0x8024), u32(0x40000007), u16(0)));
    }

    /** Checks a TPM2_Sign response: success, and an ECDSA signature over {@code digest} that the JDK verifies. */
    static void assertSigned(byte[] response, byte[] digest, ECPublicKey key) throws Exception {
        assertThat(rc(response)).as("Sign response code 0x%08x", rc(response)).isZero();
        int at = 14;             // parameterSize
        assertThat(u16At(response, at)).as("sigAlg ECDSA").isEqualTo(0x0018);
        at += 4;                 // sigAlg, hash
        int rLen = u16At(response, at);
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(response, at + 2, at + 2 + rLen));
        at += 2 + rLen;
        int sLen = u16At(response, at);
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(response, at + 2, at + 2 + sLen));
        Signature v = Signature.getInstance("NONEwithECDSA");
        v.initVerify(key);
        v.update(digest);
        assertThat(v.verify(der(r, s))).as("the guest's TPM signature verifies with the JDK").isTrue();
    }

    private static byte[] der(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        byte[] body = cat(new byte[] {0x02, (byte) rb.length}, rb, new byte[] {0x02, (byte) sb.length}, sb);
        return cat(new byte[] {0x30, (byte) body.length}, body);
    }

    /** SHA-256 of the concatenation. */
    static byte[] sha256(byte[]... parts) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(cat(parts));
    }
}
