package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The policy assertions of Part 3, chapter 23 (PolicyPCR, PolicyLocality, PolicyCommandCode, PolicyCpHash,
 * PolicyNameHash, PolicyAuthValue, PolicyPassword, PolicyPhysicalPresence, PolicyOR, PolicyNvWritten,
 * PolicyTemplate, PolicyDuplicationSelect, PolicyCounterTimer) and PolicyRestart/PolicyGetDigest, sent as the
 * same raw commands to jtpm and to swtpm 0.7.1 (libtpms) in trial and in real policy sessions over a grid of
 * inputs: after every step the response codes (parameter index included) and the policyDigests must agree.
 *
 * <p>One difference is allowed (and listed in target/policy-differences.txt): PolicyCommandCode of a command
 * that libtpms implements and jtpm does not (yet), where both TPMs answer as ms-tpm does, TPM_RC_POLICY_CC for a
 * code outside their own command table. A policy session handle that is not loaded answers TPM_RC_REFERENCE_H0
 * on both.
 */
class PolicyAssertionsDifferentialTest {
    private static final int RH_NULL = 0x40000007, POLICY = 1, TRIAL = 3;
    private static final int SHA1 = 0x0004, SHA256 = 0x000B, SHA384 = 0x000C, SHA512 = 0x000D, SM3 = 0x0012;
    private static final int CC_POLICY_PCR = 0x17F, CC_POLICY_LOCALITY = 0x16F, CC_POLICY_COMMAND_CODE = 0x16C,
            CC_POLICY_CP_HASH = 0x16E, CC_POLICY_NAME_HASH = 0x170, CC_POLICY_AUTH_VALUE = 0x16B, CC_POLICY_PASSWORD = 0x18C,
            CC_POLICY_PP = 0x187, CC_POLICY_OR = 0x171, CC_POLICY_NV_WRITTEN = 0x18F, CC_POLICY_TEMPLATE = 0x190,
            CC_POLICY_DUP_SELECT = 0x188, CC_POLICY_COUNTER_TIMER = 0x16D, CC_POLICY_RESTART = 0x180,
            CC_POLICY_GET_DIGEST = 0x189, CC_PCR_EXTEND = 0x182, CC_START_AUTH_SESSION = 0x176, CC_GET_CAPABILITY = 0x17A;
    private static final int RC_POLICY_CC = 0x1E4;
    private static final HexFormat HEX = HexFormat.of();

    /** One scenario: a session of a type and hash, then steps (each a command given the session handle). */
    private record Case(String name, int type, int hash, List<IntFunction<byte[]>> steps) {}

    private final List<Case> cases = new ArrayList<>();

    private void add(String name, int type, int hash, List<IntFunction<byte[]>> steps) { cases.add(new Case(name, type, hash, steps)); }

    private void both(String name, int hash, List<IntFunction<byte[]>> steps) {
        add(name + " (trial)", TRIAL, hash, steps);
        add(name + " (policy)", POLICY, hash, steps);
    }

    // ---------------------------------------------------------------- commands

    private static IntFunction<byte[]> policy(int cc, byte[] params) { return h -> command(cc, cat(u32(h), params)); }

    private static IntFunction<byte[]> pcr(byte[] pcrDigest, byte[] selection) { return policy(CC_POLICY_PCR, cat(sized(pcrDigest), selection)); }

    private static IntFunction<byte[]> locality(int l) { return policy(CC_POLICY_LOCALITY, new byte[] {(byte) l}); }

    private static IntFunction<byte[]> commandCode(int code) { return policy(CC_POLICY_COMMAND_CODE, u32(code)); }

    private static IntFunction<byte[]> cpHash(byte[] d) { return policy(CC_POLICY_CP_HASH, sized(d)); }

    private static IntFunction<byte[]> nameHash(byte[] d) { return policy(CC_POLICY_NAME_HASH, sized(d)); }

    private static IntFunction<byte[]> template(byte[] d) { return policy(CC_POLICY_TEMPLATE, sized(d)); }

