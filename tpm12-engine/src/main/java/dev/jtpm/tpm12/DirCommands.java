package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.fail;

/**
 * TPM Main Part 3 chapter 20.1 and 20.6 (deprecated, kept by libtpms): TPM_DirWriteAuth and TPM_DirRead on the one
 * Data Integrity Register, TPM_PERMANENT_DATA authDIR (index 0; any other: TPM_BADINDEX).
 */
final class DirCommands {
    private DirCommands() {}

    /** TPM_DirWriteAuth (20.1): owner-authorized, the index checked after the authorization. */
    static void dirWriteAuth(Command c) {
        int dirIndex = c.in.u32();
        byte[] newContents = c.in.digest();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        OwnershipCommands.ownerAuthorize(c, a);
        if (dirIndex != 0) fail(Tpm12Rc.BADINDEX);
        c.st.authDir = newContents;
        c.permanentChanged = true;
    }

    /** TPM_DirRead (20.6). */
    static void dirRead(Command c) {
        int dirIndex = c.in.u32();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        if (dirIndex != 0) fail(Tpm12Rc.BADINDEX);
        c.out.bytes(c.st.authDir);
    }
}
