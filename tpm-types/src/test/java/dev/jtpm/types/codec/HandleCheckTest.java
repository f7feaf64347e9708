package dev.jtpm.types.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.command.ClockRateAdjust;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrReset;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceUpdate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Handle types checked with the handle area ({@link TpmCodec.RecordCodec#checkHandles}): the
 * TPMI_DH_* / TPMI_RH_* ranges of ms-tpm-20-ref's unmarshalling code, and the codes swtpm 0.7.1
 * returns for the same handles (TPM_RC_VALUE + handle index, 0x184 / 0x284).
 */
class HandleCheckTest {
    private static final HexFormat HEX = HexFormat.of();

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        return TpmRc.SUCCESS;
    }

    private static TpmRc check(Class<? extends Record> command, int... handles) {
        return rcOf(() -> TpmCodec.of(command).checkHandles(handles));
    }

    private static final TpmRc VALUE_H1 = TpmRc.VALUE.atHandle(1), VALUE_H2 = TpmRc.VALUE.atHandle(2);

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 23, TpmRh.NULL})
    void pcrExtendAndEvent_pcrOrNull_pass(int handle) {
        assertThat(check(PcrExtend.class, handle)).isEqualTo(TpmRc.SUCCESS);
        assertThat(check(PcrEvent.class, handle)).isEqualTo(TpmRc.SUCCESS);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 0x00FFFFFF, TpmRh.OWNER, TpmRh.PLATFORM, TpmRh.TRANSIENT_FIRST, TpmRh.NV_INDEX_FIRST, -1})
    void pcrExtendAndEvent_notAPcr_returnValueOnHandle1(int handle) {
        assertThat(check(PcrExtend.class, handle)).isEqualTo(VALUE_H1);
        assertThat(check(PcrEvent.class, handle)).isEqualTo(VALUE_H1);
    }

    @Test
    void pcrReset_nullHandle_returnsValueOnHandle1_aPcrPasses() {
        assertThat(check(PcrReset.class, TpmRh.NULL)).isEqualTo(VALUE_H1);
        assertThat(check(PcrReset.class, 24)).isEqualTo(VALUE_H1);
        assertThat(check(PcrReset.class, 23)).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void pcrAllocate_onlyPlatformPasses() {
        assertThat(check(PcrAllocate.class, TpmRh.PLATFORM)).isEqualTo(TpmRc.SUCCESS);
        for (int h : new int[] {TpmRh.OWNER, TpmRh.ENDORSEMENT, TpmRh.LOCKOUT, TpmRh.NULL, TpmRh.PLATFORM_NV, 0}) {
            assertThat(check(PcrAllocate.class, h)).as("0x%08x", h).isEqualTo(VALUE_H1);
        }
    }

    @Test
    void clockSetAndRateAdjust_ownerOrPlatformPass_anythingElseReturnsValueOnHandle1() {
        for (Class<? extends Record> c : java.util.List.of(ClockSet.class, ClockRateAdjust.class)) {
            assertThat(check(c, TpmRh.OWNER)).isEqualTo(TpmRc.SUCCESS);
            assertThat(check(c, TpmRh.PLATFORM)).isEqualTo(TpmRc.SUCCESS);
            for (int h : new int[] {TpmRh.ENDORSEMENT, TpmRh.LOCKOUT, TpmRh.NULL, TpmRh.TRANSIENT_FIRST, 0}) {
                assertThat(check(c, h)).as("%s 0x%08x", c.getSimpleName(), h).isEqualTo(VALUE_H1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x80000000, 0x80000002, 0x81000000, 0x81FFFFFF})
    void sequenceCommands_transientOrPersistentObject_pass(int handle) {
        assertThat(check(SequenceUpdate.class, handle)).isEqualTo(TpmRc.SUCCESS);
        assertThat(check(SequenceComplete.class, handle)).isEqualTo(TpmRc.SUCCESS);
        assertThat(check(EventSequenceComplete.class, 0, handle)).isEqualTo(TpmRc.SUCCESS);
    }

    /** Beyond TRANSIENT_LAST (three object slots) or outside the object ranges, as swtpm answers 0x184. */
    @ParameterizedTest
    @ValueSource(ints = {0x80000003, 0x80FFFFFF, 0x82000000, TpmRh.OWNER, TpmRh.NULL, 0x01000000, 0x02000000, 0x03000000, 0})
    void sequenceCommands_notAnObjectHandle_returnValueOnTheSequenceHandle(int handle) {
        assertThat(check(SequenceUpdate.class, handle)).isEqualTo(VALUE_H1);
        assertThat(check(SequenceComplete.class, handle)).isEqualTo(VALUE_H1);
        assertThat(check(EventSequenceComplete.class, 0, handle)).isEqualTo(VALUE_H2);
    }

    @Test
    void eventSequenceComplete_bothHandlesBad_reportsTheFirst() {
        assertThat(check(EventSequenceComplete.class, 24, 0x80000000)).isEqualTo(VALUE_H1);
        assertThat(check(EventSequenceComplete.class, TpmRh.OWNER, TpmRh.OWNER)).isEqualTo(VALUE_H1);
        assertThat(check(EventSequenceComplete.class, TpmRh.NULL, TpmRh.OWNER)).isEqualTo(VALUE_H2);
    }

    @Test
    void checkHandles_tooFewHandles_isAProgrammingError() {
        assertThatThrownBy(() -> TpmCodec.of(EventSequenceComplete.class).checkHandles(new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readCommand_checksTheHandlesToo() {
        TpmReader params = new TpmReader(HEX.parseHex("0000"));
        assertThat(rcOf(() -> TpmCodec.of(PcrEvent.class).readCommand(new int[] {24}, params))).isEqualTo(VALUE_H1);
        assertThat(TpmCodec.of(PcrEvent.class).readCommand(new int[] {7}, new TpmReader(HEX.parseHex("0000"))))
                .isEqualTo(new PcrEvent(7, Bytes.EMPTY));
    }

    @Test
    void decode_wholeRecord_reportsABadHandleWithItsIndex_lenientDecodeSkipsTheCheck() {
        byte[] bytes = HEX.parseHex("00000018");
        assertThat(rcOf(() -> TpmCodec.decode(PcrReset.class, bytes))).isEqualTo(VALUE_H1);
        assertThat(TpmCodec.decodeLenient(PcrReset.class, bytes)).isEqualTo(new PcrReset(24));
    }

    @Test
    void encode_doesNotCheckHandles() {
        // a client may send any handle; the TPM decides
        assertThat(TpmCodec.encode(new PcrReset(TpmRh.OWNER))).isEqualTo(HEX.parseHex("40000001"));
    }

    record Unchecked(@Handle int any, @Handle @Is(Tpmi.RH_PLATFORM) int platform) {}

    @Test
    void handleWithoutIs_isNotChecked() {
        assertThatCode(() -> TpmCodec.of(Unchecked.class).checkHandles(new int[] {-1, TpmRh.PLATFORM})).doesNotThrowAnyException();
        assertThat(check(Unchecked.class, -1, TpmRh.OWNER)).isEqualTo(VALUE_H2);
    }

    @Test
    void dhEntityOrNull_followsTheReferenceRanges() {
        int[] ok = {TpmRh.OWNER, TpmRh.ENDORSEMENT, TpmRh.PLATFORM, TpmRh.LOCKOUT, TpmRh.NULL, 0, 23, 0x01000000,
                0x01FFFFFF, 0x80000000, 0x80000002, 0x81000000, 0x81FFFFFF, TpmRh.AUTH_00, TpmRh.AUTH_FF};
        int[] bad = {24, 0x02000000, 0x03000000, 0x80000003, 0x82000000, TpmRh.RS_PW, TpmRh.PLATFORM_NV,
                TpmRh.AUTH_FF + 1, 0x40000000, -1};
        for (int h : ok) assertThat(rcOf(() -> Tpmi.DH_ENTITY_OR_NULL.check(h))).as("0x%08x", h).isEqualTo(TpmRc.SUCCESS);
        for (int h : bad) assertThat(rcOf(() -> Tpmi.DH_ENTITY_OR_NULL.check(h))).as("0x%08x", h).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> Tpmi.DH_ENTITY.check(TpmRh.NULL))).isEqualTo(TpmRc.VALUE);
        assertThat(rcOf(() -> Tpmi.DH_OBJECT_OR_NULL.check(TpmRh.NULL))).isEqualTo(TpmRc.SUCCESS);
        assertThat(rcOf(() -> Tpmi.DH_OBJECT.check(TpmRh.NULL))).isEqualTo(TpmRc.VALUE);
    }
}
