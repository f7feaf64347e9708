package dev.jtpm.engine.command.misc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetCapabilityResponse;
import dev.jtpm.types.command.HierarchyControl;
import dev.jtpm.types.command.PpCommands;
import dev.jtpm.types.command.SetAlgorithmSet;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlPpCommands;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TPM2_PP_Commands and TPM2_SetAlgorithmSet (Part 3, 26), and the physical presence check of the pipeline. */
class MiscellaneousManagementTest {
    private static final Bytes WRONG = Bytes.of("wrong".getBytes());

    private static List<Integer> ppList(TestTpm t) { return ppList(t, 0, 100).commandCodes(); }

    private static TpmlPpCommands ppList(TestTpm t, int start, int count) {
        GetCapabilityResponse r = t.run(new GetCapability(TpmCap.PP_COMMANDS, start, count)).orThrow();
        return (TpmlPpCommands) r.capabilityData().data();
    }

    @Test
    void newTpm_listsPpCommandsOnly_asSwtpm() {
        TestTpm t = TestTpm.started();
        assertThat(ppList(t)).containsExactly(TpmCc.PP_COMMANDS);
        assertThat(t.run(new GetCapability(TpmCap.PP_COMMANDS, 0, 100)).orThrow().moreData()).isFalse();
    }

    @Test
    void ppCommands_withoutPhysicalPresence_isPp_evenBeforeTheWrongPassword() {
        TestTpm t = TestTpm.started();
        PpCommands cmd = new PpCommands(TpmRh.PLATFORM, List.of(TpmCc.CLEAR), List.of());
        assertThat(t.run(cmd).rc()).isEqualTo(TpmRc.PP.atSession(1));
        assertThat(t.run(cmd, List.of(WRONG)).rc()).isEqualTo(TpmRc.PP.atSession(1));
        assertThat(t.state().persistent.failedTries).isZero();
        assertThat(ppList(t)).containsExactly(TpmCc.PP_COMMANDS);
    }

    @Test
    void ppCommands_withPhysicalPresence_setsOnlyImplementedPpCommands_andClearsAllButItself() {
        TestTpm t = TestTpm.started();
        t.physicalPresence.set(true);
        // GetRandom may not be PP-controlled; FieldUpgradeStart is not implemented: both ignored
        t.run(new PpCommands(TpmRh.PLATFORM, List.of(TpmCc.CLEAR, TpmCc.HIERARCHY_CONTROL, TpmCc.GET_RANDOM,
                TpmCc.FIELD_UPGRADE_START, TpmCc.CLOCK_SET), List.of())).orThrow();
        assertThat(ppList(t)).containsExactly(TpmCc.HIERARCHY_CONTROL, TpmCc.CLEAR, TpmCc.CLOCK_SET, TpmCc.PP_COMMANDS);
        t.run(new PpCommands(TpmRh.PLATFORM, List.of(), List.of(TpmCc.PP_COMMANDS, TpmCc.CLEAR, TpmCc.GET_RANDOM))).orThrow();
        assertThat(ppList(t)).containsExactly(TpmCc.HIERARCHY_CONTROL, TpmCc.CLOCK_SET, TpmCc.PP_COMMANDS);
        // set and clear of the same code in one command: clear wins (processed after the set list)
        t.run(new PpCommands(TpmRh.PLATFORM, List.of(TpmCc.CLEAR), List.of(TpmCc.CLEAR))).orThrow();
        assertThat(ppList(t)).doesNotContain(TpmCc.CLEAR);
    }

