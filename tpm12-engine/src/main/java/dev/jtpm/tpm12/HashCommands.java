package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.fail;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * TPM Main Part 3 chapter 13.1-13.4: the SHA-1 thread of TPM_SHA1Start, TPM_SHA1Update (whole 64-octet blocks, at most
 * maxNumBytes), TPM_SHA1Complete and TPM_SHA1CompleteExtend (at most 64 final octets; the thread ends even on error).
 * Any other ordinal ends the thread (Tpm12Core). As libtpms: TPM_SHA_THREAD without a thread, TPM_SHA_ERROR for a bad
 * size (which also ends it).
 */
final class HashCommands {
    private HashCommands() {}

    /** maxNumBytes: the response buffer less one block, as libtpms (TPM_SHA1_MAXNUMBYTES). */
    static final int MAX_NUM_BYTES = Tpm12Core.BUFFER_MAX - 64;

    /** TPM_SHA1Start (13.1): a new thread; answers maxNumBytes. */
    static void sha1Start(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        try {
            c.core.sha1Thread = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        c.out.u32(MAX_NUM_BYTES);
    }

    /** TPM_SHA1Update (13.2). */
    static void sha1Update(Command c) {
        byte[] data = c.in.sized32();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        if (c.core.sha1Thread == null) fail(Tpm12Rc.SHA_THREAD);
        if (data.length % 64 != 0 || data.length > MAX_NUM_BYTES) {
            c.core.sha1Thread = null;
            fail(Tpm12Rc.SHA_ERROR);
        }
        c.core.sha1Thread.update(data);
    }

    /** TPM_SHA1Complete (13.3): the digest. */
    static void sha1Complete(Command c) {
        byte[] data = c.in.sized32();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        c.out.bytes(complete(c, data));
    }

    /** TPM_SHA1CompleteExtend (13.4): the digest extended into pcrNum as TPM_Extend; answers the digest and the PCR. */
    static void sha1CompleteExtend(Command c) {
        int pcr = c.in.u32();
        byte[] data = c.in.sized32();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        byte[] digest = complete(c, data);
        byte[] value = PcrCommands.extendCommon(c, pcr, digest);
        c.out.bytes(digest).bytes(value);
    }

    /** libtpms' TPM_SHA1CompleteCommon: at most 64 octets, a thread needed; the thread ends either way. */
    private static byte[] complete(Command c, byte[] data) {
        MessageDigest md = c.core.sha1Thread;
        c.core.sha1Thread = null;
        if (data.length > 64) fail(Tpm12Rc.SHA_ERROR);
        if (md == null) fail(Tpm12Rc.SHA_THREAD);
        md.update(data);
        return md.digest();
    }
}