    private static IntFunction<byte[]> nvWritten(int yesNo) { return policy(CC_POLICY_NV_WRITTEN, new byte[] {(byte) yesNo}); }

    private static IntFunction<byte[]> dupSelect(byte[] object, byte[] parent, int include) {
        return policy(CC_POLICY_DUP_SELECT, cat(sized(object), sized(parent), new byte[] {(byte) include}));
    }

    private static IntFunction<byte[]> counterTimer(byte[] operandB, int offset, int operation) {
        return policy(CC_POLICY_COUNTER_TIMER, cat(sized(operandB), u16(offset), u16(operation)));
    }

    private static IntFunction<byte[]> or(byte[]... digests) {
        byte[] list = u32(digests.length);
        for (byte[] d : digests) list = cat(list, sized(d));
        return policy(CC_POLICY_OR, list);
    }

    private static final IntFunction<byte[]> AUTH_VALUE = policy(CC_POLICY_AUTH_VALUE, new byte[0]),
            PASSWORD = policy(CC_POLICY_PASSWORD, new byte[0]), PP = policy(CC_POLICY_PP, new byte[0]),
            RESTART = policy(CC_POLICY_RESTART, new byte[0]);

    /** PCR_Extend of {@code pcr}'s SHA-256 bank (not a policy command: the session handle is not used). */
    private static IntFunction<byte[]> pcrExtend(int pcr, int fill) {
        return h -> authorized(CC_PCR_EXTEND, pcr, cat(u32(1), u16(SHA256), filled(32, fill)));
    }

