package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.TpmtSymDef;
import java.io.ByteArrayOutputStream;

/**
 * What the policy tests share: sessions, the policyDigest, and the expected digests computed here from
 * Part 3's formulas with the JCA (via {@link TestTpm#hash}), octet by octet, never with engine code.
 */
final class PolicyTestSupport {
    private PolicyTestSupport() {}

    static final Bytes NONCE = Bytes.fromHex("00112233445566778899aabbccddeeff");

    /** A trial session with SHA-256. */
    static int trial(TestTpm t) { return start(t, TpmSe.TRIAL, TpmAlg.SHA256); }

    /** A policy session with SHA-256. */
    static int policy(TestTpm t) { return start(t, TpmSe.POLICY, TpmAlg.SHA256); }

    static int start(TestTpm t, int type, int hash) {
        return t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, type, TpmtSymDef.NULL, hash))
                .orThrow().sessionHandle();
    }

    /** The session's policyDigest, as TPM2_PolicyGetDigest answers it. */
    static Bytes digest(TestTpm t, int session) { return t.run(new PolicyGetDigest(session)).orThrow().policyDigest(); }

    /** The session object itself, for what no command exposes (the recorded assertions). */
    static AuthSession session(TestTpm t, int handle) { return t.state().sessions.get(handle); }

    /** H_alg(previous || parts...). */
    static Bytes extend(int alg, Bytes previous, byte[]... parts) {
        byte[][] all = new byte[parts.length + 1][];
        all[0] = previous.toArray();
        System.arraycopy(parts, 0, all, 1, parts.length);
        return TestTpm.hash(alg, all);
    }

    static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    static byte[] u16(int v) { return new byte[] {(byte) (v >>> 8), (byte) v}; }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    static Bytes zeros256() { return Bytes.zeros(32); }

    /** n octets of value v. */
    static Bytes filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return Bytes.wrap(b);
    }
}
