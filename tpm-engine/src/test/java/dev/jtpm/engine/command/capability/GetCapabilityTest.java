package dev.jtpm.engine.command.capability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetCapabilityResponse;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmlAlgProperty;
import dev.jtpm.types.structure.TpmlAuditCommands;
import dev.jtpm.types.structure.TpmlCca;
import dev.jtpm.types.structure.TpmlEccCurve;
import dev.jtpm.types.structure.TpmlHandle;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmlPpCommands;
import dev.jtpm.types.structure.TpmlTaggedPcrProperty;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsAlgProperty;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsTaggedPcrSelect;
import dev.jtpm.types.structure.TpmsTaggedProperty;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * TPM2_GetCapability. Expected values and paging were taken from libtpms 0.9 (swtpm 0.7) where
 * the two TPMs implement the same thing.
 */
class GetCapabilityTest {
    private static final HexFormat HEX = HexFormat.of();

    private static GetCapabilityResponse cap(TestTpm t, int capability, int property, int count) {
        return t.run(new GetCapability(capability, property, count)).orThrow();
    }

    private static TpmRc rcOf(TestTpm t, int capability, int property, int count) {
        return t.run(new GetCapability(capability, property, count)).rc();
    }

    private static List<Integer> handles(TestTpm t, int start, int count) {
        return ((TpmlHandle) cap(t, TpmCap.HANDLES, start, count).capabilityData().data()).handle();
    }

    private static Map<Integer, Integer> properties(GetCapabilityResponse r) {
        return ((TpmlTaggedTpmProperty) r.capabilityData().data()).tpmProperty().stream()
                .collect(Collectors.toMap(TpmsTaggedProperty::property, TpmsTaggedProperty::value, (a, b) -> a,
                        LinkedHashMap::new));
    }

    private static int property(TestTpm t, int pt) {
        return properties(cap(t, TpmCap.TPM_PROPERTIES, pt, 1)).get(pt);
    }

    // ---------------------------------------------------------------- capability values

    @Test
    void unsupportedCapability_returnsValueOnParameter1() {
        TestTpm t = TestTpm.started();
        for (int c : new int[] {TpmCap.AUTH_POLICIES, TpmCap.ACT, 11, 0x100, 0xFFFFFFFF}) {
            assertThat(rcOf(t, c, 0, 1)).as("cap %x", c).isEqualTo(TpmRc.VALUE.atParameter(1));
        }
    }

    @Test
    void getCapability_beforeStartup_returnsInitialize() {
        assertThat(rcOf(new TestTpm(), TpmCap.ALGS, 0, 1)).isEqualTo(TpmRc.INITIALIZE);
    }

    @Test
    void response_goldenBytes() {
        TestTpm t = TestTpm.started();
        byte[] r = t.raw(CommandBytes.encode(new GetCapability(TpmCap.ALGS, TpmAlg.SHA512, 1)));
        assertThat(HEX.formatHex(r)).isEqualTo("8001" + "00000019" + "00000000" + "01" + "00000000" + "00000001"
                + "000d" + "00000004");
    }

    // ---------------------------------------------------------------- TPM_CAP_ALGS

    @Test
    void algs_listExactlyTheTable_withLibtpmsAttributes() {
        GetCapabilityResponse r = cap(TestTpm.started(), TpmCap.ALGS, 0, 1000);
        assertThat(((TpmlAlgProperty) r.capabilityData().data()).algProperties()).containsExactlyElementsOf(
                dev.jtpm.types.Algorithms.all().stream().map(e -> new TpmsAlgProperty(e.alg(), e.attributes())).toList());
        assertThat(((TpmlAlgProperty) r.capabilityData().data()).algProperties()).contains(
                new TpmsAlgProperty(TpmAlg.SHA1, 0x4), new TpmsAlgProperty(TpmAlg.SHA256, 0x4),
                new TpmsAlgProperty(TpmAlg.SHA384, 0x4), new TpmsAlgProperty(TpmAlg.SHA512, 0x4),
                new TpmsAlgProperty(TpmAlg.RSA, 0x009), new TpmsAlgProperty(TpmAlg.HMAC, 0x104),
                new TpmsAlgProperty(TpmAlg.KEYEDHASH, 0x30C), new TpmsAlgProperty(TpmAlg.ECC, 0x009),
                new TpmsAlgProperty(TpmAlg.SYMCIPHER, 0x008));
        assertThat(r.moreData()).isFalse();
    }

