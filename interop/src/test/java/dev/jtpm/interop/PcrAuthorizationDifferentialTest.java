package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PCR authorization (TPM2_PCR_SetAuthValue, TPM2_PCR_SetAuthPolicy) compared with swtpm 0.7.1 (libtpms) on
 * raw commands: which PCRs take an authValue or a policy, what the commands refuse (PCRs outside the
 * groups, a policy whose size does not fit its hash, the wrong hierarchy), and what an extend of such a PCR
 * then needs — the PCR's authValue as a password (wrong: TPM_RC_BAD_AUTH, PCRs are DA-exempt), a policy
 * session once a policy is set (a password: TPM_RC_AUTH_TYPE), and a policy session whose digest matches.
 * tpm2-tools 5.4 has no tool for these commands. PCR 20–22 (libtpms' groups) are extended from locality 2.
 */
class PcrAuthorizationDifferentialTest {
    private static final int PLATFORM = 0x4000000C, OWNER = 0x40000001, RH_NULL = 0x40000007, SHA256 = 0x000B;
    private static final int CC_SET_AUTH_VALUE = 0x183, CC_SET_AUTH_POLICY = 0x12C, CC_EXTEND = 0x182;
    private static final byte[] NONCE = new byte[16];

    private static byte[] withPassword(int cc, int handle, byte[] password, byte[] params) {
        byte[] area = cat(u32(0x40000009), u16(0), new byte[] {1}, sized(password));
        byte[] body = cat(u32(handle), u32(area.length), area, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(cc), body);
    }

    private static byte[] withSession(int cc, int handle, int session, byte[] params) {
        byte[] area = cat(u32(session), sized(NONCE), new byte[] {1}, u16(0));
        byte[] body = cat(u32(handle), u32(area.length), area, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(cc), body);
    }

    private static byte[] extendDigests() { return cat(u32(1), u16(SHA256), new byte[32]); }

    private static int session(SwtpmSocketTransport t, int type) throws IOException {
        byte[] r = execute(t, command(0x176, cat(u32(RH_NULL), u32(RH_NULL), sized(NONCE), u16(0), new byte[] {(byte) type},
                u16(0x0010), u16(SHA256))));
        return u32At(r, 10);
    }

    private static List<String> run(SwtpmSocketTransport t) throws IOException {
        List<String> out = new ArrayList<>();
        byte[] pw = "pcr-pw".getBytes();
        for (int pcr : new int[] {0, 16, 19, 20, 21, 22, 23}) {
            out.add("SetAuthValue " + pcr + ": " + hex(execute(t, withPassword(CC_SET_AUTH_VALUE, pcr, new byte[0], sized(pw)))));
        }
        out.add("extend 20, no password: " + hex(atLocality2(t, withPassword(CC_EXTEND, 20, new byte[0], extendDigests()))));
        out.add("extend 20, wrong: " + hex(atLocality2(t, withPassword(CC_EXTEND, 20, "nope".getBytes(), extendDigests()))));
        out.add("extend 20, right: " + hex(atLocality2(t, withPassword(CC_EXTEND, 20, pw, extendDigests()))));
        out.add("extend 22, right (same group): " + hex(atLocality2(t, withPassword(CC_EXTEND, 22, pw, extendDigests()))));
        // a policy for the group: PolicyCommandCode(PCR_Extend), built in a trial session
        int trial = session(t, 3);
        execute(t, command(0x16C, cat(u32(trial), u32(CC_EXTEND))));
        byte[] d = execute(t, command(0x189, u32(trial)));
        byte[] digest = Arrays.copyOfRange(d, 12, 12 + 32);
        flush(t, trial);
        for (int pcr : new int[] {0, 16, 20, 21, 23}) {
            out.add("SetAuthPolicy " + pcr + ": " + hex(execute(t, withPassword(CC_SET_AUTH_POLICY, PLATFORM, new byte[0],
                    cat(sized(digest), u16(SHA256), u32(pcr))))));
        }
        out.add("SetAuthPolicy, size not the hash's: " + hex(execute(t, withPassword(CC_SET_AUTH_POLICY, PLATFORM, new byte[0],
                cat(sized(new byte[20]), u16(SHA256), u32(21))))));
        out.add("SetAuthPolicy, owner: " + hex(execute(t, withPassword(CC_SET_AUTH_POLICY, OWNER, new byte[0],
                cat(sized(digest), u16(SHA256), u32(21))))));
        out.add("extend 21, password: " + hex(atLocality2(t, withPassword(CC_EXTEND, 21, pw, extendDigests()))));
        int policy = session(t, 1);
        out.add("extend 21, empty policy session: " + hex(atLocality2(t, withSession(CC_EXTEND, 21, policy, extendDigests()))));
        execute(t, command(0x16C, cat(u32(policy), u32(CC_EXTEND))));
        out.add("extend 21, policy: " + hex(atLocality2(t, withSession(CC_EXTEND, 21, policy, extendDigests()))));
        out.add("SetAuthValue 21 under a policy group, password: "
                + hex(execute(t, withPassword(CC_SET_AUTH_VALUE, 21, pw, sized(new byte[0])))));
        flush(t, policy);
        // the policy goes with TPM_ALG_NULL and an empty digest
        out.add("SetAuthPolicy 21, NULL: " + hex(execute(t, withPassword(CC_SET_AUTH_POLICY, PLATFORM, new byte[0],
                cat(u16(0), u16(0x0010), u32(21))))));
        out.add("extend 21, password again: " + hex(atLocality2(t, withPassword(CC_EXTEND, 21, pw, extendDigests()))));
        return out;
    }

    /** PCRs 20–22 are extended from locality 2 (PC Client). */
    private static byte[] atLocality2(SwtpmSocketTransport t, byte[] command) throws IOException {
        return t.execute(command, 2);
    }

    private static String hex(byte[] r) { return String.format("0x%03x", rc(r)); }

    @Test
    void pcrAuthValueAndPolicy_sameResponseCodesAsSwtpm() throws Exception {
        RawCommands.Sides sides = RawCommands.onBoth(PcrAuthorizationDifferentialTest::run);
        List<String> a = sides.jtpm(), b = sides.swtpm();
        List<String> differences = sides.differences();
        assertThat(differences).as("jtpm %s", a).isEmpty();
        assertThat(a).contains("extend 20, right: 0x000", "extend 21, policy: 0x000");
    }
}
