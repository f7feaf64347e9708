package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a policy session's assertions do when the session authorizes a command, compared with swtpm 0.7.1
 * (libtpms): for each case a policy is built in a trial session on each TPM, a sealed data object with that
 * authPolicy is made, and then a policy session runs the case's steps (the same ones, or deliberately other
 * ones) and authorizes TPM2_Unseal. Every step's response code, parameter and session index included, must be
 * the same: right policies, mismatched digests (TPM_RC_POLICY_FAIL), PCRs changed in between
 * (TPM_RC_PCR_CHANGED), the wrong command (TPM_RC_POLICY_CC), the wrong locality (TPM_RC_LOCALITY),
 * cpHash and nameHash that do not match, PolicyPassword without or with the wrong password, policy sessions
 * for an entity without a policy (TPM_RC_AUTH_UNAVAILABLE), password sessions where a policy is required
 * (TPM_RC_AUTH_TYPE), trial sessions used for authorization, and a policy session that continues after use.
 */
class PolicyUseDifferentialTest {
    private static final int OWNER = 0x40000001, RH_NULL = 0x40000007, RS_PW = 0x40000009, SHA256 = 0x000B;
    private static final int POLICY = 1, TRIAL = 3, CC_UNSEAL = 0x15E, CC_OBJECT_CHANGE_AUTH = 0x150;
    private static final int FIXED_TPM = 1 << 1, FIXED_PARENT = 1 << 4, USER_WITH_AUTH = 1 << 6, ADMIN_WITH_POLICY = 1 << 7;
    private static final byte[] NONCE = new byte[16];

    /** What a step may refer to: the TPM, the policy session, the sealed object and its Name. */
    private record Ctx(SwtpmSocketTransport t, int session, int object, byte[] name) {}

    /** One step: raw command bytes from the context, and the locality to send them at. */
    private record Step(String what, java.util.function.Function<Ctx, byte[]> command, int locality) {
        Step(String what, java.util.function.Function<Ctx, byte[]> command) { this(what, command, 0); }
    }

