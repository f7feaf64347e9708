package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TPM2_PolicySigned, PolicyTicket and PolicyAuthorize (and PolicySecret) against swtpm 0.7.1 (libtpms):
 * the policy digests tpm2-tools 5.4 writes for the same steps (trial and real sessions, a ticket replayed,
 * an authorized policy), checked against the Part 3 formulas computed here; and a differential of raw
 * commands, each sent to both TPMs, that compares every response code (index included) for genuine and
 * wrong uses: bad signatures, expired authorizations, wrong nonces, tampered tickets, a mismatched
 * approvedPolicy. Signatures are made by the JDK with the same RSA key on both sides.
 */
class PolicyAuthorizeInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int OWNER = 0x40000001, RH_NULL = 0x40000007, ALG_NULL = 0x0010, SHA256 = 0x000B;
    private static final int CC_POLICY_SIGNED = 0x160, CC_POLICY_SECRET = 0x151, CC_POLICY_TICKET = 0x172,
            CC_POLICY_AUTHORIZE = 0x16A, CC_START_AUTH_SESSION = 0x176, CC_VERIFY_SIGNATURE = 0x177,
            CC_LOAD_EXTERNAL = 0x167, CC_READ_CLOCK = 0x181;
    private static final int SE_HMAC = 0, SE_POLICY = 1, SE_TRIAL = 3;
    private static final int ST_AUTH_SECRET = 0x8023, ST_AUTH_SIGNED = 0x8025, ST_HASHCHECK = 0x8024, ST_VERIFIED = 0x8022;
    private static final byte[] REF = "ref1".getBytes(), REF2 = "ref2".getBytes();
    private static KeyPair rsa;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }

    /** RSASSA-SHA256 by the JDK over {@code message} (the TPM checks it against H(message)). */
    private static byte[] sign(byte[]... message) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.getPrivate());
        for (byte[] m : message) s.update(m);
        return s.sign();
    }

    /** Part 3's PolicyUpdate: H(H(old || cc || name) || ref). */
    private static byte[] policyUpdate(byte[] old, int cc, byte[] name, byte[] ref) throws Exception {
        return sha256(sha256(old, u32(cc), name), ref);
    }

    // ---------------------------------------------------------------- tpm2-tools: policy digest files

    /** The steps of {@link #toolDigests_sameAsSwtpm_andAsThePart3Formulas} on one TPM; the files they wrote. */
    private static Map<String, byte[]> toolFlow(String tcti, Path keys, Path dir) throws Exception {
        String pub = keys.resolve("pub.pem").toString(), ref = keys.resolve("ref.bin").toString(),
                ref2 = keys.resolve("ref2.bin").toString(), sig0 = keys.resolve("sig0.bin").toString(),
                sig1 = keys.resolve("sig1.bin").toString();
        String key = dir.resolve("key.ctx").toString(), name = dir.resolve("key.name").toString();
        Tools.tpm2(tcti, "tpm2_loadexternal", "-C", "o", "-G", "rsa", "-u", pub, "-c", key, "-n", name).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        // a trial session, then a real one: PolicySigned without nonce or expiration
        for (String kind : new String[] {"trial", "real"}) {
            String s = dir.resolve(kind + ".ctx").toString();
            if (kind.equals("trial")) Tools.tpm2(tcti, "tpm2_startauthsession", "-S", s).ok();
            else Tools.tpm2(tcti, "tpm2_startauthsession", "--policy-session", "-S", s).ok();
            Tools.tpm2(tcti, "tpm2_policysigned", "-S", s, "-c", key, "-g", "sha256", "-s", sig0, "-f", "rsassa", "-q", ref,
                    "-L", dir.resolve(kind + "-signed.dig").toString()).ok();
            Tools.tpm2(tcti, "tpm2_flushcontext", s).ok();
            Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        }
        // a ticket (expiration -600, no nonce), replayed by PolicyTicket on a fresh session
        String p2 = dir.resolve("p2.ctx").toString(), p3 = dir.resolve("p3.ctx").toString();
        String ticket = dir.resolve("auth.tkt").toString(), timeout = dir.resolve("timeout.bin").toString();
        Tools.tpm2(tcti, "tpm2_startauthsession", "--policy-session", "-S", p2).ok();
        Tools.tpm2(tcti, "tpm2_policysigned", "-S", p2, "-c", key, "-g", "sha256", "-s", sig1, "-f", "rsassa", "-q", ref,
                "-t", "-600", "--ticket", ticket, "--timeout", timeout).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", p2).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(tcti, "tpm2_startauthsession", "--policy-session", "-S", p3).ok();
        Tools.tpm2(tcti, "tpm2_policyticket", "-S", p3, "-n", name, "-q", ref, "--ticket", ticket, "--timeout", timeout,
                "-L", dir.resolve("ticket.dig").toString()).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", p3).ok();
        // PolicyAuthorize of the signed policy: trial (no ticket), then real with VerifySignature's ticket
        String approved = dir.resolve("trial-signed.dig").toString();
        Path message = dir.resolve("approve.bin");
        Files.write(message, cat(Files.readAllBytes(Path.of(approved)), REF2));
        String asig = dir.resolve("approve.sig").toString();
        Files.write(Path.of(asig), sign(Files.readAllBytes(message)));
        String verified = dir.resolve("verified.tkt").toString();
        Tools.tpm2(tcti, "tpm2_verifysignature", "-c", key, "-g", "sha256", "-m", message.toString(), "-s", asig, "-f", "rsassa",
                "-t", verified).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        String t2 = dir.resolve("t2.ctx").toString(), p4 = dir.resolve("p4.ctx").toString();
        Tools.tpm2(tcti, "tpm2_startauthsession", "-S", t2).ok();
        Tools.tpm2(tcti, "tpm2_policyauthorize", "-S", t2, "-i", approved, "-q", ref2, "-n", name,
                "-L", dir.resolve("trial-authorized.dig").toString()).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", t2).ok();
        Tools.tpm2(tcti, "tpm2_startauthsession", "--policy-session", "-S", p4).ok();
        Tools.tpm2(tcti, "tpm2_policysigned", "-S", p4, "-c", key, "-g", "sha256", "-s", sig0, "-f", "rsassa", "-q", ref).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(tcti, "tpm2_policyauthorize", "-S", p4, "-i", approved, "-q", ref2, "-n", name, "-t", verified,
                "-L", dir.resolve("real-authorized.dig").toString()).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", p4).ok();

        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : new String[] {"key.name", "trial-signed.dig", "real-signed.dig", "ticket.dig", "trial-authorized.dig",
                "real-authorized.dig"}) {
            files.put(f, Files.readAllBytes(dir.resolve(f)));
        }
        byte[] t = Files.readAllBytes(Path.of(timeout));
        files.put("timeout flag and size", new byte[] {(byte) t.length, (byte) (t[0] & 0x80)});
        return files;
    }

    /** Writes the shared inputs: the public key as PEM, the policyRefs and the two PolicySigned signatures. */
    private static Path toolInputs() throws Exception {
        Path keys = Files.createTempDirectory("jtpm-policy-keys");
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        Files.writeString(keys.resolve("pub.pem"), pem);
        Files.write(keys.resolve("ref.bin"), REF);
        Files.write(keys.resolve("ref2.bin"), REF2);
        // aHash = H(nonceTPM || expiration || cpHashA || policyRef), no nonce and no cpHash
        Files.write(keys.resolve("sig0.bin"), sign(u32(0), REF));
        Files.write(keys.resolve("sig1.bin"), sign(u32(-600), REF));
        return keys;
    }

    @Test
    void toolDigests_sameAsSwtpm_andAsThePart3Formulas() throws Exception {
        Tools.require("swtpm");
        Tools.require("tpm2_policysigned");
        Path keys = toolInputs();
        Map<String, byte[]> mine, theirs;
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            mine = toolFlow(jtpm.tcti(), keys, Files.createTempDirectory("jtpm-policy-j"));
        }
        try (SwtpmReference ref = new SwtpmReference()) {
            theirs = toolFlow(ref.tcti(), keys, Files.createTempDirectory("jtpm-policy-s"));
        }
        for (String f : theirs.keySet()) assertThat(HEX.formatHex(mine.get(f))).as(f).isEqualTo(HEX.formatHex(theirs.get(f)));

        byte[] name = mine.get("key.name");
        byte[] signed = policyUpdate(new byte[32], CC_POLICY_SIGNED, name, REF);
        assertThat(mine.get("trial-signed.dig")).isEqualTo(signed);
        assertThat(mine.get("real-signed.dig")).isEqualTo(signed);
        assertThat(mine.get("ticket.dig")).isEqualTo(signed);
        byte[] authorized = policyUpdate(new byte[32], CC_POLICY_AUTHORIZE, name, REF2);
        assertThat(mine.get("trial-authorized.dig")).isEqualTo(authorized);
        assertThat(mine.get("real-authorized.dig")).isEqualTo(authorized);
        assertThat(mine.get("timeout flag and size")).containsExactly(8, 0x80);   // UINT64, expires on reset (no nonce)
    }

    /**
     * End to end: TPM2_Unseal of an object whose authPolicy is the authorized policy, with a policy session
     * satisfied by PolicySigned + PolicyAuthorize. Policy-authorized use of objects depends on the
     * pipeline's policy-session checks (dev.jtpm.engine.Authorization, the lead's work); this method is kept
     * apart so it can be enabled or disabled on its own.
     */
    @Test
    void endToEnd_unsealWithAnAuthorizedPolicy_asOnSwtpm() throws Exception {
        Tools.require("swtpm");
        Tools.require("tpm2_policysigned");
        Path keys = toolInputs();
        String mine, theirs;
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            mine = unsealFlow(jtpm.tcti(), keys, Files.createTempDirectory("jtpm-unseal-j"));
        }
        try (SwtpmReference ref = new SwtpmReference()) {
            theirs = unsealFlow(ref.tcti(), keys, Files.createTempDirectory("jtpm-unseal-s"));
        }
        assertThat(theirs).isEqualTo("secret42");
        assertThat(mine).isEqualTo(theirs);
    }

    private static String unsealFlow(String tcti, Path keys, Path dir) throws Exception {
        toolFlow(tcti, keys, dir);
        String prim = dir.resolve("prim.ctx").toString(), seal = dir.resolve("seal.ctx").toString();
        Files.writeString(dir.resolve("secret.txt"), "secret42");
        Tools.tpm2(tcti, "tpm2_createprimary", "-C", "o", "-c", prim, "-Q").ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(tcti, "tpm2_create", "-C", prim, "-L", dir.resolve("trial-authorized.dig").toString(), "-i",
                dir.resolve("secret.txt").toString(), "-u", dir.resolve("seal.pub").toString(), "-r",
                dir.resolve("seal.priv").toString(), "-a", "fixedtpm|fixedparent", "-Q").ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(tcti, "tpm2_load", "-C", prim, "-u", dir.resolve("seal.pub").toString(), "-r",
                dir.resolve("seal.priv").toString(), "-c", seal, "-Q").ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        String p = dir.resolve("p5.ctx").toString();
        Tools.tpm2(tcti, "tpm2_startauthsession", "--policy-session", "-S", p).ok();
        Tools.tpm2(tcti, "tpm2_policysigned", "-S", p, "-c", dir.resolve("key.ctx").toString(), "-g", "sha256", "-s",
                keys.resolve("sig0.bin").toString(), "-f", "rsassa", "-q", keys.resolve("ref.bin").toString()).ok();
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(tcti, "tpm2_policyauthorize", "-S", p, "-i", dir.resolve("trial-signed.dig").toString(), "-q",
                keys.resolve("ref2.bin").toString(), "-n", dir.resolve("key.name").toString(), "-t",
                dir.resolve("verified.tkt").toString()).ok();
        Tools.Run r = Tools.tpm2(tcti, "tpm2_unseal", "-c", seal, "-p", "session:" + p);
        Tools.tpm2(tcti, "tpm2_flushcontext", p);
        return r.exit() == 0 ? r.out() : "unseal failed: " + r.outcome();
    }

    // ---------------------------------------------------------------- raw differential

    private record Session(int handle, byte[] nonce) {}

    private record AuthTicket(byte[] timeout, byte[] ticket) {}

    private static Session start(SwtpmSocketTransport t, int type) throws IOException {
        byte[] r = execute(t, command(CC_START_AUTH_SESSION, cat(u32(RH_NULL), u32(RH_NULL), sized(new byte[16]), u16(0),
                new byte[] {(byte) type}, u16(ALG_NULL), u16(SHA256))));
        assertThat(rc(r)).as("StartAuthSession").isZero();
        int size = (r[14] & 0xFF) << 8 | r[15] & 0xFF;
        return new Session(u32At(r, 10), Arrays.copyOfRange(r, 16, 16 + size));
    }

    private static byte[] policySigned(int key, int session, byte[] nonce, byte[] cpHash, byte[] ref, int expiration,
                                       byte[] signature) {
        return command(CC_POLICY_SIGNED, cat(u32(key), u32(session), sized(nonce), sized(cpHash), sized(ref), u32(expiration),
                signature));
    }

    private static byte[] rsassa(byte[] sig) { return cat(u16(0x0014, SHA256), sized(sig)); }

    /** PolicySecret with authHandle authorized by an empty password (or {@code password}). */
    private static byte[] policySecret(int session, byte[] password, byte[] nonce, byte[] cpHash, int expiration) {
        byte[] auth = cat(u32(0x40000009), u16(0), new byte[] {1}, sized(password));
        byte[] body = cat(u32(OWNER), u32(session), u32(auth.length), auth, sized(nonce), sized(cpHash), sized(REF),
                u32(expiration));
        return cat(u16(0x8002), u32(10 + body.length), u32(CC_POLICY_SECRET), body);
    }

    private static byte[] policyTicket(int session, byte[] timeout, byte[] cpHash, byte[] ref, byte[] name, byte[] ticket) {
        return command(CC_POLICY_TICKET, cat(u32(session), sized(timeout), sized(cpHash), sized(ref), sized(name), ticket));
    }

    private static byte[] policyAuthorize(int session, byte[] approved, byte[] ref, byte[] keySign, byte[] ticket) {
        return command(CC_POLICY_AUTHORIZE, cat(u32(session), sized(approved), sized(ref), sized(keySign), ticket));
    }

    /**
     * The timeout and TPMT_TK_AUTH of a PolicySigned response (no sessions) or a PolicySecret response (a
     * parameterSize, then the parameters, then the password session's response).
     */
    private static AuthTicket authTicket(byte[] r) {
        assertThat(rc(r)).as("ticket-making command").isZero();
        boolean sessions = (r[0] & 0xFF) << 8 == 0x8000 && r[1] == 2;
        int at = sessions ? 14 : 10;
        int end = sessions ? 14 + u32At(r, 10) : r.length;
        int size = (r[at] & 0xFF) << 8 | r[at + 1] & 0xFF;
        byte[] timeout = Arrays.copyOfRange(r, at + 2, at + 2 + size);
        return new AuthTicket(timeout, Arrays.copyOfRange(r, at + 2 + size, end));
    }

    /** A copy of a marshalled ticket (tag, hierarchy, TPM2B digest) with the digest's first octet flipped. */
    private static byte[] flipDigest(byte[] ticket) {
        byte[] c = ticket.clone();
        c[8] ^= 1;
        return c;
    }

    private static byte[] withTag(byte[] ticket, int tag) {
        byte[] c = ticket.clone();
        c[0] = (byte) (tag >>> 8);
        c[1] = (byte) tag;
        return c;
    }

    /** Waits until the TPM's own time (TPMS_TIME_INFO.time) has passed {@code ms}. */
    private static void awaitTpmTime(SwtpmSocketTransport t, long ms) throws Exception {
        for (int i = 0; i < 200; i++) {
            byte[] r = execute(t, command(CC_READ_CLOCK, new byte[0]));
            if (ByteBuffer.wrap(r, 10, 8).getLong() > ms) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("TPM time does not advance");
    }

    /** Every case of the grid on one TPM, in order: case → response code. */
    private static Map<String, String> grid(SwtpmSocketTransport t) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        byte[] n = ((RSAPublicKey) rsa.getPublic()).getModulus().toByteArray();
        byte[] modulus = n.length == 257 ? Arrays.copyOfRange(n, 1, 257) : n;
        byte[] rsaPublic = cat(u16(0x0001, SHA256), u32((1 << 6) | (1 << 18)), u16(0), u16(ALG_NULL), u16(ALG_NULL), u16(2048),
                u32(0), sized(modulus));
        byte[] r = execute(t, command(CC_LOAD_EXTERNAL, cat(u16(0), sized(rsaPublic), u32(OWNER))));
        assertThat(rc(r)).as("LoadExternal").isZero();
        int key = u32At(r, 10);
        byte[] name = Arrays.copyOfRange(r, 16, 16 + ((r[14] & 0xFF) << 8 | r[15] & 0xFF));
        byte[] hmacPublic = cat(u16(0x0008, SHA256), u32((1 << 6) | (1 << 18)), u16(0), u16(0x0005, SHA256), sized(new byte[32]));
        r = execute(t, command(CC_LOAD_EXTERNAL, cat(u16(0), sized(hmacPublic), u32(OWNER))));
        assertThat(rc(r)).as("LoadExternal keyed hash").isZero();
        int hmacKey = u32At(r, 10);

        byte[] sig0 = rsassa(sign(u32(0), REF));
        byte[] ecdsa = cat(u16(0x0018, SHA256), sized(new byte[32]), sized(new byte[32]));

        // PolicySigned
        Session s = start(t, SE_POLICY);
        out.put("PolicySigned genuine, no nonce", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0], REF, 0, sig0))));
        out.put("PolicySigned genuine, with nonceTPM and expiration", hex(execute(t, policySigned(key, s.handle(), s.nonce(),
                new byte[0], REF, 100, rsassa(sign(s.nonce(), u32(100), REF))))));
        out.put("PolicySigned signature tampered", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0], REF, 0,
                rsassa(flip(sign(u32(0), REF)))))));
        out.put("PolicySigned signed for another policyRef", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0],
                REF2, 0, sig0))));
        out.put("PolicySigned NULL signature", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0], REF, 0,
                u16(ALG_NULL)))));
        out.put("PolicySigned ECDSA signature, RSA key", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0], REF, 0,
                ecdsa))));
        out.put("PolicySigned HMAC signature, public-only keyed hash", hex(execute(t, policySigned(hmacKey, s.handle(), new byte[0],
                new byte[0], REF, 0, cat(u16(0x0005, SHA256), new byte[32])))));
        out.put("PolicySigned wrong nonceTPM", hex(execute(t, policySigned(key, s.handle(), new byte[32], new byte[0], REF, 0,
                rsassa(sign(new byte[32], u32(0), REF))))));
        out.put("PolicySigned cpHashA of 20 octets", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[20], REF, 0,
                rsassa(sign(u32(0), new byte[20], REF))))));
        byte[] cp = sha256("cp".getBytes()), cp2 = sha256("cp2".getBytes());
        out.put("PolicySigned cpHashA set", hex(execute(t, policySigned(key, s.handle(), new byte[0], cp, REF, 0,
                rsassa(sign(u32(0), cp, REF))))));
        out.put("PolicySigned another cpHashA", hex(execute(t, policySigned(key, s.handle(), new byte[0], cp2, REF, 0,
                rsassa(sign(u32(0), cp2, REF))))));
        awaitTpmTime(t, 2100);
        out.put("PolicySigned expired (1 s of TPM time, no nonce)", hex(execute(t, policySigned(key, s.handle(), new byte[0],
                new byte[0], REF, 1, rsassa(sign(u32(1), REF))))));
        r = execute(t, command(0x186, cat(u16(0), u16(SHA256))));
        assertThat(rc(r)).as("HashSequenceStart").isZero();
        int sequence = u32At(r, 10);
        out.put("PolicySigned hash sequence as authObject", hex(execute(t, policySigned(sequence, s.handle(), new byte[0],
                new byte[0], REF, 0, sig0))));
        assertThat(flush(t, sequence)).isZero();
        out.put("PolicySigned key handle not loaded", hex(execute(t, policySigned(0x80000005, s.handle(), new byte[0], new byte[0],
                REF, 0, sig0))));
        assertThat(flush(t, s.handle())).isZero();
        Session hmac = start(t, SE_HMAC);
        out.put("PolicySigned with an HMAC session", hex(execute(t, policySigned(key, hmac.handle(), new byte[0], new byte[0], REF, 0,
                sig0))));
        assertThat(flush(t, hmac.handle())).isZero();
        Session trial = start(t, SE_TRIAL);
        out.put("PolicySigned trial, NULL signature", hex(execute(t, policySigned(key, trial.handle(), new byte[0], new byte[0], REF,
                -5, u16(ALG_NULL)))));
        out.put("PolicySigned trial, wrong nonce", hex(execute(t, policySigned(key, trial.handle(), new byte[32], new byte[0], REF,
                -5, sig0))));
        out.put("PolicyTicket trial session", hex(execute(t, policyTicket(trial.handle(), new byte[8], new byte[0], REF, name,
                cat(u16(ST_AUTH_SIGNED), u32(OWNER), u16(0))))));
        out.put("PolicyAuthorize trial, NULL ticket", hex(execute(t, policyAuthorize(trial.handle(), new byte[0], REF2, name,
                cat(u16(ST_VERIFIED), u32(RH_NULL), u16(0))))));
        out.put("PolicyAuthorize trial, keySign of 1 octet", hex(execute(t, policyAuthorize(trial.handle(), new byte[0], REF2,
                new byte[1], cat(u16(ST_VERIFIED), u32(RH_NULL), u16(0))))));
        assertThat(flush(t, trial.handle())).isZero();

        // PolicySecret
        s = start(t, SE_POLICY);
        out.put("PolicySecret genuine", hex(execute(t, policySecret(s.handle(), new byte[0], s.nonce(), new byte[0], 0))));
        out.put("PolicySecret wrong nonceTPM", hex(execute(t, policySecret(s.handle(), new byte[0], new byte[32], new byte[0], 0))));
        out.put("PolicySecret cpHashA of 48 octets", hex(execute(t, policySecret(s.handle(), new byte[0], new byte[0], new byte[48], 0))));
        out.put("PolicySecret expired", hex(execute(t, policySecret(s.handle(), new byte[0], new byte[0], new byte[0], 1))));
        out.put("PolicySecret wrong password", hex(execute(t, policySecret(s.handle(), "x".getBytes(), new byte[0], new byte[0], 0))));
        AuthTicket secretTicket = authTicket(execute(t, policySecret(s.handle(), new byte[0], new byte[0], new byte[0], -600)));
        assertThat(flush(t, s.handle())).isZero();

        // PolicyTicket
        s = start(t, SE_POLICY);
        AuthTicket signedTicket = authTicket(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0], REF, -600,
                rsassa(sign(u32(-600), REF)))));
        byte[] tk0 = signedTicket.ticket();
        out.put("PolicySigned ticket: timeout size and reset flag, tag, hierarchy, digest size", String.format(
                "%d %02x %04x %08x %d", signedTicket.timeout().length, signedTicket.timeout()[0] & 0x80, u32At(tk0, 0) >>> 16,
                u32At(tk0, 2), (tk0[6] & 0xFF) << 8 | tk0[7] & 0xFF));
        byte[] tk1 = secretTicket.ticket();
        out.put("PolicySecret ticket: timeout size and reset flag, tag, hierarchy, digest size", String.format(
                "%d %02x %04x %08x %d", secretTicket.timeout().length, secretTicket.timeout()[0] & 0x80, u32At(tk1, 0) >>> 16,
                u32At(tk1, 2), (tk1[6] & 0xFF) << 8 | tk1[7] & 0xFF));
        assertThat(flush(t, s.handle())).isZero();
        s = start(t, SE_POLICY);
        byte[] to = signedTicket.timeout(), tk = signedTicket.ticket();
        out.put("PolicyTicket timeout of 7 octets", hex(execute(t, policyTicket(s.handle(), Arrays.copyOf(to, 7), new byte[0], REF,
                name, tk))));
        out.put("PolicyTicket timeout 1 ms (expired)", hex(execute(t, policyTicket(s.handle(), u64(1), new byte[0], REF, name, tk))));
        out.put("PolicyTicket cpHashA of 20 octets", hex(execute(t, policyTicket(s.handle(), to, new byte[20], REF, name, tk))));
        out.put("PolicyTicket digest tampered", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF, name, flipDigest(tk)))));
        out.put("PolicyTicket AUTH_SECRET tag on a signed ticket", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF, name,
                withTag(tk, ST_AUTH_SECRET)))));
        out.put("PolicyTicket HASHCHECK tag", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF, name,
                withTag(tk, ST_HASHCHECK)))));
        out.put("PolicyTicket other policyRef", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF2, name, tk))));
        out.put("PolicyTicket other timeout", hex(execute(t, policyTicket(s.handle(), u64(ByteBuffer.wrap(to).getLong() + 1),
                new byte[0], REF, name, tk))));
        out.put("PolicyTicket NULL ticket", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF, name,
                cat(u16(ST_AUTH_SIGNED), u32(RH_NULL), u16(0))))));
        out.put("PolicyTicket hierarchy lockout", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF, name,
                cat(u16(ST_AUTH_SIGNED), u32(0x4000000A), Arrays.copyOfRange(tk, 6, tk.length))))));
        out.put("PolicyTicket genuine signed ticket", hex(execute(t, policyTicket(s.handle(), to, new byte[0], REF, name, tk))));
        out.put("PolicyTicket genuine secret ticket", hex(execute(t, policyTicket(s.handle(), secretTicket.timeout(), new byte[0],
                REF, u32(OWNER), secretTicket.ticket()))));
        assertThat(flush(t, s.handle())).isZero();

        // PolicyAuthorize
        byte[] approved = policyUpdate(new byte[32], CC_POLICY_SIGNED, name, REF);
        byte[] aHash = sha256(approved, REF2);
        r = execute(t, command(CC_VERIFY_SIGNATURE, cat(u32(key), sized(aHash), rsassa(sign(approved, REF2)))));
        assertThat(rc(r)).as("VerifySignature").isZero();
        byte[] verified = Arrays.copyOfRange(r, 10, r.length);
        s = start(t, SE_POLICY);
        out.put("PolicyAuthorize approvedPolicy is not the policyDigest", hex(execute(t, policyAuthorize(s.handle(), approved, REF2,
                name, verified))));
        out.put("PolicySigned before PolicyAuthorize", hex(execute(t, policySigned(key, s.handle(), new byte[0], new byte[0], REF, 0,
                sig0))));
        out.put("PolicyAuthorize NULL ticket", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name,
                cat(u16(ST_VERIFIED), u32(RH_NULL), u16(0))))));
        out.put("PolicyAuthorize other policyRef", hex(execute(t, policyAuthorize(s.handle(), approved, REF, name, verified))));
        out.put("PolicyAuthorize ticket tampered", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name,
                flipDigest(verified)))));
        out.put("PolicyAuthorize ticket of another hierarchy", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name,
                cat(u16(ST_VERIFIED), u32(0x4000000B), Arrays.copyOfRange(verified, 6, verified.length))))));
        out.put("PolicyAuthorize HASHCHECK tag", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name,
                withTag(verified, ST_HASHCHECK)))));
        out.put("PolicyAuthorize keySign of 1 octet", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, new byte[1],
                verified))));
        out.put("PolicyAuthorize keySign with TPM_ALG_NULL", hex(execute(t, policyAuthorize(s.handle(), approved, REF2,
                cat(u16(ALG_NULL), new byte[32]), verified))));
        out.put("PolicyAuthorize keySign digest too short", hex(execute(t, policyAuthorize(s.handle(), approved, REF2,
                Arrays.copyOf(name, 33), verified))));
        out.put("PolicyAuthorize genuine", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name, verified))));
        out.put("PolicyAuthorize again (digest changed)", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name, verified))));
        assertThat(flush(t, s.handle())).isZero();
        out.put("PolicyAuthorize flushed session", hex(execute(t, policyAuthorize(s.handle(), approved, REF2, name, verified))));
        assertThat(flush(t, key)).isZero();
        assertThat(flush(t, hmacKey)).isZero();
        return out;
    }

    /** The response code of {@code response}, in hex. */
    private static String hex(byte[] response) { return String.format("0x%03x", rc(response)); }

    private static byte[] u64(long v) { return ByteBuffer.allocate(8).putLong(v).array(); }

    private static byte[] flip(byte[] b) {
        byte[] c = b.clone();
        c[c.length / 2] ^= 1;
        return c;
    }

    @Test
    void rawPolicyCommands_genuineAndWrongUses_sameResponseCodesAsSwtpm() throws Exception {
        Tools.require("swtpm");
        Map<String, String> mine, theirs;
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM);
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port())) {
            mine = grid(j);
        }
        try (SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport sw = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            theirs = grid(sw);
        }
        Files.write(Path.of("target", "policy-authorize-differential.txt"),
                theirs.entrySet().stream().map(e -> e.getKey() + ": swtpm " + e.getValue() + ", jtpm " + mine.get(e.getKey())).toList());
        Map<String, String> differences = new LinkedHashMap<>();
        for (String c : theirs.keySet()) {
            if (!theirs.get(c).equals(mine.get(c))) {
                differences.put(c, "jtpm " + mine.get(c) + ", swtpm " + theirs.get(c));
            }
        }
        assertThat(differences).isEmpty();
        // the grid holds genuine uses and refusals both
        assertThat(theirs.values()).contains("0x000").anyMatch(rc -> rc.startsWith("0x") && !rc.equals("0x000"));
        assertThat(theirs.get("PolicyAuthorize genuine")).isEqualTo("0x000");
        assertThat(theirs.get("PolicyTicket genuine signed ticket")).isEqualTo("0x000");
    }
}
