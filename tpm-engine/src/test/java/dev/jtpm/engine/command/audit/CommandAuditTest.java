package dev.jtpm.engine.command.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.session.CommandAudit;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.Clear;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.SetCommandCodeAuditStatus;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlAuditCommands;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3, 21.2), TPM_CAP_AUDIT_COMMANDS, TPM_PT_AUDIT_COUNTER_0/1 and
 * {@link CommandAudit#record} (ms-tpm's CommandAudit), with the digests computed independently.
 */
class CommandAuditTest {
    private static final Bytes CP = TestTpm.hash(TpmAlg.SHA256, new byte[] {1});
    private static final Bytes RP = TestTpm.hash(TpmAlg.SHA256, new byte[] {2});

    private static List<Integer> audited(TestTpm t) {
        var r = t.run(new GetCapability(TpmCap.AUDIT_COMMANDS, 0, 1000)).orThrow();
        return ((TpmlAuditCommands) r.capabilityData().data()).commandCodes();
    }

    private static long counterProperty(TestTpm t) {
        var r = t.run(new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.AUDIT_COUNTER_0, 2)).orThrow();
        var props = ((TpmlTaggedTpmProperty) r.capabilityData().data()).tpmProperty();
        return ((long) props.get(0).value() << 32) | Integer.toUnsignedLong(props.get(1).value());
    }

    private static SetCommandCodeAuditStatus lists(List<Integer> set, List<Integer> clear) {
        return new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.NULL, set, clear);
    }

    @Test
    void newTpm_auditsSetCommandCodeAuditStatusWithSha512_counterZero() {
        TestTpm t = TestTpm.started();
        assertThat(audited(t)).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS);
        assertThat(CommandAudit.isAudited(t.state(), TpmCc.SET_COMMAND_CODE_AUDIT_STATUS)).isTrue();
        assertThat(CommandAudit.isAudited(t.state(), TpmCc.GET_RANDOM)).isFalse();
        assertThat(CommandAudit.hashAlg(t.state())).isEqualTo(TpmAlg.SHA512);
        assertThat(counterProperty(t)).isZero();
    }

    @Test
    void setAndClearLists_changeTheAuditedSet_persistently() {
        TestTpm t = TestTpm.started();
        t.run(lists(List.of(TpmCc.GET_RANDOM, TpmCc.PCR_EXTEND, TpmCc.SHUTDOWN, TpmCc.AC_GET_CAPABILITY, TpmCc.GET_RANDOM | 1 << 29),
                List.of())).orThrow();
        // Shutdown is never audited; commands this TPM lacks (AC_GetCapability) and vendor codes are ignored
        assertThat(audited(t)).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, TpmCc.GET_RANDOM, TpmCc.PCR_EXTEND);
        t.run(lists(List.of(), List.of(TpmCc.PCR_EXTEND, TpmCc.SET_COMMAND_CODE_AUDIT_STATUS))).orThrow();
        assertThat(audited(t)).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, TpmCc.GET_RANDOM);
        // persistent: written to NV by the command, no Shutdown needed
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(audited(t)).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, TpmCc.GET_RANDOM);
        // the same code in both lists: set, then cleared
        t.run(lists(List.of(TpmCc.HASH), List.of(TpmCc.HASH))).orThrow();
        assertThat(audited(t)).doesNotContain(TpmCc.HASH);
    }

    @Test
    void auditCommandsCapability_startsAtPropertyAndPages() {
        TestTpm t = TestTpm.started();
        t.run(lists(List.of(TpmCc.GET_RANDOM, TpmCc.PCR_EXTEND), List.of())).orThrow();
        var r = t.run(new GetCapability(TpmCap.AUDIT_COMMANDS, TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, 1)).orThrow();
        assertThat(((TpmlAuditCommands) r.capabilityData().data()).commandCodes()).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS);
        assertThat(r.moreData()).isTrue();
        r = t.run(new GetCapability(TpmCap.AUDIT_COMMANDS, TpmCc.SET_COMMAND_CODE_AUDIT_STATUS + 1, 10)).orThrow();
        assertThat(((TpmlAuditCommands) r.capabilityData().data()).commandCodes()).containsExactly(TpmCc.GET_RANDOM, TpmCc.PCR_EXTEND);
        assertThat(r.moreData()).isFalse();
    }

    @Test
    void changingTheHash_leavesAOneOctetDigest_whichTheNextRecordEmpties() {
        TestTpm t = TestTpm.started();
        TpmState s = t.state();
        CommandAudit.record(s, CP, RP);
        t.run(new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.SHA256, List.of(), List.of())).orThrow();
        assertThat(CommandAudit.hashAlg(s)).isEqualTo(TpmAlg.SHA256);
        // the pipeline audited SetCommandCodeAuditStatus itself: the one-octet digest the hash change left is emptied
        assertThat(s.commandAuditDigest).isEqualTo(Bytes.EMPTY);
        long counter = s.persistent.auditCounter;
        s.commandAuditDigest = Bytes.wrap(new byte[1]);
        CommandAudit.record(s, CP, RP);
        assertThat(s.commandAuditDigest).isEqualTo(Bytes.EMPTY);
        assertThat(s.persistent.auditCounter).isEqualTo(counter);
        // the same hash again is no change: the lists are processed
        t.run(new SetCommandCodeAuditStatus(TpmRh.PLATFORM, TpmAlg.SHA256, List.of(TpmCc.GET_RANDOM), List.of())).orThrow();
        assertThat(CommandAudit.isAudited(s, TpmCc.GET_RANDOM)).isTrue();
        // and, audited itself, it started a new SHA-256 digest and counted it
        assertThat(s.commandAuditDigest.size()).isEqualTo(32);
        assertThat(s.persistent.auditCounter).isEqualTo(counter + 1);
    }

    @Test
    void changingTheHashWithALists_isValueOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.SHA256, List.of(TpmCc.GET_RANDOM), List.of())).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(t.run(new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.SHA1, List.of(), List.of(TpmCc.GET_RANDOM))).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(CommandAudit.hashAlg(t.state())).isEqualTo(TpmAlg.SHA512);
    }

    @Test
    void unmarshallingCodes_hashSizeAndHandle() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.AES, List.of(), List.of())).rc())
                .isEqualTo(TpmRc.HASH.atParameter(1));
        assertThat(t.run(new SetCommandCodeAuditStatus(TpmRh.ENDORSEMENT, TpmAlg.NULL, List.of(), List.of())).rc())
                .isEqualTo(TpmRc.VALUE.atHandle(1));
        // 255 codes in setList: TPM_RC_SIZE on parameter 2 (raw, since the client refuses to encode it)
        StringBuilder hex = new StringBuilder("00000140 40000001 00000009 40000009 0000 01 0000 0010 000000ff");
        hex.append("0000017b".repeat(255)).append("00000000");
        byte[] body = HexFormat.of().parseHex(hex.toString().replace(" ", ""));
        byte[] cmd = ByteBuffer.allocate(6 + body.length).putShort((short) 0x8002).putInt(6 + body.length).put(body).array();
        byte[] r = t.raw(cmd);
        assertThat(new TpmRc(ByteBuffer.wrap(r, 6, 4).getInt())).isEqualTo(TpmRc.SIZE.atParameter(2));
    }

    @Test
    void wrongOwnerPassword_isAuthFailure_platformDisabled_isHierarchy() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(lists(List.of(), List.of()), List.of(Bytes.of((byte) 1))).rc().base()).isIn(TpmRc.BAD_AUTH, TpmRc.AUTH_FAIL);
        t.run(new dev.jtpm.types.command.HierarchyControl(TpmRh.PLATFORM, TpmRh.PLATFORM, false)).orThrow();
        assertThat(t.run(new SetCommandCodeAuditStatus(TpmRh.PLATFORM, TpmAlg.NULL, List.of(), List.of())).rc())
                .isEqualTo(TpmRc.HIERARCHY.atHandle(1));
    }

    @Test
    void record_startsADigestOfZeros_countsIt_thenChains() {
        TestTpm t = TestTpm.started();
        TpmState s = t.state();
        s.persistentPending = false;
        CommandAudit.record(s, CP, RP);
        Bytes first = TestTpm.hash(TpmAlg.SHA512, new byte[64], CP.toArray(), RP.toArray());
        assertThat(s.commandAuditDigest).isEqualTo(first);
        assertThat(s.persistent.auditCounter).isEqualTo(1);
        assertThat(s.persistentPending).isTrue();
        s.persistentPending = false;
        CommandAudit.record(s, RP, CP);
        assertThat(s.commandAuditDigest).isEqualTo(TestTpm.hash(TpmAlg.SHA512, first.toArray(), RP.toArray(), CP.toArray()));
        assertThat(s.persistent.auditCounter).isEqualTo(1);
        assertThat(s.persistentPending).isFalse();
        assertThat(counterProperty(t)).isEqualTo(1);
    }

    @Test
    void auditDigest_isResetByTpmReset_keptByRestartAndResume_counterZeroedByClear() {
        TestTpm t = TestTpm.started();
        CommandAudit.record(t.state(), CP, RP);
        Bytes digest = t.state().commandAuditDigest;
        for (int startup : new int[] {TpmSu.STATE, TpmSu.CLEAR}) {          // Resume, then Restart
            t.run(new dev.jtpm.types.command.Shutdown(TpmSu.STATE)).orThrow();
            t.tpm.powerOff();
            t.tpm.init();
            t.run(new Startup(startup)).orThrow();
            assertThat(t.state().commandAuditDigest).isEqualTo(digest);
        }
        t.run(new dev.jtpm.types.command.Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();                         // TPM Reset
        assertThat(t.state().commandAuditDigest).isEqualTo(Bytes.EMPTY);
        assertThat(counterProperty(t)).isEqualTo(1);                        // the counter is persistent
        t.run(new Clear(TpmRh.PLATFORM)).orThrow();
        assertThat(counterProperty(t)).isZero();
    }

    @Test
    void tooManyCodesForTheRecord_areRefusedByTheCodec() {
        List<Integer> many = new ArrayList<>();
        for (int i = 0; i < 254; i++) many.add(TpmCc.GET_RANDOM);
        TestTpm t = TestTpm.started();
        assertThat(t.run(lists(many, List.of())).rc()).isEqualTo(TpmRc.SUCCESS);
    }
}
