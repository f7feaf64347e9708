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
 * NV storage compared with swtpm 0.7.1 (libtpms) on raw commands: TPM2_NV_DefineSpace over a grid of index types and
 * attribute combinations (owner or platform), then on every index that was defined, writes of its kind (NV_Write,
 * NV_Increment, NV_SetBits, NV_Extend), NV_Read, NV_WriteLock, NV_ReadLock and NV_ReadPublic authorized by the owner, the
 * platform, the index's password, a wrong password and a policy session (PolicyLocality), then NV_UndefineSpace; and a
 * few scenarios beyond the grid (PIN indices, PolicyNV, PolicyAuthorizeNV, NV_ChangeAuth, UndefineSpaceSpecial,
 * NV_Certify with TPM_RH_NULL). Every response code must be the same; libtpms' TPM_RC_RETRY for the first
 * DA-protected authorization after start-up is retried (a documented difference).
 */
class NvDifferentialTest {
    private static final int OWNER = 0x40000001, PLATFORM = 0x4000000C, RH_NULL = 0x40000007, LOCKOUT = 0x4000000A;
    private static final int SHA256 = 0x000B;
    private static final int PPWRITE = 1, OWNERWRITE = 2, AUTHWRITE = 4, POLICYWRITE = 8, POLICY_DELETE = 1 << 10,
            WRITEALL = 1 << 12, WRITEDEFINE = 1 << 13, WRITE_STCLEAR = 1 << 14, GLOBALLOCK = 1 << 15, PPREAD = 1 << 16,
            OWNERREAD = 1 << 17, AUTHREAD = 1 << 18, POLICYREAD = 1 << 19, NO_DA = 1 << 25, ORDERLY = 1 << 26,
            CLEAR_STCLEAR = 1 << 27, WRITTEN = 1 << 29, PLATFORMCREATE = 1 << 30, READ_STCLEAR = 1 << 31;
    private static final int[] TYPES = {0, 1, 2, 4, 8, 9};
    private static final int[] ACCESS = {OWNERREAD | OWNERWRITE, PPREAD | PPWRITE | PLATFORMCREATE, AUTHREAD | AUTHWRITE,
            POLICYREAD | POLICYWRITE, OWNERREAD | AUTHWRITE | POLICYREAD, PPREAD | OWNERWRITE, OWNERREAD | POLICYWRITE | PLATFORMCREATE,
            AUTHREAD | PPWRITE | PLATFORMCREATE};
    private static final int[] EXTRA = {0, NO_DA, ORDERLY, WRITEALL, WRITEDEFINE, WRITE_STCLEAR, READ_STCLEAR, GLOBALLOCK,
            CLEAR_STCLEAR, POLICY_DELETE | PLATFORMCREATE, WRITTEN, NO_DA | ORDERLY | WRITE_STCLEAR, 0x100};
    private static final byte[] PW = "nv-pw".getBytes(), WRONG = "nope".getBytes(), NONCE = new byte[16];
    private static final int INDEX = 0x01000100, SCENARIO_INDEX = 0x01000200;

    private static byte[] withAuths(int cc, int[] handles, Object[] auths, byte[] params) {
        byte[] area = new byte[0];
        for (Object a : auths) {
            area = cat(area, a instanceof Integer s ? cat(u32(s), sized(NONCE), new byte[] {1}, u16(0))
                    : cat(u32(0x40000009), u16(0), new byte[] {1}, sized((byte[]) a)));
        }
        byte[] hs = new byte[0];
        for (int h : handles) hs = cat(hs, u32(h));
        byte[] body = cat(hs, u32(area.length), area, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(cc), body);
    }

    /** Sends a command; libtpms' first DA-protected authorization answers TPM_RC_RETRY: send it again. */
    private static byte[] exec(SwtpmSocketTransport t, byte[] cmd) throws IOException {
        byte[] r = execute(t, cmd);
        if (rc(r) == 0x922) r = execute(t, cmd);
        return r;
    }

    private static int session(SwtpmSocketTransport t, int type) throws IOException {
        byte[] r = execute(t, command(0x176, cat(u32(RH_NULL), u32(RH_NULL), sized(NONCE), u16(0), new byte[] {(byte) type},
                u16(0x0010), u16(SHA256))));
        return u32At(r, 10);
    }

    private static byte[] nvPublic(int handle, int attributes, byte[] policy, int size) {
        return sized(cat(u32(handle), u16(SHA256), u32(attributes), sized(policy), u16(size)));
    }

