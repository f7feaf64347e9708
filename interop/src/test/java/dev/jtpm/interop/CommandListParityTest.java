package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.TpmCc;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GetCapability(TPM_CAP_COMMANDS) of jtpm against swtpm 0.7.1 (libtpms 0.9), read on raw commands page by page:
 * jtpm must list every command swtpm lists, each with the same TPMA_CC (commandIndex, nv, extensive, flushed,
 * cHandles, rHandle, V and the reserved bits: the whole word). Missing commands are reported by name.
 *
 * <p>No documented differences today: {@link #DOCUMENTED_DIFFERENCES} is empty (the TPMA_CC of every command both
 * list was equal when this test was written). Commands jtpm lists and swtpm does not are allowed (and reported in the
 * message); swtpm lists no vendor commands. tpm2-tools' {@code tpm2_getcap commands} prints the same words decoded.
 */
class CommandListParityTest {
    /** Commands that other branches are implementing (issue 8): NV_*, PolicyNV, PolicyAuthorizeNV, attestation,
     *  credentials and duplication. Missing today only because those branches are not merged yet. */
    private static final Set<Integer> ISSUE_8 = Set.of(TpmCc.POLICY_NV, TpmCc.POLICY_AUTHORIZE_NV, TpmCc.QUOTE,
            TpmCc.CERTIFY, TpmCc.CERTIFY_CREATION, TpmCc.GET_TIME, TpmCc.MAKE_CREDENTIAL, TpmCc.ACTIVATE_CREDENTIAL,
            TpmCc.DUPLICATE, TpmCc.IMPORT, TpmCc.REWRAP);

    /** Command code → why jtpm's TPMA_CC differs from swtpm's. None. */
    private static final Map<Integer, String> DOCUMENTED_DIFFERENCES = Map.of();

    private static SortedMap<Integer, Integer> jtpm, swtpm;

    @BeforeAll
    static void readBothLists() throws IOException {
        Tools.require("swtpm");
        try (JtpmServer server = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", server.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            jtpm = commands(j);
            swtpm = commands(s);
        }
    }

    /** TPM_CAP_COMMANDS from TPM_CC_FIRST on, page by page while moreData: command code → TPMA_CC. */
    private static SortedMap<Integer, Integer> commands(SwtpmSocketTransport t) throws IOException {
        SortedMap<Integer, Integer> out = new TreeMap<>();
        int start = 0x11F;
        for (int page = 0; page < 20; page++) {
            byte[] r = execute(t, command(0x17A, cat(u32(2), u32(start), u32(254))));
            assertThat(rc(r)).as("GetCapability(TPM_CAP_COMMANDS, 0x%x)", start).isZero();
            boolean more = r[10] != 0;
            assertThat(u32At(r, 11)).isEqualTo(2);
            int count = u32At(r, 15);
            for (int i = 0; i < count; i++) {
                int attributes = u32At(r, 19 + 4 * i);
                out.put(attributes & 0xFFFF, attributes);
            }
            if (!more || count == 0) return out;
            start = out.lastKey() + 1;
        }
        throw new AssertionError("more than 20 pages of commands");
    }

    /** The TpmCc constant's name of a code, else its hex value. */
    static String name(int cc) {
        for (Field f : TpmCc.class.getFields()) {
            try {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getInt(null) == cc) {
                    return f.getName() + String.format(" (0x%03x)", cc);
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return String.format("0x%08x", cc);
    }

    static boolean isIssue8(int cc) { return ISSUE_8.contains(cc) || name(cc).startsWith("NV_"); }

    private static String attributes(int a) {
        return String.format("nv=%d extensive=%d flushed=%d cHandles=%d rHandle=%d V=%d res=%d (0x%08x)", a >>> 22 & 1,
                a >>> 23 & 1, a >>> 24 & 1, a >>> 25 & 7, a >>> 28 & 1, a >>> 29 & 1, a >>> 30 & 3, a);
    }

    /** The commands both list carry the same TPMA_CC, except where {@link #DOCUMENTED_DIFFERENCES} says why. */
    @Test
    void commandsBothList_haveSwtpmsAttributes() {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : swtpm.entrySet()) {
            Integer mine = jtpm.get(e.getKey());
            if (mine == null || mine.equals(e.getValue()) || DOCUMENTED_DIFFERENCES.containsKey(e.getKey())) continue;
            differences.add(name(e.getKey()) + ": jtpm " + attributes(mine) + ", swtpm " + attributes(e.getValue()));
        }
        assertThat(differences).as("TPMA_CC differences").isEmpty();
    }

    /**
     * Every command swtpm lists, jtpm lists too. Fails today, naming the missing codes: issue 8's commands (other
     * branches) and TPM2_CertifyX509 (0x197), which no branch implements yet; so this test is not disabled.
     */
    @Test
    void jtpmListsEveryCommandSwtpmLists() {
        List<Integer> missing = swtpm.keySet().stream().filter(cc -> !jtpm.containsKey(cc)).toList();
        List<String> others = missing.stream().filter(cc -> !isIssue8(cc)).map(CommandListParityTest::name).toList();
        List<String> issue8 = missing.stream().filter(CommandListParityTest::isIssue8).map(CommandListParityTest::name).toList();
        List<String> extra = jtpm.keySet().stream().filter(cc -> !swtpm.containsKey(cc)).map(CommandListParityTest::name).toList();
        assertThat(missing.stream().map(CommandListParityTest::name).toList()).as("commands swtpm lists and jtpm lacks: outside issue 8 %s; issue 8's %s (jtpm-only: %s)",
                others, issue8, extra).isEmpty();
    }
}