    @Test
    void ppList_isPersistent_andRequiredOnlyWhenThePlatformAuthorizes() {
        TestTpm t = TestTpm.started();
        t.physicalPresence.set(true);
        t.run(new PpCommands(TpmRh.PLATFORM, List.of(TpmCc.HIERARCHY_CONTROL, TpmCc.CLOCK_SET), List.of())).orThrow();
        TestTpm again = new TestTpm(t.nv);       // the same NV: a new power-on
        again.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(ppList(again)).containsExactly(TpmCc.HIERARCHY_CONTROL, TpmCc.CLOCK_SET, TpmCc.PP_COMMANDS);
        // platform authorization needs physical presence now, checked before the password
        assertThat(again.run(new ClockSet(TpmRh.PLATFORM, 1L << 40)).rc()).isEqualTo(TpmRc.PP.atSession(1));
        assertThat(again.run(new ClockSet(TpmRh.PLATFORM, 1L << 40), List.of(WRONG)).rc()).isEqualTo(TpmRc.PP.atSession(1));
        assertThat(again.run(new HierarchyControl(TpmRh.PLATFORM, TpmRh.OWNER, false)).rc())
                .isEqualTo(TpmRc.PP.atSession(1));
        // the owner's authorization does not
        assertThat(again.run(new ClockSet(TpmRh.OWNER, 1L << 40)).ok()).isTrue();
        assertThat(again.run(new HierarchyControl(TpmRh.OWNER, TpmRh.OWNER, false)).ok()).isTrue();
        again.physicalPresence.set(true);
        assertThat(again.run(new ClockSet(TpmRh.PLATFORM, 1L << 41)).ok()).isTrue();
        assertThat(again.run(new ClockSet(TpmRh.PLATFORM, 1L << 42), List.of(WRONG)).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
    }

    @Test
    void ppCommands_wrongHierarchy_isValueOnHandle1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new PpCommands(TpmRh.OWNER, List.of(), List.of())).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(t.run(new SetAlgorithmSet(TpmRh.OWNER, 1)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
    }

    @Test
    void ppCommands_listOfMoreThanMaxCapCc_isSize() {
        TestTpm t = TestTpm.started();
        t.physicalPresence.set(true);
        List<Integer> tooMany = Collections.nCopies(255, TpmCc.CLEAR);
        assertThat(t.raw(withLists(tooMany, List.of()))).satisfies(r -> assertThat(rc(r)).isEqualTo(TpmRc.SIZE.atParameter(1).value()));
        assertThat(t.raw(withLists(List.of(), tooMany))).satisfies(r -> assertThat(rc(r)).isEqualTo(TpmRc.SIZE.atParameter(2).value()));
        assertThat(rc(t.raw(withLists(Collections.nCopies(254, TpmCc.CLEAR), List.of())))).isZero();
    }

    @Test
    void capability_pagesFromTheStart_andNothingForVendorCodes() {
        TestTpm t = TestTpm.started();
        t.physicalPresence.set(true);
        t.run(new PpCommands(TpmRh.PLATFORM, List.of(TpmCc.HIERARCHY_CONTROL, TpmCc.CLEAR), List.of())).orThrow();
        TpmlPpCommands first = ppList(t, TpmCc.HIERARCHY_CONTROL + 1, 1);
        assertThat(first.commandCodes()).containsExactly(TpmCc.CLEAR);
        assertThat(t.run(new GetCapability(TpmCap.PP_COMMANDS, TpmCc.HIERARCHY_CONTROL + 1, 1)).orThrow().moreData()).isTrue();
        assertThat(ppList(t, TpmCc.PP_COMMANDS, 5).commandCodes()).containsExactly(TpmCc.PP_COMMANDS);
        assertThat(ppList(t, 0x20000000, 5).commandCodes()).isEmpty();
        assertThat(ppList(t, 0x10000, 5).commandCodes()).isEmpty();
    }

    @Test
    void setAlgorithmSet_recordsAnyValuePersistently() {
        TestTpm t = TestTpm.started();
        t.run(new SetAlgorithmSet(TpmRh.PLATFORM, 0xFFFFFFFF)).orThrow();
        assertThat(t.state().persistent.algorithmSet).isEqualTo(0xFFFFFFFF);
        TestTpm again = new TestTpm(t.nv);
        assertThat(again.state().persistent.algorithmSet).isEqualTo(0xFFFFFFFF);
        assertThat(t.run(new SetAlgorithmSet(TpmRh.PLATFORM, 3), List.of(WRONG)).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.state().persistent.algorithmSet).isEqualTo(0xFFFFFFFF);
    }

    /** TPM2_PP_Commands(TPM_RH_PLATFORM, empty password) with the given lists, as octets (the codec bounds the lists). */
    private static byte[] withLists(List<Integer> set, List<Integer> clear) {
        ByteBuffer b = ByteBuffer.allocate(10 + 4 + 4 + 9 + 8 + 4 * (set.size() + clear.size()));
        b.putShort((short) 0x8002).putInt(b.capacity()).putInt(TpmCc.PP_COMMANDS).putInt(TpmRh.PLATFORM).putInt(9)
                .putInt(TpmRh.RS_PW).putShort((short) 0).put((byte) 1).putShort((short) 0);
        b.putInt(set.size());
        set.forEach(b::putInt);
        b.putInt(clear.size());
        clear.forEach(b::putInt);
        return b.array();
    }

    private static int rc(byte[] response) { return ByteBuffer.wrap(response, 6, 4).getInt(); }
}
