package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TPM2_VerifySignature with the same public keys loaded into both TPMs (TPM2_LoadExternal of keys the
 * JDK made, with and without a scheme of their own) over a grid of signatures — genuine ones the JDK
 * made, tampered ones, ones of another scheme, hash or key type, malformed sizes, digests of the wrong
 * size — answers the same response code on jtpm as on swtpm 0.7.1 (libtpms), parameter index included.
 * The keys are the same on both sides, so TPM_RC_SIGNATURE versus success is compared too.
 */
class VerifySignatureDifferentialTest {
    private static final int OWNER = 0x40000001, NULL = 0x0010, SHA1 = 0x0004, SHA256 = 0x000B;
    private static final int SIGN_ATTRIBUTES = (1 << 6) | (1 << 18); // userWithAuth, sign
    private static final byte[] MESSAGE = "verify me".getBytes();

    private static byte[] fixed(BigInteger v, int n) {
        byte[] b = v.toByteArray();
        if (b.length == n) return b;
        byte[] r = new byte[n];
        if (b.length > n) System.arraycopy(b, b.length - n, r, 0, n);
        else System.arraycopy(b, 0, r, n - b.length, b.length);
        return r;
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 1;
        return c;
    }

    private static int loadExternal(SwtpmSocketTransport t, byte[] publicArea) throws IOException {
        byte[] r = execute(t, command(0x167, cat(u16(0), sized(publicArea), u32(OWNER))));
        assertThat(rc(r)).as("LoadExternal").isZero();
        return u32At(r, 10);
    }

    private static byte[] verify(int key, byte[] digest, byte[] signature) {
        return command(0x177, cat(u32(key), sized(digest), signature));
    }

    @Test
    void verifySignature_sameKeysOnBothTpms_everySignatureOfTheGrid_sameResponseCodeAsSwtpm() throws Exception {
        Tools.require("swtpm");
        byte[] d256 = MessageDigest.getInstance("SHA-256").digest(MESSAGE), d1 = MessageDigest.getInstance("SHA-1").digest(MESSAGE);

        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        KeyPair rsa = rg.generateKeyPair();
        byte[] n = fixed(((RSAPublicKey) rsa.getPublic()).getModulus(), 256);
        Signature pkcs1 = Signature.getInstance("SHA256withRSA");
        pkcs1.initSign(rsa.getPrivate());
        pkcs1.update(MESSAGE);
        byte[] rsassa = pkcs1.sign();
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        pss.initSign(rsa.getPrivate());
        pss.update(MESSAGE);
        byte[] rsapss = pss.sign();

        KeyPairGenerator eg = KeyPairGenerator.getInstance("EC");
        eg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = eg.generateKeyPair();
        ECPublicKey q = (ECPublicKey) ec.getPublic();
        byte[] qx = fixed(q.getW().getAffineX(), 32), qy = fixed(q.getW().getAffineY(), 32);
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initSign(ec.getPrivate());
        ecdsa.update(MESSAGE);
        byte[] rs = ecdsa.sign();
        byte[] r = Arrays.copyOfRange(rs, 0, 32), s = Arrays.copyOfRange(rs, 32, 64);
        byte[] order = fixed(q.getParams().getOrder(), 32);

        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int[] scheme : new int[][] {{NULL}, {0x0014, SHA256}, {0x0016, SHA256}}) {
            keys.put("RSA scheme " + Arrays.toString(scheme), cat(u16(0x0001, SHA256), u32(SIGN_ATTRIBUTES), u16(0), u16(NULL),
                    u16(scheme), u16(2048), u32(0), sized(n)));
        }
        for (int[] scheme : new int[][] {{NULL}, {0x0018, SHA256}, {0x0018, SHA1}}) {
            keys.put("ECC scheme " + Arrays.toString(scheme), cat(u16(0x0023, SHA256), u32(SIGN_ATTRIBUTES), u16(0), u16(NULL),
                    u16(scheme), u16(0x0003), u16(NULL), sized(qx), sized(qy)));
        }

