package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import java.math.BigInteger;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Derived-object secrets: the DRBG against KDFa written here from Part 1 §11.4.10.2 (length field 8192), and
 * known answers taken from swtpm 0.7.1 (a derivation parent whose bits are 00..1f, SHA-256, label "mylabel",
 * context "ctx").
 */
class DerivedKeysTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] BITS = new byte[32];

    static {
        for (int i = 0; i < 32; i++) BITS[i] = (byte) i;
    }

    private static byte[] kdfa(byte[] key, byte[] label, byte[] context, int n) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] out = new byte[n];
        for (int i = 1, done = 0; done < n; i++) {
            m.update(new byte[] {0, 0, 0, (byte) i});
            m.update(label);
            m.update(new byte[1]);
            m.update(context);
            m.update(new byte[] {0, 0, 0x20, 0});   // 8192
            byte[] b = m.doFinal();
            System.arraycopy(b, 0, out, done, Math.min(32, n - done));
            done += 32;
        }
        return out;
    }

    @Test
    void drbg_isKdfaWithTheDerivationLimit_acrossRequests() throws Exception {
        RandomBits d = DerivedKeys.drbg(TpmAlg.SHA256, Secret.of(BITS), "mylabel".getBytes(), "ctx".getBytes());
        byte[] a = d.next(16), b = d.next(48);
        byte[] expected = kdfa(BITS, "mylabel".getBytes(), "ctx".getBytes(), 64);
        assertThat(a).isEqualTo(java.util.Arrays.copyOf(expected, 16));
        assertThat(b).isEqualTo(java.util.Arrays.copyOfRange(expected, 16, 64));
    }

    @Test
    void aesKey_asSwtpmDerivesIt() throws Exception {
        byte[] key = DerivedKeys.drbg(TpmAlg.SHA256, Secret.of(BITS), "mylabel".getBytes(), "ctx".getBytes()).next(16);
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        assertThat(HEX.formatHex(c.doFinal(new byte[16]))).isEqualTo("223174b4ad8396a94d1b6c833fa228b4");
    }

    @Test
    void eccKey_isFips186ExtraBits_asSwtpmDerivesIt() throws Exception {
        EccKey k = DerivedKeys.ecc(DerivedKeys.drbg(TpmAlg.SHA256, Secret.of(BITS), "mylabel".getBytes(), "ctx".getBytes()),
                EccCurve.NIST_P256);
        assertThat(HEX.formatHex(k.xBytes())).isEqualTo("a97a5b3a8281c114774f2f781bf186e12a7e6a17bd9bdc9371673cfec385fca0");
        BigInteger n = EccCurve.NIST_P256.order();
        BigInteger c = new BigInteger(1, kdfa(BITS, "mylabel".getBytes(), "ctx".getBytes(), 40));
        assertThat(k.d()).isEqualTo(c.mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE));
    }
}
