package dev.jtpm.types;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TpmRcTest {
    @Test
    void formatOne_withParameterIndex_roundTrips() {
        TpmRc rc = TpmRc.VALUE.atParameter(2);
        assertThat(rc.value()).isEqualTo(0x2C4);
        assertThat(rc.parameter()).isEqualTo(2);
        assertThat(rc.base()).isEqualTo(TpmRc.VALUE);
        assertThat(rc.is(TpmRc.VALUE)).isTrue();
        assertThat(rc.hasIndex()).isTrue();
    }

    @Test
    void formatOne_handleAndSessionIndexes() {
        assertThat(TpmRc.HANDLE.atHandle(1).value()).isEqualTo(0x18B);
        assertThat(TpmRc.HANDLE.atHandle(1).handle()).isEqualTo(1);
        assertThat(TpmRc.AUTH_FAIL.atSession(1).value()).isEqualTo(0x98E);
        assertThat(TpmRc.AUTH_FAIL.atSession(1).session()).isEqualTo(1);
        assertThat(TpmRc.AUTH_FAIL.atSession(1).parameter()).isZero();
    }

    @Test
    void formatZero_ignoresIndex() {
        assertThat(TpmRc.INITIALIZE.atParameter(3)).isEqualTo(TpmRc.INITIALIZE);
        assertThat(TpmRc.INITIALIZE.isFormatOne()).isFalse();
        assertThat(TpmRc.OBJECT_MEMORY.value()).isEqualTo(0x902);
    }
}