    @Test
    void algs_pageFromTheStart_andSayWhetherMoreFollow() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse first = cap(t, TpmCap.ALGS, 0, 1);
        assertThat(((TpmlAlgProperty) first.capabilityData().data()).algProperties()).extracting(TpmsAlgProperty::alg)
                .containsExactly(dev.jtpm.types.Algorithms.all().get(0).alg());
        assertThat(first.moreData()).isTrue();
        GetCapabilityResponse none = cap(t, TpmCap.ALGS, 0, 0);
        assertThat(((TpmlAlgProperty) none.capabilityData().data()).algProperties()).isEmpty();
        assertThat(none.moreData()).isTrue();
        GetCapabilityResponse after = cap(t, TpmCap.ALGS, dev.jtpm.types.Algorithms.all().getLast().alg() + 1, 10);
        assertThat(((TpmlAlgProperty) after.capabilityData().data()).algProperties()).isEmpty();
        assertThat(after.moreData()).isFalse();
    }

    @Test
    void algs_propertyIsATpmAlgId_soOnlyItsLow16BitsCount() {
        GetCapabilityResponse r = cap(TestTpm.started(), TpmCap.ALGS, 0x10000 | TpmAlg.SHA384, 2);
        assertThat(((TpmlAlgProperty) r.capabilityData().data()).algProperties()).extracting(TpmsAlgProperty::alg)
                .containsExactly(TpmAlg.SHA384, TpmAlg.SHA512);
    }

    // ---------------------------------------------------------------- TPM_CAP_HANDLES

    @Test
    void handles_pcr_listAll24_fromTheStart() {
        TestTpm t = TestTpm.started();
        assertThat(handles(t, 0, 100)).hasSize(24).startsWith(0, 1).endsWith(23);
        assertThat(handles(t, 22, 100)).containsExactly(22, 23);
        assertThat(cap(t, TpmCap.HANDLES, 22, 100).moreData()).isFalse();
        assertThat(cap(t, TpmCap.HANDLES, 0, 2).moreData()).isTrue();
        assertThat(handles(t, 24, 100)).isEmpty();
    }

    @Test
    void handles_permanent_listTheHandlesTheTpmAccepts() {
        TestTpm t = TestTpm.started();
        assertThat(handles(t, TpmRh.SRK, 100)).containsExactly(TpmRh.OWNER, TpmRh.NULL, TpmRh.RS_PW, TpmRh.LOCKOUT,
                TpmRh.ENDORSEMENT, TpmRh.PLATFORM);
        assertThat(handles(t, TpmRh.UNASSIGNED, 3)).containsExactly(TpmRh.RS_PW, TpmRh.LOCKOUT, TpmRh.ENDORSEMENT);
        assertThat(cap(t, TpmCap.HANDLES, TpmRh.UNASSIGNED, 3).moreData()).isTrue();
        assertThat(cap(t, TpmCap.HANDLES, TpmRh.PLATFORM + 1, 3).moreData()).isFalse();
    }

    @Test
    void handles_transient_listLoadedObjects() {
        TestTpm t = TestTpm.started();
        assertThat(handles(t, TpmRh.TRANSIENT_FIRST, 10)).isEmpty();
        int h1 = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        int h2 = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).orThrow().sequenceHandle();
        assertThat(handles(t, TpmRh.TRANSIENT_FIRST, 10)).containsExactly(h1, h2);
        assertThat(handles(t, h2, 10)).containsExactly(h2);
        assertThat(cap(t, TpmCap.HANDLES, TpmRh.TRANSIENT_FIRST, 1).moreData()).isTrue();
        assertThat(property(t, TpmPt.HR_TRANSIENT_AVAIL)).isEqualTo(1);
    }

    @Test
    void handles_persistentNvAndSessions_areEmpty() {
        TestTpm t = TestTpm.started();
        for (int start : new int[] {TpmRh.PERSISTENT_FIRST, TpmRh.NV_INDEX_FIRST, TpmRh.HMAC_SESSION_FIRST,
                TpmRh.POLICY_SESSION_FIRST}) {
            GetCapabilityResponse r = cap(t, TpmCap.HANDLES, start, 10);
            assertThat(((TpmlHandle) r.capabilityData().data()).handle()).as("%08x", start).isEmpty();
            assertThat(r.moreData()).isFalse();
        }
    }

    @Test
    void handles_0x02ListsLoadedSessionsOfBothTypes_0x03TheSavedOnesAsHmacHandles() {
        TestTpm t = TestTpm.started();
        int hmac = session(t, dev.jtpm.types.TpmSe.HMAC);
        int policy = session(t, dev.jtpm.types.TpmSe.POLICY);
        int saved = session(t, dev.jtpm.types.TpmSe.POLICY);
        t.run(new dev.jtpm.types.command.ContextSave(saved)).orThrow();
        assertThat(((TpmlHandle) cap(t, TpmCap.HANDLES, TpmRh.HMAC_SESSION_FIRST, 10).capabilityData().data()).handle())
                .as("ms-tpm SessionCapGetLoaded: by index, each under its own type").containsExactly(hmac, policy);
        assertThat(((TpmlHandle) cap(t, TpmCap.HANDLES, TpmRh.HMAC_SESSION_FIRST | (policy & 0xFFFFFF), 10).capabilityData().data()).handle())
                .as("from the start handle's index").containsExactly(policy);
        assertThat(((TpmlHandle) cap(t, TpmCap.HANDLES, TpmRh.POLICY_SESSION_FIRST, 10).capabilityData().data()).handle())
                .as("ms-tpm SessionCapGetSaved").containsExactly(TpmRh.HMAC_SESSION_FIRST | (saved & 0xFFFFFF));
        assertThat(t.run(new dev.jtpm.types.command.FlushContext(TpmRh.HMAC_SESSION_FIRST | (saved & 0xFFFFFF))).ok())
                .as("flushed by the handle GetCapability listed: sessions are found by index").isTrue();
        assertThat(((TpmlHandle) cap(t, TpmCap.HANDLES, TpmRh.POLICY_SESSION_FIRST, 10).capabilityData().data()).handle()).isEmpty();
        assertThat(t.run(new dev.jtpm.types.command.FlushContext(saved)).rc()).isEqualTo(TpmRc.HANDLE.atParameter(1));
    }

    private static int session(TestTpm t, int type) {
        return t.run(new dev.jtpm.types.command.StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(16), Bytes.EMPTY, type,
                dev.jtpm.types.structure.TpmtSymDef.NULL, dev.jtpm.types.TpmAlg.SHA256)).orThrow().sessionHandle();
    }

    @Test
    void handles_typeWithoutList_returnsHandleOnParameter2() {
        TestTpm t = TestTpm.started();
        for (int start : new int[] {0x90000000, 0x41000000, 0x04000000, 0xFF000000}) {
            assertThat(rcOf(t, TpmCap.HANDLES, start, 1)).as("%08x", start).isEqualTo(TpmRc.HANDLE.atParameter(2));
        }
    }

    // ---------------------------------------------------------------- TPM_CAP_COMMANDS, PP, AUDIT

    /** TPMA_CC as libtpms 0.9 reports it, for every library command it implements. */
    private static final Map<Integer, Integer> LIBTPMS_TPMA_CC = libtpmsTpmaCc();

    private static Map<Integer, Integer> libtpmsTpmaCc() {
        int[] values = {0x0440011f, 0x04400120, 0x02c00121, 0x04400122, 0x02c00124, 0x02c00125, 0x02c00126,
                0x02400127, 0x02400128, 0x02400129, 0x0240012a, 0x0240012b, 0x0240012c, 0x0240012d, 0x0240012e,
                0x02000130, 0x12000131, 0x02400132, 0x04400133, 0x04400134, 0x04400135, 0x04400136, 0x04400137,
                0x04400138, 0x02400139, 0x0240013a, 0x0240013b, 0x0240013c, 0x0240013d, 0x0300013e, 0x0240013f,
                0x02400140, 0x00400142, 0x00400143, 0x00400144, 0x00400145, 0x00400146, 0x04000147, 0x04000148,
                0x06000149, 0x0400014a, 0x0400014b, 0x0400014c, 0x0600014d, 0x0400014e, 0x0440014f, 0x04000150,
                0x04000151, 0x04000152, 0x02000153, 0x02000154, 0x02000155, 0x02000156, 0x12000157, 0x02000158,
                0x02000159, 0x1200015b, 0x0200015c, 0x0200015d, 0x0200015e, 0x04000160, 0x10000161, 0x02000162,
                0x02000163, 0x02000164, 0x00000165, 0x10000167, 0x02000168, 0x02000169, 0x0200016a, 0x0200016b,
                0x0200016c, 0x0200016d, 0x0200016e, 0x0200016f, 0x02000170, 0x02000171, 0x02000172, 0x02000173,
                0x02000174, 0x14000176, 0x02000177, 0x00000178, 0x0000017a, 0x0000017b, 0x0000017c, 0x0000017d,
                0x0000017e, 0x0200017f, 0x02000180, 0x00000181, 0x02400182, 0x02000183, 0x06000184, 0x05400185,
                0x10000186, 0x02000187, 0x02000188, 0x02000189, 0x0000018a, 0x0200018b, 0x0200018c, 0x0200018d,
                0x0000018e, 0x0200018f, 0x02000190, 0x12000191, 0x06000192, 0x02000193};
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (int v : values) m.put(v & 0xFFFF, v);
        return m;
    }

    private static List<Integer> commands(GetCapabilityResponse r) {
        return ((TpmlCca) r.capabilityData().data()).commandAttributes();
    }

    @Test
    void commands_listTheTpmaCcOfEveryRegisteredCommand_asLibtpmsDoes() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse r = cap(t, TpmCap.COMMANDS, 0, 1000);
        List<Integer> attrs = commands(r);
        assertThat(r.moreData()).isFalse();
        assertThat(attrs).hasSize(property(t, TpmPt.TOTAL_COMMANDS));
        assertThat(attrs).extracting(a -> a & 0xFFFF).isSorted().contains(TpmCc.STARTUP, TpmCc.GET_CAPABILITY,
                TpmCc.TEST_PARMS, TpmCc.SELF_TEST, TpmCc.INCREMENTAL_SELF_TEST, TpmCc.GET_TEST_RESULT);
        for (int a : attrs) {
            Integer expected = LIBTPMS_TPMA_CC.get(a & 0xFFFF);
            if (expected != null) assertThat(a).as("TPMA_CC of %03x", a & 0xFFFF).isEqualTo(expected);
        }
    }

    @Test
    void commands_pageFromTheStartCode() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse r = cap(t, TpmCap.COMMANDS, TpmCc.GET_CAPABILITY, 2);
        assertThat(commands(r)).containsExactly(0x0000017a, 0x0000017b);
        assertThat(r.moreData()).isTrue();
        assertThat(cap(t, TpmCap.COMMANDS, 0, 0).moreData()).isTrue();
    }

    @Test
    void commands_vendorCodesOrCodesBeyond16Bits_listNothing() {
        TestTpm t = TestTpm.started();
        for (int start : new int[] {0x20000000, 0x2000017A, 0x10000, 0x200}) {
            GetCapabilityResponse r = cap(t, TpmCap.COMMANDS, start, 10);
            assertThat(commands(r)).as("%08x", start).isEmpty();
            assertThat(r.moreData()).isFalse();
        }
    }

    @Test
    void ppCommandsListPpCommands_andAuditCommandsListSetCommandCodeAuditStatus() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse pp = cap(t, TpmCap.PP_COMMANDS, 0, 100);
        assertThat(((TpmlPpCommands) pp.capabilityData().data()).commandCodes())
                .containsExactly(dev.jtpm.types.TpmCc.PP_COMMANDS);                  // as swtpm 0.7.1 answers
        assertThat(pp.moreData()).isFalse();
        GetCapabilityResponse audit = cap(t, TpmCap.AUDIT_COMMANDS, 0, 100);
        assertThat(((TpmlAuditCommands) audit.capabilityData().data()).commandCodes())
                .containsExactly(dev.jtpm.types.TpmCc.SET_COMMAND_CODE_AUDIT_STATUS);   // as swtpm 0.7.1 answers
        assertThat(audit.moreData()).isFalse();
    }

    // ---------------------------------------------------------------- TPM_CAP_PCRS, PCR_PROPERTIES

    @Test
    void pcrs_reportTheAllocationOfEveryImplementedBank_emptyOnesToo() {
        GetCapabilityResponse r = cap(TestTpm.started(), TpmCap.PCRS, 0, 1);
        assertThat(((TpmlPcrSelection) r.capabilityData().data()).pcrSelections()).containsExactly(
                new TpmsPcrSelection(TpmAlg.SHA1, Bytes.of((byte) 0xFF, (byte) 0xFF, (byte) 0xFF)),
                new TpmsPcrSelection(TpmAlg.SHA256, Bytes.of((byte) 0xFF, (byte) 0xFF, (byte) 0xFF)),
                new TpmsPcrSelection(TpmAlg.SHA384, Bytes.of((byte) 0, (byte) 0, (byte) 0)),
                new TpmsPcrSelection(TpmAlg.SHA512, Bytes.of((byte) 0, (byte) 0, (byte) 0)));
        assertThat(r.moreData()).isFalse();
    }

    @Test
    void pcrs_countZero_isEmptyWithMoreData() {
        GetCapabilityResponse r = cap(TestTpm.started(), TpmCap.PCRS, 0, 0);
        assertThat(((TpmlPcrSelection) r.capabilityData().data()).pcrSelections()).isEmpty();
        assertThat(r.moreData()).isTrue();
    }

    @Test
    void pcrs_nonZeroProperty_returnsValueOnParameter2() {
        assertThat(rcOf(TestTpm.started(), TpmCap.PCRS, 1, 1)).isEqualTo(TpmRc.VALUE.atParameter(2));
    }

    private static List<TpmsTaggedPcrSelect> pcrProperties(GetCapabilityResponse r) {
        return ((TpmlTaggedPcrProperty) r.capabilityData().data()).pcrProperty();
    }

    @Test
    void pcrProperties_matchThePcClientAttributeTable() {
        GetCapabilityResponse r = cap(TestTpm.started(), TpmCap.PCR_PROPERTIES, 0, 100);
        Map<Integer, String> got = pcrProperties(r).stream().collect(Collectors.toMap(TpmsTaggedPcrSelect::tag,
                p -> HEX.formatHex(p.pcrSelect().toArray()), (a, b) -> a, LinkedHashMap::new));
        // the bit maps libtpms 0.9 (swtpm 0.7.1) reports; NO_INCREMENT = PCRs 16, 21, 22, 23
        Map<Integer, String> expected = new LinkedHashMap<>();
        expected.put(TpmPt.PCR_SAVE, "ffff00");
        expected.put(TpmPt.PCR_EXTEND_L0, "ffff81");
        expected.put(TpmPt.PCR_RESET_L0, "000081");
        expected.put(TpmPt.PCR_EXTEND_L1, "ffff91");
        expected.put(TpmPt.PCR_RESET_L1, "000081");
        expected.put(TpmPt.PCR_EXTEND_L2, "ffffff");
        expected.put(TpmPt.PCR_RESET_L2, "0000f1");
        expected.put(TpmPt.PCR_EXTEND_L3, "ffff9f");
        expected.put(TpmPt.PCR_RESET_L3, "000081");
        expected.put(TpmPt.PCR_EXTEND_L4, "ffff87");
        expected.put(TpmPt.PCR_RESET_L4, "00007e");
        expected.put(TpmPt.PCR_NO_INCREMENT, "0000e1");
        expected.put(TpmPt.PCR_DRTM_RESET, "00007e");
        expected.put(TpmPt.PCR_POLICY, "000070");   // the policy and authorization groups: PCRs 20..22
        expected.put(TpmPt.PCR_AUTH, "000070");
        assertThat(got).containsExactlyEntriesOf(expected);
        assertThat(r.moreData()).isFalse();
    }

    @Test
    void pcrProperties_skipUndefinedTags_andSayWhetherMoreFollow() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse gap = cap(t, TpmCap.PCR_PROPERTIES, TpmPt.PCR_RESET_L4 + 1, 1);
        assertThat(pcrProperties(gap)).extracting(TpmsTaggedPcrSelect::tag).containsExactly(TpmPt.PCR_NO_INCREMENT);
        assertThat(gap.moreData()).isTrue();
        GetCapabilityResponse last = cap(t, TpmCap.PCR_PROPERTIES, TpmPt.PCR_AUTH, 1);
        assertThat(last.moreData()).isFalse();
        assertThat(cap(t, TpmCap.PCR_PROPERTIES, TpmPt.PCR_DRTM_RESET, 1).moreData()).isTrue();
        assertThat(pcrProperties(cap(t, TpmCap.PCR_PROPERTIES, TpmPt.PCR_AUTH + 1, 10))).isEmpty();
        assertThat(cap(t, TpmCap.PCR_PROPERTIES, 0, 0).moreData()).isTrue();
    }

    // ---------------------------------------------------------------- TPM_CAP_TPM_PROPERTIES

    @Test
    void tpmProperties_fixedGroup_identifiesJtpm_andStopsAtTheGroupEnd() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse r = cap(t, TpmCap.TPM_PROPERTIES, TpmPt.FIXED, 1000);
        Map<Integer, Integer> p = properties(r);
        assertThat(r.moreData()).isFalse();
        assertThat(p.keySet()).allSatisfy(k -> assertThat(k).isBetween(TpmPt.FIXED, TpmPt.VAR - 1));
        assertThat(p).containsEntry(TpmPt.FAMILY_INDICATOR, 0x322E3000).containsEntry(TpmPt.LEVEL, 0)
                .containsEntry(TpmPt.REVISION, 164).containsEntry(TpmPt.MANUFACTURER, 0x4A54504D)
                .containsEntry(TpmPt.VENDOR_STRING_1, 0x6A74706D).containsEntry(TpmPt.INPUT_BUFFER, 1024)
                .containsEntry(TpmPt.HR_TRANSIENT_MIN, 3).containsEntry(TpmPt.HR_LOADED_MIN, 3)
                .containsEntry(TpmPt.PCR_COUNT, 24).containsEntry(TpmPt.PCR_SELECT_MIN, 3)
                .containsEntry(TpmPt.MAX_COMMAND_SIZE, 4096).containsEntry(TpmPt.MAX_RESPONSE_SIZE, 4096)
                .containsEntry(TpmPt.MAX_DIGEST, 64).containsEntry(TpmPt.CONTEXT_HASH, TpmAlg.SHA512)
                .containsEntry(TpmPt.NV_BUFFER_MAX, 1024).containsEntry(TpmPt.MAX_CAP_BUFFER, 1024)
                .containsEntry(TpmPt.VENDOR_COMMANDS, 0);
        assertThat(p.get(TpmPt.TOTAL_COMMANDS)).isEqualTo(p.get(TpmPt.LIBRARY_COMMANDS))
                .isEqualTo(commands(cap(t, TpmCap.COMMANDS, 0, 1000)).size());
        // nothing is reported that does not work yet
        assertThat(p).doesNotContainKeys(TpmPt.CONTEXT_SYM, TpmPt.CONTEXT_SYM_SIZE, TpmPt.MAX_OBJECT_CONTEXT,
                TpmPt.MAX_SESSION_CONTEXT);
    }

    @Test
    void tpmProperties_maxCommandSize_isWhatThePipelineEnforces() {
        TestTpm t = TestTpm.started();
        int max = property(t, TpmPt.MAX_COMMAND_SIZE);
        byte[] tooBig = new byte[max + 1];
        java.nio.ByteBuffer.wrap(tooBig).putShort((short) 0x8001).putInt(max + 1).putInt(TpmCc.GET_RANDOM);
        assertThat(new TpmRc(java.nio.ByteBuffer.wrap(t.raw(tooBig), 6, 4).getInt())).isEqualTo(TpmRc.COMMAND_SIZE);
    }

    @Test
    void tpmProperties_rangeRules() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse below = cap(t, TpmCap.TPM_PROPERTIES, 0, 1);
        assertThat(properties(below)).containsOnlyKeys(TpmPt.FAMILY_INDICATOR);
        assertThat(below.moreData()).isTrue();
        for (int start : new int[] {TpmPt.VAR - 1, TpmPt.MAX_CAP_BUFFER + 1, TpmPt.AUDIT_COUNTER_1 + 1, 0x300,
                0x80000000}) {
            GetCapabilityResponse r = cap(t, TpmCap.TPM_PROPERTIES, start, 5);
            assertThat(properties(r)).as("%x", start).isEmpty();
            assertThat(r.moreData()).isFalse();
        }
        assertThat(cap(t, TpmCap.TPM_PROPERTIES, TpmPt.FIXED, 0).moreData()).isTrue();
        GetCapabilityResponse var = cap(t, TpmCap.TPM_PROPERTIES, TpmPt.VAR, 1000);
        assertThat(properties(var).keySet()).first().isEqualTo(TpmPt.PERMANENT);
        assertThat(properties(var).keySet()).last().isEqualTo(TpmPt.AUDIT_COUNTER_1);
    }

    @Test
    void tpmProperties_variable_describeTheState() {
        TestTpm t = TestTpm.started();
        Map<Integer, Integer> p = properties(cap(t, TpmCap.TPM_PROPERTIES, TpmPt.VAR, 1000));
        assertThat(p).containsEntry(TpmPt.PERMANENT, 1 << 10)            // tpmGeneratedEPS
                .containsEntry(TpmPt.STARTUP_CLEAR, 0x8000000F)              // enabled; a new TPM counts as orderly
                .containsEntry(TpmPt.HR_TRANSIENT_AVAIL, 3).containsEntry(TpmPt.HR_LOADED, 0)
                .containsEntry(TpmPt.HR_PERSISTENT, 0).containsEntry(TpmPt.NV_COUNTERS, 0)
                .containsEntry(TpmPt.LOADED_CURVES, dev.jtpm.types.Algorithms.eccCurves().size())
                .containsEntry(TpmPt.LOCKOUT_COUNTER, 0)
                .containsEntry(TpmPt.MAX_AUTH_FAIL, 3).containsEntry(TpmPt.LOCKOUT_INTERVAL, 1000)
                .containsEntry(TpmPt.LOCKOUT_RECOVERY, 1000);
    }

    @Test
    void startupClearOrderly_isSetAfterAnOrderlyShutdown() {
        TestTpm t = TestTpm.started();
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(property(t, TpmPt.STARTUP_CLEAR)).isEqualTo(0x8000000F);
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        assertThat(property(t, TpmPt.STARTUP_CLEAR)).isEqualTo(0x0F);
    }

    @Test
    void propertyCount_isCappedByMaxCapBuffer() {
        TestTpm t = TestTpm.started();
        GetCapabilityResponse r = cap(t, TpmCap.TPM_PROPERTIES, TpmPt.FIXED, 0xFFFFFFFF);
        assertThat(properties(r)).isNotEmpty();
        assertThat(r.moreData()).isFalse();
        assertThat(GetCapabilityHandler.MAX_TPM_PROPERTIES).isEqualTo(127);
        assertThat(GetCapabilityHandler.MAX_CAP_HANDLES).isEqualTo(254);
        assertThat(GetCapabilityHandler.MAX_CAP_ALGS).isEqualTo(169);
    }

    // ---------------------------------------------------------------- TPM_CAP_ECC_CURVES

    @Test
    void eccCurves_areTheNistBnAndSm2Curves() {
        GetCapabilityResponse r = cap(TestTpm.started(), TpmCap.ECC_CURVES, 0, 100);
        assertThat(((TpmlEccCurve) r.capabilityData().data()).eccCurves()).containsExactly(1, 2, 3, 4, 5, 0x10, 0x11, 0x20);
        assertThat(r.moreData()).isFalse();
    }
}
