package dev.jtpm.cros;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * {@code EndorsementPasswordChanger} (reference §3.3): in a forwarded TPM2_PolicySecret on TPM_RH_ENDORSEMENT whose
 * first session is a password session carrying the virtual endorsement password (empty), the password is replaced by
 * the host's real one; extra bytes in the authorization area are kept after the new session, and the header size
 * follows the length change. Every other command passes unchanged.
 */
final class EndorsementPasswordChanger {
    static final int CC_POLICY_SECRET = 0x151;
    private static final int RH_ENDORSEMENT = 0x4000000B, RS_PW = 0x40000009;
    private static final byte[] VIRTUAL_PASSWORD = new byte[0];

    /** Where the real endorsement password comes from (tpm_managerd's GetTpmStatus in the reference). */
    @FunctionalInterface
    interface RealPassword {
        /** The host's endorsement password; a VtpmException (TPM_RC_FAILURE) when it is unavailable. */
        byte[] get() throws VtpmException;
    }

    private final RealPassword realPassword;

    EndorsementPasswordChanger(RealPassword realPassword) { this.realPassword = realPassword; }

    /** The command to send to the host. */
    byte[] change(byte[] command) throws VtpmException {
        CommandReader r = new CommandReader(command);
        if (r.parseHeader().cc() != CC_POLICY_SECRET) return command;
        int authHandle = r.u32();
        r.u32(); // policySession
        if (authHandle != RH_ENDORSEMENT) return command;
        int authSizeAt = r.position();
        int authSize = r.u32();
        byte[] area = r.bytes(authSize);
        CommandReader a = new CommandReader(area);
        int sessionHandle = a.u32();
        byte[] nonce = a.tpm2b(CommandReader.DIGEST_BUFFER);
        int attributes = a.u8();
        byte[] hmac = a.tpm2b(CommandReader.DIGEST_BUFFER);
        int sessionEnd = authSizeAt + 4 + a.position();
        if (sessionHandle != RS_PW || !Arrays.equals(hmac, VIRTUAL_PASSWORD)) return command;
        byte[] real = realPassword.get();

        ByteArrayOutputStream session = new ByteArrayOutputStream();
        writeU32(session, sessionHandle);
        writeU16(session, nonce.length);
        session.writeBytes(nonce);
        session.write(attributes);
        writeU16(session, real.length);
        session.writeBytes(real);
        byte[] newSession = session.toByteArray();
        int oldSessionLength = a.position();
        int newAuthSize = authSize - oldSessionLength + newSession.length;

        ByteArrayOutputStream out = new ByteArrayOutputStream(command.length + real.length);
        out.write(command, 0, authSizeAt);
        writeU32(out, newAuthSize);
        out.writeBytes(newSession);
        out.write(command, sessionEnd, command.length - sessionEnd);
        byte[] changed = out.toByteArray();
        CommandReader.putU32(changed, 2, changed.length);
        return changed;
    }

    private static void writeU32(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24);
        o.write(v >>> 16);
        o.write(v >>> 8);
        o.write(v);
    }

    private static void writeU16(ByteArrayOutputStream o, int v) {
        o.write(v >>> 8);
        o.write(v);
    }
}
