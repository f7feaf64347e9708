package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_PP_Commands and TPM2_SetAlgorithmSet (Part 3, 26) compared with swtpm 0.7.1 (libtpms 0.9) on raw commands.
 * swtpm never asserts physical presence (it registers no libtpms callback for it), and TPM2_PP_Commands is on the
 * PP list from manufacture and can never leave it: with platformAuth, a policy session, a wrong password or
 * parameters that would fail, it answers TPM_RC_PP (session 1) — on jtpm too. Also: the wrong hierarchies,
 * SetAlgorithmSet's values and authorization, a PP-capable command not on the list (TPM2_HierarchyControl,
 * TPM2_ClockSet) with platformAuth, and the TPM_CAP_PP_COMMANDS answer octet for octet, before and after.
 */
class PhysicalPresenceDifferentialTest {
    private static final int PLATFORM = 0x4000000C, OWNER = 0x40000001, ENDORSEMENT = 0x4000000B, LOCKOUT = 0x4000000A,
            RH_NULL = 0x40000007, SHA256 = 0x000B;
    private static final int CC_PP_COMMANDS = 0x12D, CC_SET_ALGORITHM_SET = 0x13F, CC_HIERARCHY_CONTROL = 0x121,
            CC_CLOCK_SET = 0x128, CC_CLEAR = 0x126, CC_GET_RANDOM = 0x17B, CC_FIELD_UPGRADE_START = 0x12F;

    private static byte[] list(int... codes) {
        byte[] out = u32(codes.length);
        for (int cc : codes) out = cat(out, u32(cc));
        return out;
    }

    private static byte[] withPassword(int cc, int handle, byte[] password, byte[] params) {
        byte[] area = cat(u32(0x40000009), u16(0), new byte[] {1}, sized(password));
        byte[] body = cat(u32(handle), u32(area.length), area, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(cc), body);
    }

    private static byte[] withSession(int cc, int handle, int session, byte[] params) {
        byte[] area = cat(u32(session), sized(new byte[16]), new byte[] {1}, u16(0));
        byte[] body = cat(u32(handle), u32(area.length), area, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(cc), body);
    }

    private static String ppList(SwtpmSocketTransport t, int start, int count) throws IOException {
        return HexFormat.of().formatHex(execute(t, command(0x17A, cat(u32(3), u32(start), u32(count)))));
    }

    private static List<String> run(SwtpmSocketTransport t) throws IOException {
        List<String> out = new ArrayList<>();
        byte[] none = new byte[0];
        out.add("PP list: " + ppList(t, 0, 100));
        out.add("PP list from 0x12e: " + ppList(t, 0x12E, 100));
        out.add("PP list, count 0: " + ppList(t, 0, 0));
        out.add("PP list, vendor: " + ppList(t, 0x20000000, 100));
        byte[] lists = cat(list(CC_HIERARCHY_CONTROL, CC_CLEAR, CC_GET_RANDOM, CC_FIELD_UPGRADE_START), list(CC_PP_COMMANDS));
        out.add("PP_Commands, platform: " + hex(execute(t, withPassword(CC_PP_COMMANDS, PLATFORM, none, lists))));
        out.add("PP_Commands, platform, empty lists: "
                + hex(execute(t, withPassword(CC_PP_COMMANDS, PLATFORM, none, cat(list(), list())))));
        out.add("PP_Commands, platform, wrong password: "
                + hex(execute(t, withPassword(CC_PP_COMMANDS, PLATFORM, "nope".getBytes(), lists))));
        int[] tooMany = new int[255];
        java.util.Arrays.fill(tooMany, CC_CLEAR);
        out.add("PP_Commands, platform, 255 codes: "
                + hex(execute(t, withPassword(CC_PP_COMMANDS, PLATFORM, none, cat(list(tooMany), list())))));
        out.add("PP_Commands, platform, no clearList: "
                + hex(execute(t, withPassword(CC_PP_COMMANDS, PLATFORM, none, list(CC_CLEAR)))));
        int policy = u32At(execute(t, command(0x176, cat(u32(RH_NULL), u32(RH_NULL), sized(new byte[16]), u16(0),
                new byte[] {1}, u16(0x0010), u16(SHA256)))), 10);
        out.add("PP_Commands, platform, policy session: " + hex(execute(t, withSession(CC_PP_COMMANDS, PLATFORM, policy, lists))));
        flush(t, policy);
        out.add("PP_Commands, no session: " + hex(execute(t, command(CC_PP_COMMANDS, cat(u32(PLATFORM), lists)))));
        for (int h : new int[] {OWNER, ENDORSEMENT, LOCKOUT, RH_NULL, 0x40000009, 0x80000000}) {
            out.add(String.format("PP_Commands, 0x%08x: %s", h, hex(execute(t, withPassword(CC_PP_COMMANDS, h, none, lists)))));
        }
        for (int value : new int[] {0, 1, 0x7FFFFFFF, 0xFFFFFFFF}) {
            out.add(String.format("SetAlgorithmSet(0x%x): %s", value,
                    hex(execute(t, withPassword(CC_SET_ALGORITHM_SET, PLATFORM, none, u32(value))))));
        }
        out.add("SetAlgorithmSet, wrong password: "
                + hex(execute(t, withPassword(CC_SET_ALGORITHM_SET, PLATFORM, "nope".getBytes(), u32(2)))));
        out.add("SetAlgorithmSet, short: " + hex(execute(t, withPassword(CC_SET_ALGORITHM_SET, PLATFORM, none, u16(2)))));
        for (int h : new int[] {OWNER, ENDORSEMENT, LOCKOUT}) {
            out.add(String.format("SetAlgorithmSet, 0x%08x: %s", h, hex(execute(t, withPassword(CC_SET_ALGORITHM_SET, h, none, u32(2))))));
        }
        // PP-capable commands that are not on the list run with platformAuth alone
        out.add("ClockSet, platform: " + hex(execute(t, withPassword(CC_CLOCK_SET, PLATFORM, none, cat(u32(0x100), u32(0))))));
        out.add("HierarchyControl(owner off), platform: "
                + hex(execute(t, withPassword(CC_HIERARCHY_CONTROL, PLATFORM, none, cat(u32(OWNER), new byte[] {0})))));
        out.add("HierarchyControl(owner on), platform: "
                + hex(execute(t, withPassword(CC_HIERARCHY_CONTROL, PLATFORM, none, cat(u32(OWNER), new byte[] {1})))));
        out.add("PP list after: " + ppList(t, 0, 100));
        return out;
    }

    private static String hex(byte[] r) { return String.format("0x%03x", rc(r)); }

    @Test
    void ppCommandsAndSetAlgorithmSet_sameAnswersAsSwtpm() throws Exception {
        RawCommands.Sides sides = RawCommands.onBoth(PhysicalPresenceDifferentialTest::run);
        List<String> a = sides.jtpm(), b = sides.swtpm();
        List<String> differences = sides.differences();
        assertThat(differences).as("jtpm %s", a).isEmpty();
        assertThat(a).contains("PP_Commands, platform: 0x990", "SetAlgorithmSet(0x1): 0x000",
                "PP list: 80010000001700000000000000000300000001" + "0000012d");
    }
}