    private record Case(String name, int attributes, byte[] auth, List<Step> trial, List<Step> use) {}

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }

    private static byte[] policy(int cc, int session, byte[] params) { return command(cc, cat(u32(session), params)); }

    private static final byte[] PCR_16_SELECTION = cat(u32(1), u16(SHA256), new byte[] {3, 0, 0, 1});
    private static final byte[] PCR_7_SELECTION = cat(u32(1), u16(SHA256), new byte[] {3, (byte) 0x80, 0, 0});

    private static Step pcr(byte[] selection) { return new Step("PolicyPCR", c -> policy(0x17F, c.session(), cat(u16(0), selection))); }

    private static Step commandCode(int cc) { return new Step("PolicyCommandCode", c -> policy(0x16C, c.session(), u32(cc))); }

    private static Step locality(int l) { return new Step("PolicyLocality", c -> policy(0x16F, c.session(), new byte[] {(byte) l})); }

    private static final Step PASSWORD = new Step("PolicyPassword", c -> policy(0x18C, c.session(), new byte[0]));

    private static final Step RESTART = new Step("PolicyRestart", c -> policy(0x180, c.session(), new byte[0]));

    private static Step cpHashOf(int cc) {
        return new Step("PolicyCpHash", c -> {
            try {
                return policy(0x16E, c.session(), sized(sha256(u32(cc), c.name())));
            } catch (Exception e) { throw new IllegalStateException(e); }
        });
    }

    private static Step nameHash(boolean right) {
        return new Step("PolicyNameHash", c -> {
            try {
                return policy(0x170, c.session(), sized(sha256(right ? c.name() : u32(OWNER))));
            } catch (Exception e) { throw new IllegalStateException(e); }
        });
    }

    private static final Step EXTEND_PCR_7 = new Step("PCR_Extend(7)",
            c -> authorized(0x182, 7, cat(u32(1), u16(SHA256), new byte[32])));

    /** TPM2_Unseal of the object with the policy session; {@code hmac} is the session's HMAC field. */
    private static Step unseal(byte[] hmac, int locality) {
        return new Step("Unseal", c -> withSession(CC_UNSEAL, u32(c.object()), c.session(), hmac, new byte[0]), locality);
    }

    private static Step unseal() { return unseal(new byte[0], 0); }

    private static final Step UNSEAL_WITH_PASSWORD_SESSION = new Step("Unseal(password)",
            c -> withSession(CC_UNSEAL, u32(c.object()), RS_PW, new byte[0], new byte[0]));

    private static final Step CHANGE_AUTH = new Step("ObjectChangeAuth",
            c -> withSession(CC_OBJECT_CHANGE_AUTH, cat(u32(c.object()), u32(OWNER)), c.session(), new byte[0], sized(new byte[0])));

    private static byte[] withSession(int cc, byte[] handles, int session, byte[] hmac, byte[] params) {
        byte[] area = cat(u32(session), sized(session == RS_PW ? new byte[0] : NONCE), new byte[] {1}, sized(hmac));
        byte[] body = cat(handles, u32(area.length), area, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(cc), body);
    }

    private static List<Case> cases() {
        int user = FIXED_TPM | FIXED_PARENT;
        byte[] pass = "sealpass".getBytes();
        List<Case> c = new ArrayList<>();
        c.add(new Case("PCR, right", user, new byte[0], List.of(pcr(PCR_16_SELECTION)), List.of(pcr(PCR_16_SELECTION), unseal(), unseal())));
        c.add(new Case("PCR, other PCR", user, new byte[0], List.of(pcr(PCR_16_SELECTION)), List.of(pcr(PCR_7_SELECTION), unseal())));
        c.add(new Case("PCR 7, extended between", user, new byte[0], List.of(pcr(PCR_7_SELECTION)),
                List.of(pcr(PCR_7_SELECTION), EXTEND_PCR_7, unseal(), RESTART, pcr(PCR_7_SELECTION), unseal())));
        c.add(new Case("command code, right", user, new byte[0], List.of(commandCode(CC_UNSEAL)), List.of(commandCode(CC_UNSEAL), unseal())));
        c.add(new Case("command code, other command", user, new byte[0], List.of(commandCode(CC_UNSEAL)),
                List.of(commandCode(CC_OBJECT_CHANGE_AUTH), unseal())));
        c.add(new Case("command code, policy for ObjectChangeAuth used by Unseal", user, new byte[0],
                List.of(commandCode(CC_OBJECT_CHANGE_AUTH)), List.of(commandCode(CC_OBJECT_CHANGE_AUTH), unseal())));
        c.add(new Case("locality 3, used at 0 and at 3", user, new byte[0], List.of(locality(8)),
                List.of(locality(8), unseal(new byte[0], 0), unseal(new byte[0], 3))));
        c.add(new Case("locality 0|1, used at 2", user, new byte[0], List.of(locality(3)),
                List.of(locality(3), unseal(new byte[0], 2), unseal(new byte[0], 1))));
        c.add(new Case("cpHash of Unseal", user, new byte[0], List.of(cpHashOf(CC_UNSEAL)), List.of(cpHashOf(CC_UNSEAL), unseal())));
        c.add(new Case("cpHash of another command", user, new byte[0], List.of(cpHashOf(CC_OBJECT_CHANGE_AUTH)),
                List.of(cpHashOf(CC_OBJECT_CHANGE_AUTH), unseal())));
        c.add(new Case("nameHash right and wrong", user, new byte[0], List.of(nameHash(true)), List.of(nameHash(false), unseal(),
                RESTART, nameHash(true), unseal())));
        c.add(new Case("password, none, wrong, right", user, pass, List.of(PASSWORD),
                List.of(PASSWORD, unseal(), unseal("wrong".getBytes(), 0), unseal(pass, 0))));
        c.add(new Case("no policy step at all", user, new byte[0], List.of(commandCode(CC_UNSEAL)), List.of(unseal())));
        c.add(new Case("password session, userWithAuth clear", user, new byte[0], List.of(PASSWORD),
                List.of(UNSEAL_WITH_PASSWORD_SESSION)));
        c.add(new Case("password session, userWithAuth set", user | USER_WITH_AUTH, new byte[0], List.of(PASSWORD),
                List.of(UNSEAL_WITH_PASSWORD_SESSION)));
        c.add(new Case("ADMIN role without a command code", user | ADMIN_WITH_POLICY, new byte[0], List.of(PASSWORD),
                List.of(PASSWORD, CHANGE_AUTH)));
        c.add(new Case("ADMIN role with its command code", user | ADMIN_WITH_POLICY, new byte[0],
                List.of(commandCode(CC_OBJECT_CHANGE_AUTH)), List.of(commandCode(CC_OBJECT_CHANGE_AUTH), CHANGE_AUTH)));
        return c;
    }

    private static int startSession(SwtpmSocketTransport t, int type) throws IOException {
        byte[] r = execute(t, command(0x176, cat(u32(RH_NULL), u32(RH_NULL), sized(NONCE), sized(new byte[0]),
                new byte[] {(byte) type}, u16(0x0010), u16(SHA256))));
        if (rc(r) != 0) throw new IllegalStateException("StartAuthSession: 0x" + Integer.toHexString(rc(r)));
        return u32At(r, 10);
    }

    private static byte[] digest(SwtpmSocketTransport t, int session) throws IOException {
        byte[] r = execute(t, policy(0x189, session, new byte[0]));
        return Arrays.copyOfRange(r, 12, 12 + (((r[10] & 0xFF) << 8) | (r[11] & 0xFF)));
    }

    /** A sealed data object made by CreatePrimary (owner), with the policy, attributes and authValue; handle and Name. */
    private static int[] sealed(SwtpmSocketTransport t, byte[] authPolicy, int attributes, byte[] auth, List<byte[]> nameOut)
            throws IOException {
        byte[] template = cat(u16(0x0008, SHA256), u32(attributes), sized(authPolicy), u16(0x0010), u16(0));
        byte[] sensitive = sized(cat(sized(auth), sized("sealed data".getBytes())));
        byte[] r = execute(t, authorized(0x131, OWNER, cat(sensitive, sized(template), u16(0), u32(0))));
        if (rc(r) != 0) throw new IllegalStateException("CreatePrimary: 0x" + Integer.toHexString(rc(r)));
        int handle = u32At(r, 10);
        byte[] rp = execute(t, command(0x173, u32(handle)));     // ReadPublic: outPublic, then name
        int at = 10;
        at += 2 + (((rp[at] & 0xFF) << 8) | (rp[at + 1] & 0xFF));
        int n = ((rp[at] & 0xFF) << 8) | (rp[at + 1] & 0xFF);
        nameOut.add(Arrays.copyOfRange(rp, at + 2, at + 2 + n));
        return new int[] {handle};
    }

    private static List<String> run(SwtpmSocketTransport t, Case c) throws IOException {
        List<String> out = new ArrayList<>();
        int trial = startSession(t, TRIAL);
        List<byte[]> name = new ArrayList<>();
        // the trial steps that need the object's Name need it first: make a throwaway object for the Name's shape
        int placeholder = sealed(t, new byte[0], c.attributes(), c.auth(), name)[0];
        Ctx tc = new Ctx(t, trial, placeholder, name.get(0));
        for (Step s : c.trial()) out.add("trial " + s.what() + String.format(" 0x%03x", rc(execute(t, s.command().apply(tc)))));
        byte[] policyDigest = digest(t, trial);
        flush(t, trial);
        flush(t, placeholder);
        name.clear();
        int object = sealed(t, policyDigest, c.attributes(), c.auth(), name)[0];
        int session = startSession(t, POLICY);
        Ctx uc = new Ctx(t, session, object, name.get(0));
        for (Step s : c.use()) {
            byte[] r = t.execute(s.command().apply(uc), s.locality());
            // libtpms answers the first DA-protected authorization after start-up with TPM_RC_RETRY (its daUsed
            // flag must reach NV first); jtpm records it at once. Send again, as a TSS does.
            if (rc(r) == 0x922) r = t.execute(s.command().apply(uc), s.locality());
            out.add(s.what() + String.format(" 0x%03x", rc(r)));
        }
        flush(t, session);
        flush(t, object);
        return out;
    }

    @Test
    void policySessions_authorizingUnsealAndObjectChangeAuth_sameResponseCodesAsSwtpm() throws Exception {
        Tools.require("swtpm");
        List<String> differences = new ArrayList<>();
        List<Case> cases = cases();
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            for (Case c : cases) {
                List<String> a = run(j, c), b = run(s, c);
                if (!a.equals(b)) differences.add(c.name() + ":\n  jtpm  " + a + "\n  swtpm " + b);
            }
        }
        assertThat(differences).as("of %d cases", cases.size()).isEmpty();
    }
}
