package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmsNvPublic;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A permanent blob with values the engine would use unchecked is refused at load (TPM_RC_FAILURE) instead of putting
 * the TPM into failure mode at the first command that meets them. Fuzz findings 4 and 5 of docs/robustness.md, in
 * words.
 */
class CorruptPersistentStateTest {
    private static PersistentState fresh() {
        return PersistentState.manufacture(new Random(1), new int[] {0xFFFFFF, 0xFFFFFF, 0xFFFFFF, 0xFFFFFF});
    }

    private static NvIndex counter(int dataOctets) {
        return new NvIndex(new TpmsNvPublic(0x01000001, TpmAlg.SHA256, TpmaNv.withType(TpmaNv.OWNERREAD | TpmaNv.OWNERWRITE,
                TpmaNv.NT_COUNTER), Bytes.EMPTY, 8), Secret.EMPTY, Bytes.zeros(dataOctets));
    }

    @Test
    void aConsistentCounter_loads() {
        PersistentState s = fresh();
        s.nvIndices.put(0x01000001, counter(8));
        assertThatCode(() -> PersistentState.deserialize(s.serialize())).doesNotThrowAnyException();
    }

    @Test
    void aCounterWithShortData_isRefused() {
        PersistentState s = fresh();
        s.nvIndices.put(0x01000001, counter(4));
        assertThatThrownBy(() -> PersistentState.deserialize(s.serialize())).isInstanceOf(TpmFailure.class);
    }

    @Test
    void anAuditHashThatIsNoHash_isRefused() {
        PersistentState s = fresh();
        s.auditHashAlg = 0x0600;
        assertThatThrownBy(() -> PersistentState.deserialize(s.serialize())).isInstanceOf(TpmFailure.class);
    }
}