    private static String hex(byte[] r) { return String.format("0x%03x", rc(r)); }

    private static List<String> run(SwtpmSocketTransport t) throws IOException {
        List<String> out = new ArrayList<>();
        // no lockout in the way of the wrong passwords
        execute(t, withAuths(0x13A, new int[] {LOCKOUT}, new Object[] {new byte[0]}, cat(u32(100000), u32(1000), u32(1000))));
        // policy: PolicyLocality(all five localities)
        int trial = session(t, 3);
        execute(t, command(0x16F, cat(u32(trial), new byte[] {0x1F})));
        byte[] d = execute(t, command(0x189, u32(trial)));
        byte[] policy = Arrays.copyOfRange(d, 12, 12 + 32);
        flush(t, trial);
        int ps = session(t, 1);
        for (int type : TYPES) {
            for (int access : ACCESS) {
                for (int extra : EXTRA) {
                    int a = access | extra | type << 4;
                    int size = type == 0 ? 8 : type == 4 ? 32 : 8;
                    int definer = (a & PLATFORMCREATE) != 0 ? PLATFORM : OWNER;
                    String k = String.format("type %d attrs %08x: ", type, a);
                    byte[] def = exec(t, withAuths(0x12A, new int[] {definer}, new Object[] {new byte[0]},
                            cat(sized(PW), nvPublic(INDEX, a, policy, size))));
                    out.add(k + "define " + hex(def));
                    if (rc(def) != 0) continue;
                    Object[] authorizers = {OWNER, PLATFORM, INDEX, INDEX, INDEX};
                    for (int round = 0; round < 2; round++) {
                        for (int i = 0; i < authorizers.length; i++) {
                            int authHandle = (Integer) authorizers[i];
                            Object auth = i == 3 ? WRONG : i == 4 ? (Object) ps : i == 2 ? PW : new byte[0];
                            if (i == 4) {
                                execute(t, command(0x180, u32(ps)));
                                execute(t, command(0x16F, cat(u32(ps), new byte[] {0x1F})));
                            }
                            String who = k + "r" + round + " by " + i + " ";
                            int[] hs = {authHandle, INDEX};
                            byte[] w = switch (type) {
                                case 1 -> withAuths(0x134, hs, new Object[] {auth}, new byte[0]);
                                case 2 -> withAuths(0x135, hs, new Object[] {auth}, cat(u32(0), u32(5)));
                                case 4 -> withAuths(0x136, hs, new Object[] {auth}, sized("x".getBytes()));
                                case 8, 9 -> withAuths(0x137, hs, new Object[] {auth}, cat(sized(cat(u32(0), u32(3))), u16(0)));
                                default -> withAuths(0x137, hs, new Object[] {auth}, cat(sized("abcd".getBytes()), u16(2)));
                            };
                            out.add(who + "write " + hex(exec(t, w)));
                            if (i == 4) {
                                execute(t, command(0x180, u32(ps)));
                                execute(t, command(0x16F, cat(u32(ps), new byte[] {0x1F})));
                            }
                            byte[] r = exec(t, withAuths(0x14E, hs, new Object[] {auth}, cat(u16(size), u16(0))));
                            out.add(who + "read " + hex(r) + (rc(r) == 0 ? " " + HexFormat(r) : ""));
                        }
                        if (round == 0) {
                            out.add(k + "writelock " + hex(exec(t, withAuths(0x138, new int[] {OWNER, INDEX}, new Object[] {new byte[0]}, new byte[0]))));
                            out.add(k + "writelock pp " + hex(exec(t, withAuths(0x138, new int[] {PLATFORM, INDEX}, new Object[] {new byte[0]}, new byte[0]))));
                            out.add(k + "readlock " + hex(exec(t, withAuths(0x14F, new int[] {INDEX, INDEX}, new Object[] {PW}, new byte[0]))));
                            out.add(k + "globallock " + hex(exec(t, withAuths(0x132, new int[] {OWNER}, new Object[] {new byte[0]}, new byte[0]))));
                        }
                    }
                    byte[] rp = execute(t, command(0x169, u32(INDEX)));
                    out.add(k + "readpublic " + hex(rp) + " " + HexFormat(rp));
                    out.add(k + "undefine owner " + hex(exec(t, withAuths(0x122, new int[] {OWNER, INDEX}, new Object[] {new byte[0]}, new byte[0]))));
                    out.add(k + "undefine platform " + hex(exec(t, withAuths(0x122, new int[] {PLATFORM, INDEX}, new Object[] {new byte[0]}, new byte[0]))));
                    if (rc(execute(t, command(0x169, u32(INDEX)))) == 0) {
                        // a POLICY_DELETE index: UndefineSpaceSpecial with a policy session (the policy has no command code)
                        execute(t, command(0x180, u32(ps)));
                        execute(t, command(0x16F, cat(u32(ps), new byte[] {0x1F})));
                        out.add(k + "undefine special " + hex(exec(t, withAuths(0x11F, new int[] {INDEX, PLATFORM},
                                new Object[] {ps, new byte[0]}, new byte[0]))));
                        execute(t, command(0x180, u32(ps)));
                        execute(t, command(0x16F, cat(u32(ps), new byte[] {0x1F})));
                        execute(t, command(0x16C, cat(u32(ps), u32(0x11F))));
                        out.add(k + "undefine special cc " + hex(exec(t, withAuths(0x11F, new int[] {INDEX, PLATFORM},
                                new Object[] {ps, new byte[0]}, new byte[0]))));
                    }
                }
            }
        }
        scenarios(t, out, policy, ps);
        return out;
    }