    /** TPML_PCR_SELECTION: {hash, bitmap octet 0, 1, 2} each, sizeofSelect 3. */
    private static byte[] selection(int[]... selections) {
        byte[] out = u32(selections.length);
        for (int[] s : selections) out = cat(out, u16(s[0]), new byte[] {3, (byte) s[1], (byte) s[2], (byte) s[3]});
        return out;
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static byte[] hash(int alg, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(switch (alg) {
                case SHA1 -> "SHA-1";
                case SHA256 -> "SHA-256";
                case SHA384 -> "SHA-384";
                default -> "SHA-512";
            });
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static int digestSize(int alg) {
        return switch (alg) { case SHA1 -> 20; case SHA256 -> 32; case SHA384 -> 48; default -> 64; };
    }

    // ---------------------------------------------------------------- the grid

    private void grid() {
        int[] hashes = {SHA1, SHA256, SHA384};
        // PolicyPCR, first while the PCR update counter is still what Startup left (PCR 15 is extended below)
        add("PolicyPCR, PCR_Extend, PolicyPCR again at the first counter", POLICY, SHA256,
                List.of(pcr(new byte[0], selection(new int[] {SHA256, 1, 0, 0})), pcrExtend(15, 1),
                        pcr(new byte[0], selection(new int[] {SHA256, 1, 0, 0}))));
        add("PCR_Extend, PolicyPCR, PCR_Extend, PolicyPCR: PCR changed", POLICY, SHA256,
                List.of(pcrExtend(15, 2), pcr(new byte[0], selection(new int[] {SHA256, 1, 0, 0})), pcrExtend(15, 3),
                        pcr(new byte[0], selection(new int[] {SHA256, 2, 0, 0}))));
        add("PolicyPCR, PCR_Extend, PolicyPCR, PolicyRestart, PolicyPCR", POLICY, SHA256,
                List.of(pcr(new byte[0], selection(new int[] {SHA1, 1, 0, 0})), pcrExtend(15, 4),
                        pcr(new byte[0], selection(new int[] {SHA1, 1, 0, 0})), RESTART, pcr(new byte[0], selection(new int[] {SHA1, 1, 0, 0}))));
        int[][][] selections = {
                {{SHA1, 1, 0, 0}}, {{SHA256, 1, 0, 0}}, {{SHA256, 0x07, 0x80, 0x81}}, {{SHA384, 1, 0, 0}}, {{SHA512, 0x80, 0, 0}},
                {{SHA1, 1, 0, 0}, {SHA256, 2, 0, 0}}, {{SHA256, 0xFF, 0xFF, 0xFF}}, {{SHA256, 0, 0, 0}}, {},
                {{SHA256, 0, 0x80, 0}, {SHA256, 0, 0x80, 0}}, {{SHA1, 0xFF, 0xFF, 0}, {SHA256, 0xFF, 0xFF, 0}, {SHA384, 0xFF, 0xFF, 0}, {SHA512, 0xFF, 0xFF, 0}},
                {{SM3, 1, 0, 0}}, {{0x0010, 1, 0, 0}}};
        for (int h : hashes) {
            for (int[][] sel : selections) {
                String name = "PolicyPCR " + Arrays.deepToString(sel) + " hash " + h;
                both(name + ", empty pcrDigest", h, List.of(pcr(new byte[0], selection(sel))));
                both(name + ", arbitrary pcrDigest", h, List.of(pcr(filled(digestSize(h), 0x5A), selection(sel))));
            }
            // the digest of PCRs 0-7 of SHA-256 as they are after Startup (zeros): right in a policy session
            byte[] zeros8 = hash(h, new byte[8 * 32]);
            both("PolicyPCR SHA-256 0-7, right pcrDigest, hash " + h, h, List.of(pcr(zeros8, selection(new int[] {SHA256, 0xFF, 0, 0}))));
            both("PolicyPCR SHA-256 0-7, right pcrDigest truncated, hash " + h, h,
                    List.of(pcr(Arrays.copyOf(zeros8, 16), selection(new int[] {SHA256, 0xFF, 0, 0}))));
        }
        both("PolicyPCR, 64-octet pcrDigest", SHA256, List.of(pcr(filled(64, 1), selection(new int[] {SHA256, 1, 0, 0}))));
        both("PolicyPCR, 65-octet pcrDigest", SHA256, List.of(pcr(filled(65, 1), selection(new int[] {SHA256, 1, 0, 0}))));
        both("PolicyPCR, five selections", SHA256, List.of(pcr(new byte[0], selection(new int[] {SHA1, 1, 0, 0}, new int[] {SHA1, 1, 0, 0},
                new int[] {SHA1, 1, 0, 0}, new int[] {SHA1, 1, 0, 0}, new int[] {SHA1, 1, 0, 0}))));
        both("PolicyPCR, sizeofSelect 2", SHA256, List.of(pcr(new byte[0], cat(u32(1), u16(SHA256), new byte[] {2, 1, 0}))));
        both("PolicyPCR, sizeofSelect 4", SHA256, List.of(pcr(new byte[0], cat(u32(1), u16(SHA256), new byte[] {4, 1, 0, 0, 0}))));
        both("PolicyPCR, twice", SHA256, List.of(pcr(new byte[0], selection(new int[] {SHA256, 1, 0, 0})),
                pcr(new byte[0], selection(new int[] {SHA1, 2, 0, 0}))));

        // PolicyLocality
        for (int l : new int[] {0, 1, 2, 4, 8, 16, 0x03, 0x1F, 0x20, 32, 33, 63, 0x80, 0xFF}) {
            both("PolicyLocality " + l, SHA256, List.of(locality(l)));
        }
        int[][] localityPairs = {{3, 4}, {3, 6}, {3, 3}, {1, 32}, {32, 1}, {32, 33}, {32, 32}, {0x1F, 0x10}, {0x10, 0x1F}, {200, 200}, {2, 0}};
        for (int[] p : localityPairs) both("PolicyLocality " + p[0] + " then " + p[1], SHA1, List.of(locality(p[0]), locality(p[1])));
        both("PolicyLocality without its octet", SHA256, List.of(policy(CC_POLICY_LOCALITY, new byte[0])));

        // PolicyCommandCode
        int[] codes = {0x15E /* Unseal */, 0x15D /* Sign */, 0x153 /* Create */, 0x182 /* PCR_Extend */, 0x171 /* PolicyOR */,
                0x14E /* NV_Read */, 0x14B /* Duplicate */, 0x12A /* NV_DefineSpace */, 0x158 /* Quote */, 0, 0x11E, 0x1FF,
                0x20000000, 0x20000001, 0xFFFFFFFF};
        for (int c : codes) {
            both(String.format("PolicyCommandCode 0x%x", c), SHA256, List.of(commandCode(c)));
            both(String.format("PolicyCommandCode 0x%x twice", c), SHA384, List.of(commandCode(c), commandCode(c)));
        }
        both("PolicyCommandCode Unseal then Sign", SHA256, List.of(commandCode(0x15E), commandCode(0x15D)));
        both("PolicyCommandCode Unseal then 0x1FF", SHA256, List.of(commandCode(0x15E), commandCode(0x1FF)));

        // PolicyCpHash, PolicyNameHash, PolicyTemplate
        for (int h : hashes) {
            for (int n : new int[] {0, 1, 20, 32, 48, 64, 65}) {
                both("PolicyCpHash " + n + " octets, hash " + h, h, List.of(cpHash(filled(n, 0xC1))));
                both("PolicyNameHash " + n + " octets, hash " + h, h, List.of(nameHash(filled(n, 0xA1))));
                both("PolicyTemplate " + n + " octets, hash " + h, h, List.of(template(filled(n, 0x7E))));
            }
        }
        byte[] a = filled(32, 0xAA), b = filled(32, 0xBB);
        both("PolicyCpHash twice the same", SHA256, List.of(cpHash(a), cpHash(a)));
        both("PolicyCpHash twice differently", SHA256, List.of(cpHash(a), cpHash(b)));
        both("PolicyCpHash then a wrong size", SHA256, List.of(cpHash(a), cpHash(filled(20, 0xAA))));
        both("PolicyNameHash then PolicyCpHash", SHA256, List.of(nameHash(a), cpHash(a)));
        both("PolicyTemplate then PolicyCpHash", SHA256, List.of(template(a), cpHash(a)));
        both("PolicyNameHash twice the same", SHA256, List.of(nameHash(a), nameHash(a)));
        both("PolicyCpHash then PolicyNameHash", SHA256, List.of(cpHash(a), nameHash(a)));
        both("PolicyTemplate then PolicyNameHash", SHA256, List.of(template(a), nameHash(a)));
        both("PolicyTemplate twice the same", SHA256, List.of(template(a), template(a)));
        both("PolicyTemplate twice differently", SHA256, List.of(template(a), template(b)));
        both("PolicyTemplate then one of a wrong size", SHA256, List.of(template(a), template(filled(20, 1))));
        both("PolicyCpHash then PolicyTemplate", SHA256, List.of(cpHash(a), template(a)));
        both("PolicyNameHash then PolicyTemplate of a wrong size", SHA256, List.of(nameHash(a), template(filled(3, 1))));

        // PolicyAuthValue, PolicyPassword, PolicyPhysicalPresence, PolicyRestart
        for (int h : new int[] {SHA1, SHA256, SHA384, SHA512}) {
            both("PolicyAuthValue, hash " + h, h, List.of(AUTH_VALUE));
            both("PolicyPassword, hash " + h, h, List.of(PASSWORD));
            both("PolicyPhysicalPresence, hash " + h, h, List.of(PP));
            both("PolicyAuthValue, PolicyPassword, PolicyPhysicalPresence, hash " + h, h, List.of(AUTH_VALUE, PASSWORD, PP));
        }
        both("PolicyRestart of a new session", SHA256, List.of(RESTART));
        both("assertions, PolicyRestart, others", SHA256, List.of(commandCode(0x15E), cpHash(a), locality(3), nvWritten(1), RESTART,
                commandCode(0x15D), cpHash(b), locality(32), nvWritten(0)));

        // PolicyOR
        for (int h : new int[] {SHA1, SHA256}) {
            byte[] zeros = new byte[digestSize(h)];
            both("PolicyOR 0 digests, hash " + h, h, List.of(or()));
            both("PolicyOR 1 digest, hash " + h, h, List.of(or(zeros)));
            both("PolicyOR 2 digests with the current one, hash " + h, h, List.of(or(a, zeros)));
            both("PolicyOR 2 digests without it, hash " + h, h, List.of(or(a, b)));
            both("PolicyOR 8 digests, hash " + h, h, List.of(or(a, b, a, b, a, b, a, zeros)));
            both("PolicyOR 9 digests, hash " + h, h, List.of(or(a, b, a, b, a, b, a, b, zeros)));
            both("PolicyOR digests of 0, 20, 64 octets, hash " + h, h, List.of(or(new byte[0], new byte[20], filled(64, 1), zeros)));
            both("PolicyOR a 65-octet digest, hash " + h, h, List.of(or(zeros, filled(65, 1))));
            both("PolicyOR twice, hash " + h, h, List.of(or(zeros, a), or(a, b)));
        }
        byte[] authValueDigest = hash(SHA256, new byte[32], u32(CC_POLICY_AUTH_VALUE));
        both("PolicyAuthValue then PolicyOR with its digest", SHA256, List.of(AUTH_VALUE, or(a, authValueDigest)));
        both("PolicyAuthValue then PolicyOR without its digest", SHA256, List.of(AUTH_VALUE, or(a, new byte[32])));
        both("PolicyOR of two branches, then PolicyOR over that", SHA256,
                List.of(AUTH_VALUE, or(authValueDigest, b), or(hash(SHA256, new byte[32], u32(CC_POLICY_OR), authValueDigest, b), a)));

        // PolicyNvWritten
        for (int[] p : new int[][] {{1}, {0}, {2}, {1, 1}, {0, 0}, {1, 0}, {0, 1}, {0, 2}}) {
            List<IntFunction<byte[]>> steps = new ArrayList<>();
            for (int v : p) steps.add(nvWritten(v));
            both("PolicyNvWritten " + Arrays.toString(p), SHA256, steps);
        }

        // PolicyDuplicationSelect
        byte[] objectName = cat(u16(SHA256), filled(32, 0x11)), parentName = cat(u16(SHA1), filled(20, 0x22));
        for (byte[] o : new byte[][] {objectName, new byte[0], filled(68, 3), filled(69, 3)}) {
            for (byte[] p : new byte[][] {parentName, new byte[0], cat(u32(0x40000001))}) {
                for (int include : new int[] {0, 1, 2}) {
                    both("PolicyDuplicationSelect object " + o.length + ", parent " + p.length + ", include " + include, SHA256,
                            List.of(dupSelect(o, p, include)));
                }
            }
        }
        both("PolicyDuplicationSelect twice", SHA256, List.of(dupSelect(objectName, parentName, 1), dupSelect(objectName, parentName, 1)));
        both("PolicyCommandCode then PolicyDuplicationSelect", SHA256, List.of(commandCode(0x15E), dupSelect(objectName, parentName, 0)));
        both("PolicyCpHash then PolicyDuplicationSelect", SHA256, List.of(cpHash(a), dupSelect(objectName, parentName, 0)));
        both("PolicyDuplicationSelect then PolicyCommandCode Unseal", SHA256, List.of(dupSelect(objectName, parentName, 0), commandCode(0x15E)));
        both("PolicyDuplicationSelect then PolicyNameHash", SHA256, List.of(dupSelect(objectName, parentName, 0), nameHash(a)));

        // PolicyCounterTimer: bounds and digests (trial), deterministic comparisons (policy)
        for (int offset : new int[] {0, 8, 16, 20, 24, 25, 26, 0xFFFF}) {
            for (int size : new int[] {0, 1, 4, 8, 25, 26}) {
                add("PolicyCounterTimer offset " + offset + ", " + size + " octets (trial)", TRIAL, SHA256,
                        List.of(counterTimer(filled(size, 0xFF), offset, 0)));
            }
        }
        for (int op = 0; op <= 13; op++) {
            add("PolicyCounterTimer operation " + op + " (trial)", TRIAL, SHA1, List.of(counterTimer(new byte[8], 0, op)));
        }
        Object[][] comparisons = {
                {"time > 0", new byte[8], 0, 3}, {"time < 0", new byte[8], 0, 5}, {"time >= 0", new byte[8], 0, 7},
                {"time == 0", new byte[8], 0, 0}, {"time != 0", new byte[8], 0, 1},
                {"clock < 2^62", cat(u32(0x40000000), u32(0)), 8, 5}, {"clock > 2^62", cat(u32(0x40000000), u32(0)), 8, 3},
                {"clock signed > -1", filled(8, 0xFF), 8, 2}, {"clock signed < -1", filled(8, 0xFF), 8, 4},
                {"clock signed <= -1", filled(8, 0xFF), 8, 8}, {"clock signed >= -1", filled(8, 0xFF), 8, 6},
                {"restartCount == 0", u32(0), 20, 0}, {"restartCount <= 0", u32(0), 20, 9},
                {"safe == 1", new byte[] {1}, 24, 0}, {"safe == 0", new byte[] {0}, 24, 0},
                {"safe bits 01 set", new byte[] {1}, 24, 10}, {"safe bits fe clear", new byte[] {(byte) 0xFE}, 24, 11},
                {"safe bits ff set", new byte[] {(byte) 0xFF}, 24, 10}, {"nothing compared", new byte[0], 12, 0},
                {"nothing, not equal", new byte[0], 12, 1}, {"time high octet bits 00 set", new byte[] {0}, 0, 10},
                {"time high octet bits ff clear", new byte[] {(byte) 0xFF}, 0, 11}};
        for (Object[] c : comparisons) {
            both("PolicyCounterTimer " + c[0], SHA256, List.of(counterTimer((byte[]) c[1], (Integer) c[2], (Integer) c[3])));
        }
    }

    // ---------------------------------------------------------------- running

    private static byte[] nonce() { return filled(16, 0x42); }

    /** StartAuthSession: the handle, or -1 with the code. */
    private static int startSession(SwtpmSocketTransport t, int type, int hash) throws IOException {
        byte[] r = execute(t, command(CC_START_AUTH_SESSION, cat(u32(RH_NULL), u32(RH_NULL), sized(nonce()), u16(0),
                new byte[] {(byte) type}, u16(0x0010), u16(hash))));
        assertThat(rc(r)).as("StartAuthSession").isZero();
        return u32At(r, 10);
    }

    /** The response code and, when it succeeded, the digest (hex) of PolicyGetDigest. */
    private static String digestOf(SwtpmSocketTransport t, int session) throws IOException {
        byte[] r = execute(t, command(CC_POLICY_GET_DIGEST, u32(session)));
        if (rc(r) != 0) return String.format("rc 0x%03x", rc(r));
        int size = ((r[10] & 0xFF) << 8) | (r[11] & 0xFF);
        return HEX.formatHex(r, 12, 12 + size);
    }

    /** The command codes a TPM lists under TPM_CAP_COMMANDS, with their TPMA_CC. */
    private static Map<Integer, Integer> commands(SwtpmSocketTransport t) throws IOException {
        Map<Integer, Integer> out = new TreeMap<>();
        int next = 0x11F;
        while (true) {
            byte[] r = execute(t, command(CC_GET_CAPABILITY, cat(u32(2), u32(next), u32(256))));
            assertThat(rc(r)).isZero();
            boolean more = r[10] != 0;
            int count = u32At(r, 15);
            int last = next;
            for (int i = 0; i < count; i++) {
                int attributes = u32At(r, 19 + 4 * i);
                last = (attributes & 0xFFFF) | ((attributes & (1 << 29)) != 0 ? 0x20000000 : 0);
                out.put(last, attributes);
            }
            if (!more || count == 0) return out;
            next = last + 1;
        }
    }

    private static String hex(Integer v) { return v == null ? "absent" : String.format("0x%08x", v); }

    @Test
    void policyAssertions_trialAndPolicySessions_sameCodesAndDigestsAsSwtpm() throws Exception {
        Tools.require("swtpm");
        grid();
        List<String> differences = new ArrayList<>(), allowed = new ArrayList<>();
        int steps = 0, succeeded = 0, refused = 0;
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport sw = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            Map<Integer, Integer> mine = commands(j), theirs = commands(sw);
            Set<Integer> onlySwtpm = new HashSet<>(theirs.keySet());
            onlySwtpm.removeAll(mine.keySet());
            for (int cc : new int[] {CC_POLICY_PCR, CC_POLICY_LOCALITY, CC_POLICY_COMMAND_CODE, CC_POLICY_CP_HASH, CC_POLICY_NAME_HASH,
                    CC_POLICY_AUTH_VALUE, CC_POLICY_PASSWORD, CC_POLICY_PP, CC_POLICY_OR, CC_POLICY_NV_WRITTEN, CC_POLICY_TEMPLATE,
                    CC_POLICY_DUP_SELECT, CC_POLICY_COUNTER_TIMER, CC_POLICY_RESTART, CC_POLICY_GET_DIGEST}) {
                if (!Objects.equals(mine.get(cc), theirs.get(cc))) {
                    differences.add(String.format("TPMA_CC of 0x%x: jtpm %s, swtpm %s", cc, hex(mine.get(cc)), hex(theirs.get(cc))));
                }
            }
            for (Case c : cases) {
                int hj = startSession(j, c.type(), c.hash()), hs = startSession(sw, c.type(), c.hash());
                for (int i = 0; i < c.steps().size(); i++) {
                    byte[] cj = c.steps().get(i).apply(hj), cs = c.steps().get(i).apply(hs);
                    int a = rc(execute(j, cj)), b = rc(execute(sw, cs));
                    steps++;
                    if (b == 0) succeeded++; else refused++;
                    String dj = digestOf(j, hj), ds = digestOf(sw, hs);
                    if (a == b && dj.equals(ds)) continue;
                    String line = String.format("%s, step %d: jtpm 0x%03x %s, swtpm 0x%03x %s", c.name(), i + 1, a, dj, b, ds);
                    boolean commandCodeOfAnUnimplementedCommand = u32At(cj, 6) == CC_POLICY_COMMAND_CODE
                            && onlySwtpm.contains(u32At(cj, 14)) && a == RC_POLICY_CC && b == 0;
                    (commandCodeOfAnUnimplementedCommand ? allowed : differences).add(line);
                    if (commandCodeOfAnUnimplementedCommand) break;   // the sessions part ways from here
                }
                assertThat(flush(j, hj)).isZero();
                assertThat(flush(sw, hs)).isZero();
            }
            // a session handle that is not a loaded policy session
            int hmacJ = startSession(j, 0, SHA256), hmacS = startSession(sw, 0, SHA256);
            for (int[] h : new int[][] {{hmacJ, hmacS}, {0x03000010, 0x03000010}, {0x02000010, 0x02000010}, {0x80000000, 0x80000000}}) {
                for (IntFunction<byte[]> cmd : List.of(AUTH_VALUE, RESTART, policy(CC_POLICY_GET_DIGEST, new byte[0]))) {
                    int a = rc(execute(j, cmd.apply(h[0]))), b = rc(execute(sw, cmd.apply(h[1])));
                    steps++;
                    if (a == b) continue;
                    String line = String.format("handle 0x%08x, command 0x%x: jtpm 0x%03x, swtpm 0x%03x", h[1],
                            u32At(cmd.apply(h[1]), 6), a, b);
                    differences.add(line);
                }
            }
        }
        List<String> report = new ArrayList<>(differences);
        report.add("-- allowed (PolicyCommandCode of a command only libtpms implements):");
        report.addAll(allowed);
        java.nio.file.Files.write(java.nio.file.Path.of("target", "policy-differences.txt"), report);
        assertThat(cases.size()).isGreaterThan(300);
        assertThat(succeeded).as("steps swtpm accepted").isGreaterThan(300);
        assertThat(refused).as("steps swtpm refused").isGreaterThan(100);
        assertThat(differences).as("%d of %d steps differ (all in target/policy-differences.txt); first ones",
                differences.size(), steps).isEmpty();
    }
}
