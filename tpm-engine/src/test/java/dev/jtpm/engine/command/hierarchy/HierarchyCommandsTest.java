package dev.jtpm.engine.command.hierarchy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.ChangeEps;
import dev.jtpm.types.command.Clear;
import dev.jtpm.types.command.ClearControl;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.HierarchyChangeAuth;
import dev.jtpm.types.command.HierarchyControl;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.command.SetPrimaryPolicy;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtPublic;
import java.util.List;
import org.junit.jupiter.api.Test;

class HierarchyCommandsTest {
    private static final Bytes PW = Bytes.of("pw".getBytes());

    @Test
    void changeAuth_ownerNeedsTheNewPasswordAfterwards_trailingZerosTrimmed() {
        TestTpm t = TestTpm.started();
        t.run(new HierarchyChangeAuth(TpmRh.OWNER, Secret.of(new byte[] {'p', 'w', 0, 0}))).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.OWNER, 1L << 40)).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.run(new ClockSet(TpmRh.OWNER, 1L << 40), List.of(PW)).ok()).isTrue();
        assertThat(t.state().persistent.ownerAuth.size()).isEqualTo(2);
    }

    @Test
    void platformAuth_survivesAResume_andIsClearedByStartupClear() {
        TestTpm t = TestTpm.started();
        t.run(new HierarchyChangeAuth(TpmRh.PLATFORM, Secret.of(PW))).orThrow();
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.STATE)).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.PLATFORM, 1L << 40)).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        t.run(new Shutdown(TpmSu.CLEAR), List.of()).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.PLATFORM, 1L << 41)).ok()).isTrue();
    }

    @Test
    void hierarchyControl_disabledOwner_answersHierarchy_andOnlyPlatformReenables() {
        TestTpm t = TestTpm.started();
        t.run(new HierarchyControl(TpmRh.OWNER, TpmRh.OWNER, false)).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.OWNER, 1L << 40)).rc()).isEqualTo(TpmRc.HIERARCHY.atHandle(1));
        assertThat(t.run(new HierarchyControl(TpmRh.ENDORSEMENT, TpmRh.OWNER, true)).rc()).isEqualTo(TpmRc.AUTH_TYPE);
        t.run(new HierarchyControl(TpmRh.PLATFORM, TpmRh.OWNER, true)).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.OWNER, 1L << 40)).ok()).isTrue();
    }

    @Test
    void hierarchyControl_platformOnlyByPlatform_andStaysOffUntilStartup() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new HierarchyControl(TpmRh.OWNER, TpmRh.PLATFORM, false)).rc()).isEqualTo(TpmRc.AUTH_TYPE);
        t.run(new HierarchyControl(TpmRh.PLATFORM, TpmRh.PLATFORM, false)).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.PLATFORM, 1L << 40)).rc()).isEqualTo(TpmRc.HIERARCHY.atHandle(1));
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.STATE)).orThrow();
        assertThat(t.run(new ClockSet(TpmRh.PLATFORM, 1L << 40)).ok()).isTrue();
    }

    @Test
    void setPrimaryPolicy_sizeMustMatchTheHash() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new SetPrimaryPolicy(TpmRh.OWNER, Bytes.zeros(20), TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new SetPrimaryPolicy(TpmRh.OWNER, Bytes.zeros(32), TpmAlg.SHA256)).ok()).isTrue();
        assertThat(t.state().persistent.ownerPolicy).isEqualTo(Bytes.zeros(32));
        assertThat(t.run(new SetPrimaryPolicy(TpmRh.OWNER, Bytes.EMPTY, TpmAlg.NULL)).ok()).isTrue();
        assertThat(t.run(new SetPrimaryPolicy(0x40000110, Bytes.EMPTY, TpmAlg.NULL)).rc().is(TpmRc.VALUE)).isTrue();
    }

    @Test
    void clear_newStorageSeedAndProofs_emptyAuths_clockAndCountersZero() {
        TestTpm t = TestTpm.started();
        var before = t.state().persistent;
        Secret sps = before.sps, eps = before.eps, shProof = before.shProof;
        t.run(new HierarchyChangeAuth(TpmRh.OWNER, Secret.of(PW))).orThrow();
        t.millis.addAndGet(50_000);
        t.run(new Clear(TpmRh.LOCKOUT)).orThrow();
        var p = t.state().persistent;
        assertThat(p.sps).isNotEqualTo(sps);
        assertThat(p.shProof).isNotEqualTo(shProof);
        assertThat(p.eps).isEqualTo(eps);
        assertThat(p.ownerAuth.isEmpty()).isTrue();
        var clock = t.run(new ReadClock()).orThrow().currentTime().clockInfo();
        assertThat(clock.clock()).isLessThan(1_000);
        assertThat(clock.resetCount()).isZero();
    }

    @Test
    void clearControl_lockoutMaySetButNotClear_andDisabledClearAnswersDisabled() {
        TestTpm t = TestTpm.started();
        t.run(new ClearControl(TpmRh.LOCKOUT, true)).orThrow();
        assertThat(t.run(new Clear(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.DISABLED);
        assertThat(t.run(new ClearControl(TpmRh.LOCKOUT, false)).rc()).isEqualTo(TpmRc.AUTH_FAIL);
        t.run(new ClearControl(TpmRh.PLATFORM, false)).orThrow();
        assertThat(t.run(new Clear(TpmRh.PLATFORM)).ok()).isTrue();
    }

    @Test
    void changeEps_newEndorsementSeed_emptyEndorsementAuth() {
        TestTpm t = TestTpm.started();
        Secret eps = t.state().persistent.eps;
        t.run(new HierarchyChangeAuth(TpmRh.ENDORSEMENT, Secret.of(PW))).orThrow();
        t.run(new ChangeEps(TpmRh.PLATFORM)).orThrow();
        assertThat(t.state().persistent.eps).isNotEqualTo(eps);
        assertThat(t.state().persistent.endorsementAuth.isEmpty()).isTrue();
        assertThat(t.run(new ChangeEps(TpmRh.OWNER)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    private static Bytes rsaPrimary(TestTpm t, int hierarchy, TpmtPublic template) {
        CreatePrimaryResponse r = t.run(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY,
                new TpmlPcrSelection(List.of()))).orThrow();
        t.run(new FlushContext(r.objectHandle())).orThrow();
        return r.name();
    }

    @Test
    void rsaPrimaries_sameUntilTheSeedChanges_evenWhenRecreatedFromTheCache() {
        TestTpm t = TestTpm.started();
        Bytes srk = rsaPrimary(t, TpmRh.OWNER, Templates.RSA_2048_SRK);
        Bytes ek = rsaPrimary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        assertThat(t.state().primaryKeys.size()).isEqualTo(2);
        assertThat(rsaPrimary(t, TpmRh.OWNER, Templates.RSA_2048_SRK)).isEqualTo(srk);
        assertThat(rsaPrimary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048)).isEqualTo(ek);

        t.run(new ChangeEps(TpmRh.PLATFORM)).orThrow();
        assertThat(t.state().primaryKeys.size()).isZero();
        Bytes newEk = rsaPrimary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048);
        assertThat(newEk).isNotEqualTo(ek);
        assertThat(rsaPrimary(t, TpmRh.OWNER, Templates.RSA_2048_SRK)).isEqualTo(srk);

        t.run(new Clear(TpmRh.LOCKOUT)).orThrow();
        assertThat(rsaPrimary(t, TpmRh.OWNER, Templates.RSA_2048_SRK)).isNotEqualTo(srk);
        assertThat(rsaPrimary(t, TpmRh.ENDORSEMENT, Templates.EK_RSA_2048)).isEqualTo(newEk); // Clear keeps the EPS
    }
}
