package dev.jtpm.engine.command.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.GetTestResult;
import dev.jtpm.types.command.IncrementalSelfTest;
import dev.jtpm.types.command.SelfTest;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsTaggedProperty;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestingCommandsTest {
    /** Every implemented algorithm, in table order (what an untested TPM has still to do). */
    private static final List<Integer> ALL_HASHES = dev.jtpm.types.Algorithms.all().stream()
            .map(dev.jtpm.types.Algorithms.Entry::alg).toList();

    private static List<Integer> allBut(Integer... tested) {
        return ALL_HASHES.stream().filter(a -> !List.of(tested).contains(a)).toList();
    }

    private static TpmRc rcOf(byte[] response) { return new TpmRc(ByteBuffer.wrap(response, 6, 4).getInt()); }

    private static List<Integer> toDo(TestTpm t, Integer... toTest) {
        return t.run(new IncrementalSelfTest(List.of(toTest))).orThrow().toDoList();
    }

    // ---------------------------------------------------------------- IncrementalSelfTest

    @Test
    void incrementalSelfTest_beforeAnyTest_listsEveryImplementedAlgorithm() {
        assertThat(toDo(TestTpm.started())).isEqualTo(ALL_HASHES);
    }

    @Test
    void incrementalSelfTest_testsTheListedAlgorithms_andReportsTheRest() {
        TestTpm t = TestTpm.started();
        assertThat(toDo(t, TpmAlg.SHA1)).isEqualTo(allBut(TpmAlg.SHA1));
        assertThat(toDo(t, TpmAlg.SHA384, TpmAlg.SHA256)).isEqualTo(allBut(TpmAlg.SHA1, TpmAlg.SHA384, TpmAlg.SHA256));
        assertThat(toDo(t, allBut().toArray(Integer[]::new))).isEmpty();
        assertThat(toDo(t)).isEmpty();
    }

    @Test
    void incrementalSelfTest_unimplementedAlgorithm_returnsValueOnParameter1_andTestsNothing() {
        TestTpm t = TestTpm.started();
        for (int alg : new int[] {TpmAlg.SM3_256, TpmAlg.NULL, TpmAlg.ERROR, TpmAlg.SHA3_256, 0x0045, 0xFFFF}) {
            assertThat(t.run(new IncrementalSelfTest(List.of(TpmAlg.SHA1, alg))).rc()).as("alg %04x", alg)
                    .isEqualTo(TpmRc.VALUE.atParameter(1));
        }
        assertThat(toDo(t)).isEqualTo(ALL_HASHES);
    }

    @Test
    void incrementalSelfTest_moreThan64Algorithms_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new IncrementalSelfTest(Collections.nCopies(65, TpmAlg.SHA1))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(toDo(t, Collections.nCopies(64, TpmAlg.SHA1).toArray(Integer[]::new)))
                .isEqualTo(allBut(TpmAlg.SHA1));
    }

    // ---------------------------------------------------------------- SelfTest

    @Test
    void selfTest_full_leavesNothingToDo() {
        TestTpm t = TestTpm.started();
        t.run(new SelfTest(true)).orThrow();
        assertThat(toDo(t)).isEmpty();
    }

    @Test
    void selfTest_notFull_testsTheRest() {
        TestTpm t = TestTpm.started();
        toDo(t, TpmAlg.SHA256);
        t.run(new SelfTest(false)).orThrow();
        assertThat(toDo(t)).isEmpty();
        t.run(new SelfTest(false)).orThrow();
    }

    @Test
    void selfTest_fullTestNotYesNo_returnsValueOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HexFormat.of().parseHex("80010000000b00000143" + "02")))).isEqualTo(TpmRc.VALUE.atParameter(1));
    }

    @Test
    void selfTestState_isTPMResetLifetime() {
        TestTpm t = TestTpm.started();
        t.run(new SelfTest(true)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new dev.jtpm.types.command.Startup(dev.jtpm.types.TpmSu.CLEAR)).orThrow();
        assertThat(toDo(t)).isEqualTo(ALL_HASHES);
    }

    // ---------------------------------------------------------------- GetTestResult

    @Test
    void getTestResult_returnsSuccessAndNoData() {
        var r = TestTpm.started().run(new GetTestResult()).orThrow();
        assertThat(r.testResult()).isEqualTo(TpmRc.SUCCESS.value());
        assertThat(r.outData().isEmpty()).isTrue();
    }

    /** A TPM whose permanent state cannot be loaded: it starts in failure mode. */
    private static TestTpm inFailureMode() {
        NvStore nv = NvStore.inMemory();
        try {
            nv.store(StateKind.PERMANENT, new byte[] {1, 2, 3});
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        TestTpm t = new TestTpm(nv);
        assertThat(t.tpm.isPoweredOn()).isTrue();
        return t;
    }

    @Test
    void getTestResult_inFailureMode_returnsFailure_evenBeforeStartup() {
        TestTpm t = inFailureMode();
        var r = t.run(new GetTestResult()).orThrow();
        assertThat(r.testResult()).isEqualTo(TpmRc.FAILURE.value());
        assertThat(t.run(new GetRandom(8)).rc()).isEqualTo(TpmRc.FAILURE);
        assertThat(t.run(new SelfTest(true)).rc()).isEqualTo(TpmRc.FAILURE);
    }

    @Test
    void getCapability_inFailureMode_reportsOnlyTheVendorProperties() {
        TestTpm t = inFailureMode();
        var r = t.run(new GetCapability(TpmCap.TPM_PROPERTIES, 0, 100)).orThrow();
        List<TpmsTaggedProperty> props = ((TpmlTaggedTpmProperty) r.capabilityData().data()).tpmProperty();
        assertThat(props).extracting(TpmsTaggedProperty::property).containsExactly(TpmPt.MANUFACTURER,
                TpmPt.VENDOR_STRING_1, TpmPt.VENDOR_STRING_2, TpmPt.VENDOR_STRING_3, TpmPt.VENDOR_STRING_4,
                TpmPt.VENDOR_TPM_TYPE, TpmPt.FIRMWARE_VERSION_1, TpmPt.FIRMWARE_VERSION_2);
        assertThat(props.get(0).value()).isEqualTo(0x4A54504D);
        assertThat(r.moreData()).isFalse();
        var one = t.run(new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.VENDOR_TPM_TYPE, 1)).orThrow();
        assertThat(one.moreData()).isTrue();
        assertThat(t.run(new GetCapability(TpmCap.ALGS, 0, 100)).rc()).isEqualTo(TpmRc.FAILURE);
        assertThat(t.run(new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.PERMANENT, 1)).orThrow().moreData()).isFalse();
        var beyond = t.run(new GetCapability(TpmCap.TPM_PROPERTIES, 0x80000000, 1)).orThrow();
        assertThat(((TpmlTaggedTpmProperty) beyond.capabilityData().data()).tpmProperty()).isEmpty();
    }
}
