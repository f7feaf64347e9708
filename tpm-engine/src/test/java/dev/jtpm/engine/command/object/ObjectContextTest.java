package dev.jtpm.engine.command.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsContext;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TPM2_ContextSave / TPM2_ContextLoad of objects, as tpm-tools use them between invocations. */
class ObjectContextTest {

    private static CreatePrimaryResponse primary(TestTpm t, int hierarchy) {
        return t.run(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY,
                new TpmlPcrSelection(List.of()))).orThrow();
    }

    @Test
    void savedObject_staysLoaded_andLoadsIntoANewHandle() {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse p = primary(t, TpmRh.OWNER);
        TpmsContext ctx = t.run(new ContextSave(p.objectHandle())).orThrow().context();
        assertThat(ctx.savedHandle()).isEqualTo(0x80000000);
        assertThat(ctx.hierarchy()).isEqualTo(TpmRh.OWNER);
        assertThat(t.state().objects.count()).isEqualTo(1);
        int h = t.run(new ContextLoad(ctx)).orThrow().loadedHandle();
        assertThat(h).isEqualTo(0x80000001);
        assertThat(t.run(new ReadPublic(h)).orThrow().name()).isEqualTo(p.name());
        assertThat(t.run(new ReadPublic(h)).orThrow().qualifiedName())
                .isEqualTo(t.run(new ReadPublic(p.objectHandle())).orThrow().qualifiedName());
        // object contexts may be loaded again
        assertThat(t.run(new ContextLoad(ctx)).ok()).isTrue();
        assertThat(t.run(new ContextLoad(ctx)).rc()).isEqualTo(TpmRc.OBJECT_MEMORY);
    }

    @Test
    void tamperedContext_orOneFromBeforeATpmReset_isIntegrity() {
        TestTpm t = TestTpm.started();
        TpmsContext ctx = t.run(new ContextSave(primary(t, TpmRh.OWNER).objectHandle())).orThrow().context();
        byte[] blob = ctx.contextBlob().toArray();
        blob[blob.length - 1] ^= 1;
        assertThat(t.run(new ContextLoad(new TpmsContext(ctx.sequence(), ctx.savedHandle(), ctx.hierarchy(), Bytes.wrap(blob))))
                .rc()).isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        assertThat(t.run(new ContextLoad(new TpmsContext(ctx.sequence(), ctx.savedHandle(), TpmRh.ENDORSEMENT,
                ctx.contextBlob()))).rc()).isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(t.run(new ContextLoad(ctx)).rc()).isEqualTo(TpmRc.INTEGRITY.atParameter(1));
    }

    @Test
    void sequenceObject_isSavedWithItsRunningDigest_andResumesAfterLoad() throws Exception {
        TestTpm t = TestTpm.started();
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        t.run(new dev.jtpm.types.command.SequenceUpdate(seq, Bytes.wrap("abc".getBytes()))).orThrow();
        TpmsContext ctx = t.run(new ContextSave(seq)).orThrow().context();
        assertThat(ctx.savedHandle()).as("ms-tpm: 0x80000001 for a sequence").isEqualTo(0x80000001);
        assertThat(ctx.hierarchy()).isEqualTo(TpmRh.NULL);
        t.run(new FlushContext(seq)).orThrow();
        int back = t.run(new ContextLoad(ctx)).orThrow().loadedHandle();
        t.run(new dev.jtpm.types.command.SequenceUpdate(back, Bytes.wrap("def".getBytes()))).orThrow();
        Bytes digest = t.run(new dev.jtpm.types.command.SequenceComplete(back, Bytes.EMPTY, TpmRh.NULL)).orThrow().result();
        assertThat(digest.toArray()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest("abcdef".getBytes()));
        byte[] blob = ctx.contextBlob().toArray();
        blob[blob.length - 1] ^= 1;
        assertThat(t.run(new ContextLoad(new TpmsContext(ctx.sequence(), ctx.savedHandle(), ctx.hierarchy(), Bytes.wrap(blob)))).rc())
                .isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        assertThat(t.run(new ContextLoad(new TpmsContext(ctx.sequence(), 0x80000000, ctx.hierarchy(), ctx.contextBlob()))).rc())
                .as("the saved handle is under the integrity").isEqualTo(TpmRc.INTEGRITY.atParameter(1));
    }
}
