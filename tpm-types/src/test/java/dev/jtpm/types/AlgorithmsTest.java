package dev.jtpm.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.structure.TpmiAlgHash;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AlgorithmsTest {

    @Test
    void table_isAscending_andListsExactlyTheImplementedHashes() {
        assertThat(Algorithms.all()).extracting(Algorithms.Entry::alg)
                .containsExactly(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512);
        assertThat(Algorithms.all()).allSatisfy(e -> assertThat(e.attributes()).isEqualTo(Algorithms.HASH));
    }

    @Test
    void hashEntries_agreeWithTpmiAlgHash() {
        assertThat(Algorithms.all().stream().filter(e -> (e.attributes() & Algorithms.HASH) != 0)
                .mapToInt(Algorithms.Entry::alg).toArray())
                .containsExactlyInAnyOrder(Arrays.stream(TpmiAlgHash.IMPLEMENTED).toArray());
    }

    @Test
    void noKeyAlgorithm_keySize_orCurve_isImplementedYet() {
        for (int alg : new int[] {TpmAlg.RSA, TpmAlg.ECC, TpmAlg.AES, TpmAlg.HMAC, TpmAlg.KEYEDHASH, TpmAlg.SYMCIPHER}) {
            assertThat(Algorithms.isImplemented(alg)).as("alg %04x", alg).isFalse();
        }
        assertThat(Algorithms.hasKeySize(TpmAlg.RSA, 2048)).isFalse();
        assertThat(Algorithms.eccCurves()).isEmpty();
        assertThat(Algorithms.isCurveImplemented(0x0003)).isFalse();
    }
}
