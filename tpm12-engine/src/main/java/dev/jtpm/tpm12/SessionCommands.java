package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.CHECK_OWNER;
import static dev.jtpm.tpm12.Command.fail;

/**
 * TPM Main Part 3 chapter 18 (Authorization Sessions: TPM_OIAP, TPM_OSAP) and 22 (TPM_Terminate_Handle,
 * TPM_FlushSpecific). Sessions hold a rolling nonceEven; OSAP's shared secret is HMAC(entityAuth, nonceEvenOSAP ||
 * nonceOddOSAP).
 */
final class SessionCommands {
    private SessionCommands() {}

    /** TPM_OIAP (18.1): TPM_RESOURCES when every slot is in use. */
    static void oiap(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        AuthSession s = open(c, AuthSession.PID_OIAP);
        c.out.u32(s.handle).bytes(s.nonceEven);
    }

    /**
     * TPM_OSAP (18.2) for the owner, the SRK and loaded keys: TPM_BAD_PARAMETER for an entity type this TPM does not
     * have (or an ADIP/ADCP encoding), TPM_INVALID_KEYHANDLE for a key handle not loaded, TPM_RESOURCES.
     */
    static void osap(Command c) {
        int entityType = c.in.u16();
        int entityValue = c.in.u32();
        byte[] nonceOddOsap = c.in.digest();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_OWNER | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        if ((entityType >> 8) != 0) fail(Tpm12Rc.BAD_PARAMETER); // only the XOR (0) encryption scheme
        byte[] auth = switch (entityType & 0xff) {
            case Command.ET_OWNER -> c.st.ownerAuth;
            case Command.ET_SRK -> StorageCommands.srk(c).usageAuth;
            case Command.ET_KEYHANDLE -> StorageCommands.lookup(c, entityValue).usageAuth;
            default -> throw fail(Tpm12Rc.BAD_PARAMETER);
        };
        AuthSession s = open(c, AuthSession.PID_OSAP);
        byte[] nonceEvenOsap = c.core.random(20);
        s.entityType = entityType;
        s.entityValue = entityValue;
        s.entityDigest = auth.clone();
        s.sharedSecret = Crypto12.hmac(auth, nonceEvenOsap, nonceOddOsap);
        c.out.u32(s.handle).bytes(s.nonceEven).bytes(nonceEvenOsap);
    }

    private static AuthSession open(Command c, int pid) {
        if (c.st.sessions.size() >= Tpm12State.AUTH_SLOTS) fail(Tpm12Rc.RESOURCES);
        AuthSession s = new AuthSession(c.core.newHandle(c.st.sessions.keySet()), pid, c.core.random(20));
        c.st.sessions.put(s.handle, s);
        return s;
    }

    /** TPM_Terminate_Handle (18.3? 22.x in rev 116): TPM_INVALID_AUTHHANDLE. */
    static void terminateHandle(Command c) {
        int handle = c.in.u32();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        if (c.st.sessions.remove(handle) == null) fail(Tpm12Rc.INVALID_AUTHHANDLE);
    }

    static final int RT_KEY = 1, RT_AUTH = 2, RT_HASH = 3, RT_TRANS = 4, RT_CONTEXT = 5, RT_COUNTER = 6, RT_DELEGATE = 7,
            RT_DAA_TPM = 8;

    /** TPM_FlushSpecific (22.2): keys and authorization sessions; TPM_INVALID_KEYHANDLE, TPM_BAD_PARAMETER. */
    static void flushSpecific(Command c) {
        int handle = c.in.u32();
        int resourceType = c.in.u32();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        switch (resourceType) {
            case RT_KEY -> {
                if (c.st.keys.remove(handle) == null) fail(Tpm12Rc.BAD_PARAMETER);
            }
            case RT_AUTH -> {
                if (c.st.sessions.remove(handle) == null) fail(Tpm12Rc.INVALID_AUTHHANDLE);
            }
            case RT_CONTEXT -> fail(Tpm12Rc.BAD_PARAMETER); // none are ever held here
            case RT_TRANS -> fail(Tpm12Rc.INVALID_AUTHHANDLE);
            case RT_DAA_TPM -> fail(Tpm12Rc.BAD_HANDLE);
            default -> fail(Tpm12Rc.INVALID_RESOURCE);
        }
    }
}
