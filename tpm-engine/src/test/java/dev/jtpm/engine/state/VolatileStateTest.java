package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.IncrementalSelfTest;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The volatile blob (swtpm CMD_STORE_VOLATILE / resume at _TPM_Init) carries what later commands read. */
class VolatileStateTest {
    /** TPMA_STARTUP_CLEAR.orderly. */
    private static final int ORDERLY = 1 << 31;

    private static int startupClear(TestTpm t) {
        var r = t.run(new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.STARTUP_CLEAR, 1)).orThrow();
        return ((TpmlTaggedTpmProperty) r.capabilityData().data()).tpmProperty().get(0).value();
    }

    /** A second TPM over the same store: _TPM_Init resumes from the volatile blob. */
    private static TestTpm resumed(TestTpm t) throws Exception {
        t.tpm.storeVolatile();
        TestTpm r = new TestTpm(t.nv);
        assertThat(r.tpm.isStarted()).isTrue();
        return r;
    }

    @Test
    void resume_keepsStartupClearOrderly() throws Exception {
        TestTpm t = TestTpm.started();
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();   // a TPM Restart: orderly
        assertThat(startupClear(t) & ORDERLY).isNotZero();

        assertThat(startupClear(resumed(t))).isEqualTo(startupClear(t));
    }

    @Test
    void resume_afterNonOrderlyStartup_keepsOrderlyClear() throws Exception {
        TestTpm t = TestTpm.started();
        t.tpm.powerOff();                            // no Shutdown: the next Startup is not orderly
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(startupClear(t) & ORDERLY).isZero();
        assertThat(startupClear(resumed(t)) & ORDERLY).isZero();
    }

    @Test
    void resume_keepsTheStartupLocality_soShutdownStateThenStartupStateWorkAtLocality3() throws Exception {
        TestTpm t = new TestTpm();
        t.locality = 3;
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        TestTpm r = resumed(t);
        r.locality = 3;
        r.run(new Shutdown(TpmSu.STATE)).orThrow();
        r.nv.delete(StateKind.VOLATILE);
        r.tpm.powerOff();
        r.tpm.init();
        assertThat(r.run(new Startup(TpmSu.STATE)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void resume_keepsIncrementalSelfTestProgress() throws Exception {
        TestTpm t = TestTpm.started();
        t.run(new IncrementalSelfTest(List.of(TpmAlg.SHA1))).orThrow();
        List<Integer> toDo = t.run(new IncrementalSelfTest(List.of())).orThrow().toDoList();
        assertThat(toDo).doesNotContain(TpmAlg.SHA1).isNotEmpty();
        assertThat(resumed(t).run(new IncrementalSelfTest(List.of())).orThrow().toDoList()).isEqualTo(toDo);
    }

    @Test
    void version2Blob_restoresWithEmptyPcrAuthValueAndAuditDigest() {
        TestTpm t = TestTpm.started();
        byte[] v3 = VolatileState.serialize(t.state());                  // both empty: two empty TPM2Bs at the end
        // and version 4's list of orderly NV RAM (empty: a 4-octet count), and version 5's fields
        int v5Fields = dev.jtpm.types.codec.TpmCodec.encode(VolatileState.V5.of(t.state())).length;
        byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - v5Fields - 4 - 4);
        java.nio.ByteBuffer.wrap(v2).putInt(4, 2);
        TestTpm other = new TestTpm();
        other.state().persistent = t.state().persistent;
        other.state().pcrAuthValue = dev.jtpm.types.Secret.of(new byte[] {1});
        VolatileState.restore(other.state(), v2);
        assertThat(other.state().pcrAuthValue).isEqualTo(dev.jtpm.types.Secret.EMPTY);
        assertThat(other.state().commandAuditDigest).isEqualTo(dev.jtpm.types.Bytes.EMPTY);
        assertThat(other.state().pcrs.updateCounter()).isEqualTo(t.state().pcrs.updateCounter());
    }

    @Test
    void commandAuditDigest_survivesTheVolatileBlob() {
        TestTpm t = TestTpm.started();
        t.state().commandAuditDigest = dev.jtpm.types.Bytes.of((byte) 1, (byte) 2);
        TestTpm other = new TestTpm();
        other.state().persistent = t.state().persistent;
        VolatileState.restore(other.state(), VolatileState.serialize(t.state()));
        assertThat(other.state().commandAuditDigest).isEqualTo(dev.jtpm.types.Bytes.of((byte) 1, (byte) 2));
    }
}
