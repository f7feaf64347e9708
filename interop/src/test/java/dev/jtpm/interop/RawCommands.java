package dev.jtpm.interop;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Raw TPM command octets for the differential tests, which send the same bytes to jtpm and to swtpm
 * (including values no codec would write): big-endian fields, TPM2B sizes, command framing with or
 * without one empty password session, response codes, and a send that resends on libtpms' TPM_RC_RETRY
 * (its answer to the first use of an algorithm it has not self-tested yet).
 */
final class RawCommands {
    private RawCommands() {}

    /** TPM_RS_PW with an empty nonce, continueSession, an empty password. */
    static final byte[] PASSWORD_SESSION = cat(u32(0x40000009), u16(0), new byte[] {1}, u16(0));

    /** Each value as two big-endian octets. */
    static byte[] u16(int... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int v : values) {
            b.write(v >>> 8);
            b.write(v);
        }
        return b.toByteArray();
    }

    /** Four big-endian octets. */
    static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    /** The parts one after the other. */
    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    /** A TPM2B: the size, then the octets. */
    static byte[] sized(byte[] b) { return cat(u16(b.length), b); }

    /** A command without sessions: handles and parameters as {@code body}. */
    static byte[] command(int code, byte[] body) { return cat(u16(0x8001), u32(10 + body.length), u32(code), body); }

    /** A command whose one handle is authorized by an empty password session. */
    static byte[] authorized(int code, int handle, byte[] params) {
        byte[] body = cat(u32(handle), u32(PASSWORD_SESSION.length), PASSWORD_SESSION, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(code), body);
    }

    /** The response code (octets 6–9). */
    static int rc(byte[] response) { return u32At(response, 6); }

    /** The big-endian UINT32 at {@code at}. */
    static int u32At(byte[] r, int at) {
        return ((r[at] & 0xFF) << 24) | ((r[at + 1] & 0xFF) << 16) | ((r[at + 2] & 0xFF) << 8) | (r[at + 3] & 0xFF);
    }

    /** Sends {@code command}, again while the TPM answers TPM_RC_RETRY (at most five times). */
    static byte[] execute(SwtpmSocketTransport t, byte[] command) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] r = t.execute(command, 0);
            if (rc(r) != 0x922 || attempt == 5) return r;
        }
    }

    /**
     * TPM2_CreatePrimary of {@code publicArea} (a marshalled TPMT_PUBLIC) under {@code hierarchy}, empty
     * sensitive data: the new object's handle; {@link IllegalStateException} naming {@code what} if refused.
     */
    static int createPrimary(SwtpmSocketTransport t, int hierarchy, byte[] publicArea, String what) throws IOException {
        byte[] r = execute(t, authorized(0x131, hierarchy, cat(sized(cat(u16(0), u16(0))), sized(publicArea), u16(0), u32(0))));
        if (rc(r) != 0) throw new IllegalStateException("CreatePrimary of " + what + ": 0x" + Integer.toHexString(rc(r)));
        return u32At(r, 10);
    }

    /** TPM2_FlushContext of {@code handle}, its response code. */
    static int flush(SwtpmSocketTransport t, int handle) throws IOException {
        return rc(execute(t, command(0x165, u32(handle))));
    }

    /** A script of raw commands against one TPM: one line per step (what was sent and the answer's code). */
    @FunctionalInterface
    interface Script {
        List<String> run(SwtpmSocketTransport tpm) throws IOException;
    }

    /** What a script said on jtpm and on swtpm, line for line. */
    record Sides(List<String> jtpm, List<String> swtpm) {
        /** The lines that differ, as "jtpm's line | swtpm's line" (a shorter side counts as different). */
        List<String> differences() {
            List<String> d = new java.util.ArrayList<>();
            for (int i = 0; i < Math.max(jtpm.size(), swtpm.size()); i++) {
                String a = i < jtpm.size() ? jtpm.get(i) : "(none)", b = i < swtpm.size() ? swtpm.get(i) : "(none)";
                if (!a.equals(b)) d.add(a + " | swtpm " + b);
            }
            return d;
        }
    }

    /** Runs {@code script} on a fresh jtpm and on a fresh swtpm 0.7.1, both started here and stopped at the end. */
    static Sides onBoth(Script script) throws IOException {
        Tools.require("swtpm");
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            return new Sides(script.run(j), script.run(s));
        }
    }
}