    /** Beyond the grid: PolicyNV, PolicyAuthorizeNV, NV_ChangeAuth, NV_Certify, capacity. */
    private static void scenarios(SwtpmSocketTransport t, List<String> out, byte[] policy, int ps) throws IOException {
        Object[] ownerPw = {new byte[0]};
        int[] owner = {OWNER};
        exec(t, withAuths(0x12A, owner, ownerPw, cat(sized(PW), nvPublic(SCENARIO_INDEX, OWNERREAD | OWNERWRITE | AUTHREAD, new byte[0], 34))));
        out.add("policynv uninitialized " + hex(exec(t, withAuths(0x149, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw,
                cat(sized(new byte[] {1}), u16(0), u16(0))))));
        exec(t, withAuths(0x137, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(sized(cat(u16(SHA256), new byte[32])), u16(0))));
        for (int op = 0; op <= 12; op++) {
            execute(t, command(0x180, u32(ps)));
            out.add("policynv op " + op + " " + hex(exec(t, withAuths(0x149, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw,
                    cat(sized(new byte[] {0, 0x0B}), u16(0), u16(op))))));
        }
        out.add("policynv offset " + hex(exec(t, withAuths(0x149, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw, cat(sized(new byte[] {0}), u16(35), u16(0))))));
        out.add("policynv size " + hex(exec(t, withAuths(0x149, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw, cat(sized(new byte[] {0, 0}), u16(33), u16(0))))));
        out.add("policynv by index " + hex(exec(t, withAuths(0x149, new int[] {SCENARIO_INDEX, SCENARIO_INDEX, ps}, new Object[] {PW}, cat(sized(new byte[] {0}), u16(0), u16(0))))));
        out.add("policynv by pp " + hex(exec(t, withAuths(0x149, new int[] {PLATFORM, SCENARIO_INDEX, ps}, ownerPw, cat(sized(new byte[] {0}), u16(0), u16(0))))));
        byte[] pd = execute(t, command(0x189, u32(ps)));
        out.add("policynv digest " + HexFormat(pd));
        execute(t, command(0x180, u32(ps)));
        out.add("authorizenv mismatch " + hex(exec(t, withAuths(0x192, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw, new byte[0]))));
        exec(t, withAuths(0x137, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(sized(cat(u16(0x0004), new byte[20])), u16(0))));
        out.add("authorizenv hash " + hex(exec(t, withAuths(0x192, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw, new byte[0]))));
        exec(t, withAuths(0x137, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(sized(cat(u16(0x0099), new byte[20])), u16(0))));
        out.add("authorizenv bad hash " + hex(exec(t, withAuths(0x192, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw, new byte[0]))));
        exec(t, withAuths(0x137, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(sized(cat(u16(SHA256), new byte[32])), u16(0))));
        out.add("authorizenv ok " + hex(exec(t, withAuths(0x192, new int[] {OWNER, SCENARIO_INDEX, ps}, ownerPw, new byte[0]))));
        out.add("authorizenv digest " + HexFormat(execute(t, command(0x189, u32(ps)))));
        // NV_Certify without a key, both forms
        out.add("certify range " + hex(exec(t, withAuths(0x184, new int[] {RH_NULL, OWNER, SCENARIO_INDEX}, new Object[] {new byte[0], new byte[0]},
                cat(sized(new byte[0]), u16(0x0010), u16(4), u16(2))))));
        out.add("certify range too far " + hex(exec(t, withAuths(0x184, new int[] {RH_NULL, OWNER, SCENARIO_INDEX}, new Object[] {new byte[0], new byte[0]},
                cat(sized(new byte[0]), u16(0x0010), u16(4), u16(32))))));
        out.add("certify digest " + hex(exec(t, withAuths(0x184, new int[] {RH_NULL, OWNER, SCENARIO_INDEX}, new Object[] {new byte[0], new byte[0]},
                cat(sized(new byte[0]), u16(0x0010), u16(0), u16(0))))));
        // NV_ChangeAuth: a password is refused (ADMIN role), a policy session without the command code too
        out.add("changeauth password " + hex(exec(t, withAuths(0x13B, new int[] {SCENARIO_INDEX}, new Object[] {PW}, sized("n".getBytes())))));
        exec(t, withAuths(0x122, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, new byte[0]));
        // PIN pass: reads count until the limit
        exec(t, withAuths(0x12A, owner, ownerPw, cat(sized(PW), nvPublic(SCENARIO_INDEX, OWNERREAD | OWNERWRITE | NO_DA | 9 << 4, new byte[0], 8))));
        exec(t, withAuths(0x137, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(sized(cat(u32(0), u32(2))), u16(0))));
        for (int i = 0; i < 4; i++) {
            byte[] r = exec(t, withAuths(0x14E, new int[] {SCENARIO_INDEX, SCENARIO_INDEX}, new Object[] {i == 1 ? WRONG : PW}, cat(u16(8), u16(0))));
            out.add("pin pass read " + i + " " + hex(r) + " " + HexFormat(r));
        }
        exec(t, withAuths(0x122, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, new byte[0]));
        exec(t, withAuths(0x12A, owner, ownerPw, cat(sized(PW), nvPublic(SCENARIO_INDEX, OWNERREAD | OWNERWRITE | NO_DA | 8 << 4, new byte[0], 8))));
        exec(t, withAuths(0x137, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(sized(cat(u32(0), u32(2))), u16(0))));
        for (int i = 0; i < 5; i++) {
            byte[] r = exec(t, withAuths(0x14E, new int[] {SCENARIO_INDEX, SCENARIO_INDEX}, new Object[] {i == 3 ? PW : WRONG}, cat(u16(8), u16(0))));
            out.add("pin fail read " + i + " " + hex(r) + " " + HexFormat(exec(t, withAuths(0x14E, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, cat(u16(8), u16(0))))));
        }
        exec(t, withAuths(0x122, new int[] {OWNER, SCENARIO_INDEX}, ownerPw, new byte[0]));
        // capacity: 2048-octet indices until TPM_RC_NV_SPACE, then counters
        int n = 0;
        while (rc(exec(t, withAuths(0x12A, owner, ownerPw, cat(sized(new byte[0]),
                nvPublic(0x01400000 + n, OWNERREAD | OWNERWRITE, new byte[0], 2048))))) == 0) n++;
        out.add("2048-octet indices " + n);
        int m = 0;
        while (rc(exec(t, withAuths(0x12A, owner, ownerPw, cat(sized(new byte[0]),
                nvPublic(0x01500000 + m, OWNERREAD | OWNERWRITE | 1 << 4, new byte[0], 8))))) == 0) m++;
        out.add("then counters " + m);
        out.add("getcap nv handles " + HexFormat(execute(t, command(0x17A, cat(u32(1), u32(0x01500000), u32(3))))));
    }

    private static String HexFormat(byte[] r) { return java.util.HexFormat.of().formatHex(r); }

    @Test
    void nvAttributeAndAuthorizationGrid_sameResponseCodesAsSwtpm() throws Exception {
        RawCommands.Sides sides = RawCommands.onBoth(NvDifferentialTest::run);
        List<String> a = sides.jtpm(), b = sides.swtpm();
        assertThat(a).hasSameSizeAs(b);
        List<String> differences = sides.differences();
        assertThat(differences).as("of %d lines", a.size()).isEmpty();
        assertThat(a).anyMatch(l -> l.endsWith("define 0x000"));
    }
}
