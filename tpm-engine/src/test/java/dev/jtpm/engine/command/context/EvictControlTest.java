package dev.jtpm.engine.command.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.Clear;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictControlTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());

    private static int primary(TestTpm t, int hierarchy) {
        return t.run(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
    }

    @Test
    void persistentObject_survivesAPowerCycle_keepsItsName_andIsUsableByHandle() {
        TestTpm t = TestTpm.started();
        int h = primary(t, TpmRh.OWNER);
        Bytes name = t.run(new ReadPublic(h)).orThrow().name();
        t.run(new EvictControl(TpmRh.OWNER, h, 0x81000001)).orThrow();
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(t.run(new ReadPublic(0x81000001)).orThrow().name()).isEqualTo(name);
        t.run(new EvictControl(TpmRh.OWNER, 0x81000001, 0x81000001)).orThrow();
        assertThat(t.run(new ReadPublic(0x81000001)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
    }

    @Test
    void errors_asTheReferenceImplementation() {
        TestTpm t = TestTpm.started();
        int owner = primary(t, TpmRh.OWNER);
        int nullKey = primary(t, TpmRh.NULL);
        assertThat(t.run(new EvictControl(TpmRh.OWNER, nullKey, 0x81000001)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
        assertThat(t.run(new EvictControl(TpmRh.OWNER, owner, 0x81800001)).rc()).isEqualTo(TpmRc.RANGE.atParameter(1));
        assertThat(t.run(new EvictControl(TpmRh.PLATFORM, owner, 0x81800001)).rc()).isEqualTo(TpmRc.HIERARCHY.atHandle(2));
        t.run(new EvictControl(TpmRh.OWNER, owner, 0x81000001)).orThrow();
        assertThat(t.run(new EvictControl(TpmRh.OWNER, owner, 0x81000001)).rc()).isEqualTo(TpmRc.NV_DEFINED);
        assertThat(t.run(new EvictControl(TpmRh.OWNER, 0x81000001, 0x81000002)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(2));
        assertThat(t.run(new EvictControl(TpmRh.OWNER, 0x81000009, 0x81000009)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(2));
    }

    @Test
    void clear_removesOwnerPersistentObjects_butNotPlatformOnes() {
        TestTpm t = TestTpm.started();
        t.run(new EvictControl(TpmRh.OWNER, primary(t, TpmRh.OWNER), 0x81000001)).orThrow();
        t.run(new EvictControl(TpmRh.PLATFORM, primary(t, TpmRh.PLATFORM), 0x81800001)).orThrow();
        t.run(new Clear(TpmRh.LOCKOUT)).orThrow();
        assertThat(t.run(new ReadPublic(0x81000001)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
        assertThat(t.run(new ReadPublic(0x81800001)).ok()).isTrue();
    }
}
