package dev.jtpm.engine.command.nv;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmtSymDef;
import java.nio.ByteBuffer;
import java.util.List;

/** Helpers of the NV tests: public areas, sessions in place of passwords. */
final class NvTestSupport {
    private NvTestSupport() {}

    static final int INDEX = 0x01000001;
    static final int OWNER_RW = TpmaNv.OWNERREAD | TpmaNv.OWNERWRITE;
    static final int AUTH_RW = TpmaNv.AUTHREAD | TpmaNv.AUTHWRITE;

    static TpmsNvPublic pub(int handle, int attributes, int size) {
        return new TpmsNvPublic(handle, TpmAlg.SHA256, attributes, Bytes.EMPTY, size);
    }

    static TpmsNvPublic pub(int handle, int attributes, int size, Bytes policy) {
        return new TpmsNvPublic(handle, TpmAlg.SHA256, attributes, policy, size);
    }

    static TpmRc define(TestTpm t, int auth, TpmsNvPublic pub, Bytes indexAuth) {
        return t.run(new NvDefineSpace(auth, Secret.of(indexAuth), pub)).rc();
    }

    static TpmRc define(TestTpm t, TpmsNvPublic pub) {
        return define(t, pub.has(TpmaNv.PLATFORMCREATE) ? TpmRh.PLATFORM : TpmRh.OWNER, pub, Bytes.EMPTY);
    }

    static Bytes bytes(String s) { return Bytes.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)); }

    static Bytes u64(long v) { return Bytes.wrap(ByteBuffer.allocate(8).putLong(v).array()); }

    /** A policy (or trial) session with SHA-256, no salt, no bind. */
    static int session(TestTpm t, int type) {
        return t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(new byte[16]), Bytes.EMPTY, type,
                TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow().sessionHandle();
    }

    static Bytes digest(TestTpm t, int session) { return t.run(new PolicyGetDigest(session)).orThrow().policyDigest(); }

    /**
     * Runs a command whose authorizations are the given sessions: a password ({@code Bytes}) or, for an
     * {@code Integer}, that policy session with an empty HMAC (continueSession set).
     */
    static <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> runWith(TestTpm t, C cmd, Object... auths) {
        List<Bytes> passwords = new java.util.ArrayList<>();
        for (Object a : auths) passwords.add(a instanceof Bytes b ? b : Bytes.EMPTY);
        byte[] bytes = CommandBytes.encode(cmd, passwords);
        // patch the session handles: each password session is TPM_RS_PW, 0-size nonce, attrs, hmac
        int pos = findAuthArea(bytes, auths.length);
        for (Object a : auths) {
            if (a instanceof Integer h) ByteBuffer.wrap(bytes).putInt(pos, h);
            int hmacSize = ((bytes[pos + 7] & 0xFF) << 8) | (bytes[pos + 8] & 0xFF);
            if (a instanceof Integer) bytes[pos + 6] = (byte) TpmSe.CONTINUE_SESSION;
            pos += 9 + hmacSize;
        }
        return CommandBytes.decode(cmd, t.raw(bytes));
    }

    /** The offset of the first session of the authorization area (after the handles and authorizationSize). */
    private static int findAuthArea(byte[] bytes, int sessions) {
        for (int i = 10; i + 4 <= bytes.length; i++) {
            if (ByteBuffer.wrap(bytes).getInt(i) == TpmRh.RS_PW) return i;
        }
        throw new IllegalStateException("no session");
    }
}
