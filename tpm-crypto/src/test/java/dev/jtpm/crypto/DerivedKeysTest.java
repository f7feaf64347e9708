package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The derived-object generator against KDFa written out with the JCA. */
class DerivedKeysTest {
    private static final byte[] SECRET = Vectors.hex("0f0e0d0c0b0a09080706050403020100");
    private static final byte[] LABEL = "label".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTEXT = "context".getBytes(StandardCharsets.US_ASCII);

    /** Block i: HMAC_SHA384(secret, [i]32 || label || 00 || context || [8192]32). */
    private static byte[] block(int i, byte[] label) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA384");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA384"));
        mac.update(ByteBuffer.allocate(4).putInt(i).array());
        mac.update(label);
        if (label.length == 0 || label[label.length - 1] != 0) mac.update((byte) 0);
        mac.update(CONTEXT);
        mac.update(ByteBuffer.allocate(4).putInt(8192).array());
        return mac.doFinal();
    }

    @Test
    void generator_isKdfaBlocksWithTheMaximumDerivationLength_inOrderHoweverSplit() throws Exception {
        byte[] expected = ByteBuffer.allocate(144).put(block(1, LABEL)).put(block(2, LABEL)).put(block(3, LABEL)).array();
        RandomBits g = DerivedKeys.generator(TpmAlg.SHA384, Secret.of(SECRET), LABEL, CONTEXT);
        byte[] a = g.next(40), b = g.next(8), c = g.next(96);
        assertThat(ByteBuffer.allocate(144).put(a).put(b).put(c).array()).isEqualTo(expected);
        // a label given with its NUL is the same label; an empty one still gets the NUL
        byte[] nul = "label\0".getBytes(StandardCharsets.US_ASCII);
        assertThat(DerivedKeys.generator(TpmAlg.SHA384, Secret.of(SECRET), nul, CONTEXT).next(48)).isEqualTo(block(1, LABEL));
        assertThat(DerivedKeys.generator(TpmAlg.SHA384, Secret.of(SECRET), new byte[0], CONTEXT).next(48))
                .isEqualTo(block(1, new byte[0]));
    }

    @Test
    void ecc_scalarIsOrderBytesPlus8OctetsModNMinus1PlusOne() throws Exception {
        for (EccCurve curve : new EccCurve[] {EccCurve.of(0x0003), EccCurve.of(0x0004), EccCurve.of(0x0005)}) {
            int orderBytes = (curve.order().bitLength() + 7) / 8;
            byte[] stream = ByteBuffer.allocate(144).put(block(1, LABEL)).put(block(2, LABEL)).put(block(3, LABEL)).array();
            BigInteger c = new BigInteger(1, java.util.Arrays.copyOf(stream, orderBytes + 8));
            BigInteger d = c.mod(curve.order().subtract(BigInteger.ONE)).add(BigInteger.ONE);
            RandomBits g = DerivedKeys.generator(TpmAlg.SHA384, Secret.of(SECRET), LABEL, CONTEXT);
            EccKey k = DerivedKeys.ecc(g, curve);
            assertThat(new BigInteger(1, k.dBytes())).isEqualTo(d);
            assertThat(curve.isOnCurve(k.x(), k.y())).isTrue();
            // the generator continues after the scalar's octets
            assertThat(g.next(8)).isEqualTo(java.util.Arrays.copyOfRange(stream, orderBytes + 8, orderBytes + 16));
        }
    }
}
