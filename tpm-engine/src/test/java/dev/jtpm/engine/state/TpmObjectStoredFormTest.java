package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.Templates;
import org.junit.jupiter.api.Test;

/**
 * A stored object (persistent object, volatile-state slot) read back from corrupt state is refused with
 * TPM_RC_INTEGRITY, never an internal error that puts the TPM into failure mode. Regression tests of the fuzz
 * findings 1–3 of docs/robustness.md, in words.
 */
class TpmObjectStoredFormTest {
    private static byte[] stored() {
        return new TpmObject(Templates.ECC_P256_SRK, null, Bytes.zeros(34), TpmRh.OWNER, true).marshal();
    }

    @Test
    void intact_roundTrips() {
        TpmObject o = TpmObject.unmarshal(stored());
        assertThat(o.hierarchy()).isEqualTo(TpmRh.OWNER);
    }

    @Test
    void unknownNameAlg_isIntegrity() {
        byte[] b = stored();
        b[4] = 0;       // TPM2B size (2), type (2), nameAlg (2): nameAlg := 0x0003
        b[5] = 3;
        assertThatThrownBy(() -> TpmObject.unmarshal(b)).isInstanceOfSatisfying(TpmFailure.class,
                f -> assertThat(f.rc()).isEqualTo(TpmRc.INTEGRITY));
    }

    @Test
    void hierarchyThatIsNone_isIntegrity() {
        byte[] b = stored();
        int at = b.length - 5;    // hierarchy (4), primary (1)
        b[at] = 0x3c;
        b[at + 3] = 1;
        assertThatThrownBy(() -> TpmObject.unmarshal(b)).isInstanceOfSatisfying(TpmFailure.class,
                f -> assertThat(f.rc()).isEqualTo(TpmRc.INTEGRITY));
    }
}