        Map<String, byte[]> signatures = new LinkedHashMap<>();
        signatures.put("RSASSA genuine", cat(u16(0x0014, SHA256), sized(rsassa)));
        signatures.put("RSASSA tampered", cat(u16(0x0014, SHA256), sized(flip(rsassa, 100))));
        signatures.put("RSASSA hash SHA1", cat(u16(0x0014, SHA1), sized(rsassa)));
        signatures.put("RSASSA 255 octets", cat(u16(0x0014, SHA256), sized(Arrays.copyOf(rsassa, 255))));
        signatures.put("RSASSA modulus itself", cat(u16(0x0014, SHA256), sized(n)));
        signatures.put("RSAPSS genuine", cat(u16(0x0016, SHA256), sized(rsapss)));
        signatures.put("RSAPSS tampered", cat(u16(0x0016, SHA256), sized(flip(rsapss, 7))));
        signatures.put("RSAPSS hash NULL", cat(u16(0x0016, NULL), sized(rsapss)));
        signatures.put("ECDSA genuine", cat(u16(0x0018, SHA256), sized(r), sized(s)));
        signatures.put("ECDSA tampered r", cat(u16(0x0018, SHA256), sized(flip(r, 5)), sized(s)));
        signatures.put("ECDSA hash SHA1", cat(u16(0x0018, SHA1), sized(r), sized(s)));
        signatures.put("ECDSA r = 0", cat(u16(0x0018, SHA256), sized(new byte[32]), sized(s)));
        signatures.put("ECDSA s = n", cat(u16(0x0018, SHA256), sized(r), sized(order)));
        signatures.put("ECDSA empty r", cat(u16(0x0018, SHA256), u16(0), sized(s)));
        signatures.put("ECDSA 33-octet r", cat(u16(0x0018, SHA256), sized(cat(new byte[] {0}, r)), sized(s)));
        signatures.put("ECSCHNORR arbitrary", cat(u16(0x001C, SHA256), sized(r), sized(s)));
        signatures.put("SM2 arbitrary", cat(u16(0x001B, SHA256), sized(r), sized(s)));
        signatures.put("HMAC", cat(u16(0x0005, SHA256), d256));
        signatures.put("NULL signature", u16(NULL));
        signatures.put("unknown algorithm", cat(u16(0x0099, SHA256), sized(r)));

        List<String> differences = new ArrayList<>();
        int cases = 0, verified = 0;
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport sw = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            for (Map.Entry<String, byte[]> key : keys.entrySet()) {
                int hj = loadExternal(j, key.getValue()), hs = loadExternal(sw, key.getValue());
                for (Map.Entry<String, byte[]> sig : signatures.entrySet()) {
                    for (byte[] digest : List.of(d256, d1, new byte[0], flip(d256, 0))) {
                        int a = rc(execute(j, verify(hj, digest, sig.getValue()))), b = rc(execute(sw, verify(hs, digest, sig.getValue())));
                        cases++;
                        if (b == 0) verified++;
                        if (a != b) {
                            differences.add(String.format("%s, %s, digest %d octets%s: jtpm 0x%03x, swtpm 0x%03x", key.getKey(),
                                    sig.getKey(), digest.length, digest.length == 32 && digest[0] != d256[0] ? " (other)" : "", a, b));
                        }
                    }
                }
                for (SwtpmSocketTransport t : List.of(j, sw)) {
                    assertThat(flush(t, t == j ? hj : hs)).isZero();
                }
            }
        }
        java.nio.file.Files.write(java.nio.file.Path.of("target", "verifysignature-differences.txt"), differences);
        assertThat(cases).isGreaterThan(400);
        assertThat(verified).as("signatures swtpm accepted").isGreaterThanOrEqualTo(6);
        assertThat(differences).as("%d of %d differ (all in target/verifysignature-differences.txt); first ones",
                differences.size(), cases).isEmpty();
    }
}
