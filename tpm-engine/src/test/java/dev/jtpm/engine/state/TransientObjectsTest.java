package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import org.junit.jupiter.api.Test;

class TransientObjectsTest {
    private static TransientObject object() { return HashSequence.event(Secret.EMPTY); }

    @Test
    void add_handsOutTheSlotHandles_andReusesTheLowestFreeSlot_asLibtpms() {
        TransientObjects objects = new TransientObjects();
        assertThat(objects.add(object())).isEqualTo(0x80000000);
        assertThat(objects.add(object())).isEqualTo(0x80000001);
        assertThat(objects.add(object())).isEqualTo(0x80000002);
        objects.remove(0x80000001);
        // swtpm 0.7.1: flushing 0x80000001 of three sequences, the next HashSequenceStart gets 0x80000001
        assertThat(objects.add(object())).isEqualTo(0x80000001);
    }

    @Test
    void add_everySlotTaken_returnsObjectMemory() {
        TransientObjects objects = new TransientObjects();
        for (int i = 0; i < TransientObjects.MAX_LOADED; i++) objects.add(object());
        assertThatThrownBy(() -> objects.add(object()))
                .isInstanceOfSatisfying(TpmFailure.class, f -> assertThat(f.rc()).isEqualTo(TpmRc.OBJECT_MEMORY));
    }

    @Test
    void handles_stayWithinTheRangeTpmiDhObjectAdmits() {
        assertThat(TransientObjects.MAX_LOADED).isEqualTo(3);
        TransientObjects objects = new TransientObjects();
        for (int round = 0; round < 10; round++) {
            int h = objects.add(object());
            assertThat(TpmRh.inRange(h, TpmRh.TRANSIENT_FIRST, TpmRh.TRANSIENT_LAST)).isTrue();
            objects.remove(h);
        }
    }
}
