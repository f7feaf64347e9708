package dev.jtpm.engine;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.TpmCommand;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fresh in-process TPM for handler tests: deterministic entropy, a clock the test advances,
 * an in-memory NV store, and typed command helpers.
 */
public final class TestTpm {
    public final AtomicLong millis = new AtomicLong(1_000);
    public final NvStore nv;
    public final Platform platform;
    public final Tpm tpm;
    public int locality;
    /** Whether the platform asserts physical presence (never, unless a test sets it). */
    public final java.util.concurrent.atomic.AtomicBoolean physicalPresence = new java.util.concurrent.atomic.AtomicBoolean();

    public TestTpm() { this(NvStore.inMemory()); }

    public TestTpm(NvStore nv) {
        this.nv = nv;
        this.platform = new Platform(nv, millis::get, new Random(42), physicalPresence::get);
        // SHA-1 and SHA-256 banks: the tests were written against this allocation (libtpms has all four)
        this.tpm = new Tpm(platform, TpmProfile.withBanks(dev.jtpm.types.TpmAlg.SHA1, dev.jtpm.types.TpmAlg.SHA256));
        tpm.init();
    }

    /** A TPM that is initialized and started with Startup(CLEAR). */
    public static TestTpm started() {
        TestTpm t = new TestTpm();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        return t;
    }

    /** Runs a command with empty-password sessions for each handle that needs authorization. */
    public <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(C command) {
        return CommandBytes.decode(command, tpm.execute(CommandBytes.encode(command), locality));
    }

    /** Runs a command with the given passwords. */
    public <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(C command, List<Bytes> passwords) {
        return CommandBytes.decode(command, tpm.execute(CommandBytes.encode(command, passwords), locality));
    }

    /**
     * Runs a command with one session per authorized handle: {@code sessions[i]} is a session handle (a policy
     * session, with an empty nonce and HMAC, continueSession) or TPM_RS_PW for an empty password.
     */
    public <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> runWithSessions(C command, int... sessions) {
        byte[] bytes = CommandBytes.encode(command, java.util.Collections.nCopies(sessions.length, Bytes.EMPTY));
        int handles = dev.jtpm.types.codec.TpmCodec.of(command.getClass()).handleCount();
        for (int i = 0; i < sessions.length; i++) {
            int at = 10 + 4 * handles + 4 + 9 * i;
            bytes[at] = (byte) (sessions[i] >>> 24);
            bytes[at + 1] = (byte) (sessions[i] >>> 16);
            bytes[at + 2] = (byte) (sessions[i] >>> 8);
            bytes[at + 3] = (byte) sessions[i];
        }
        return CommandBytes.decode(command, tpm.execute(bytes, locality));
    }

    /** The TPM's live state, to check what no command exposes (proofs, object slots). */
    public dev.jtpm.engine.state.TpmState state() { return tpm.state(); }

    /** H(parts...) with the JCA digest of a TPM hash algorithm, computed independently of the engine. */
    public static Bytes hash(int alg, byte[]... parts) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance(switch (alg) {
                case dev.jtpm.types.TpmAlg.SHA1 -> "SHA-1";
                case dev.jtpm.types.TpmAlg.SHA256 -> "SHA-256";
                case dev.jtpm.types.TpmAlg.SHA384 -> "SHA-384";
                case dev.jtpm.types.TpmAlg.SHA512 -> "SHA-512";
                default -> throw new IllegalArgumentException("hash " + alg);
            });
            for (byte[] p : parts) md.update(p);
            return Bytes.wrap(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends raw bytes. */
    public byte[] raw(byte[] command) { return tpm.execute(command, locality); }
}
