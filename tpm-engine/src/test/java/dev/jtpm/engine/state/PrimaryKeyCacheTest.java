package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import org.junit.jupiter.api.Test;

class PrimaryKeyCacheTest {
    private static final Secret SEED = Secret.of(new byte[32]);
    private static final Secret OTHER_SEED = Secret.of(filled(32, 1));
    private static final byte[] CONTEXT = filled(34, 7);

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void rsa_sameInputsTwice_returnsTheKeyOfTheFirstDerivation() {
        PrimaryKeyCache cache = new PrimaryKeyCache();
        RsaKey first = cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 0);
        RsaKey second = cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 0);
        assertThat(second).isSameAs(first);
        assertThat(first).isEqualTo(PrimaryKeys.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 0));
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void rsa_anyInputChanged_derivesAnotherKey() {
        PrimaryKeyCache cache = new PrimaryKeyCache();
        RsaKey base = cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 0);
        byte[] otherContext = CONTEXT.clone();
        otherContext[33] ^= 1;
        assertThat(cache.rsa(TpmAlg.SHA256, OTHER_SEED, CONTEXT, 1024, 0)).isNotEqualTo(base)
                .isEqualTo(PrimaryKeys.rsa(TpmAlg.SHA256, OTHER_SEED, CONTEXT, 1024, 0));
        assertThat(cache.rsa(TpmAlg.SHA256, SEED, otherContext, 1024, 0)).isNotEqualTo(base);
        assertThat(cache.rsa(TpmAlg.SHA384, SEED, CONTEXT, 1024, 0)).isNotEqualTo(base);
        assertThat(cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 65539).e().longValue()).isEqualTo(65539);
        assertThat(cache.size()).isEqualTo(5);
    }

    @Test
    void ecc_sameInputsTwice_returnsTheKeyOfTheFirstDerivation_andKindsNeverCollide() {
        PrimaryKeyCache cache = new PrimaryKeyCache();
        EccKey first = cache.ecc(TpmAlg.SHA256, SEED, CONTEXT, EccCurve.NIST_P256);
        assertThat(cache.ecc(TpmAlg.SHA256, SEED, CONTEXT, EccCurve.NIST_P256)).isSameAs(first)
                .isEqualTo(PrimaryKeys.ecc(TpmAlg.SHA256, SEED, CONTEXT, EccCurve.NIST_P256));
        assertThat(cache.ecc(TpmAlg.SHA256, SEED, CONTEXT, EccCurve.NIST_P384)).isNotEqualTo(first);
        assertThat(cache.ecc(TpmAlg.SHA256, OTHER_SEED, CONTEXT, EccCurve.NIST_P256)).isNotEqualTo(first);
        RsaKey rsa = cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 512, 0);
        assertThat(rsa.bits()).isEqualTo(512);
        assertThat(cache.size()).isEqualTo(4);
    }

    @Test
    void rsa_moreKeysThanCapacity_keepsTheMostRecentlyUsed() {
        PrimaryKeyCache cache = new PrimaryKeyCache();
        RsaKey kept = cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 512, 0);
        for (int i = 0; i < PrimaryKeyCache.CAPACITY + 3; i++) {
            cache.rsa(TpmAlg.SHA256, SEED, new byte[] {(byte) i}, 512, 0);
            assertThat(cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 512, 0)).isSameAs(kept); // used again: stays
        }
        assertThat(cache.size()).isEqualTo(PrimaryKeyCache.CAPACITY);
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.rsa(TpmAlg.SHA256, SEED, CONTEXT, 512, 0)).isNotSameAs(kept).isEqualTo(kept);
    }
}
