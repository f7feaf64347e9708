package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.fail;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * TPM Main Part 3 chapter 21 (Session Management): TPM_SaveContext and TPM_LoadContext of loaded keys (the key stays
 * loaded; its context loads again after a restart while the owner's tpmProof is unchanged) and authorization sessions
 * (saved out of the TPM; their context loads once, in the same boot). The blob is a TPM_CONTEXT_BLOB whose sensitive
 * part is jtpm's own (a key's or session's state, AES-128-CTR under a key from tpmProof), with HMAC-SHA-1 over the
 * whole as its integrityDigest: contexts do not move between jtpm and libtpms.
 */
final class ContextCommands {
    private ContextCommands() {}

    static final int TAG_CONTEXTBLOB = 0x0001;

    private static byte[] contextKey(Tpm12State st, String purpose) {
        return java.util.Arrays.copyOf(Crypto12.sha1(st.tpmProof, purpose.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 16);
    }

    private static byte[] ctr(byte[] key, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** TPM_SaveContext (21.2): keys (TPM_RT_KEY) and sessions (TPM_RT_AUTH); TPM_INVALID_KEYHANDLE, TPM_INVALID_AUTHHANDLE. */
    static void saveContext(Command c) {
        int handle = c.in.u32();
        int resourceType = c.in.u32();
        byte[] label = c.in.bytes(16);
        c.checkState(Command.CHECK_ALL); // swtpm 0.7.1: TPM_NOSRK without an owner
        c.tag(0);
        c.end();
        Tpm12State st = c.st;
        ResponseWriter sensitive = new ResponseWriter();
        switch (resourceType) {
            case SessionCommands.RT_KEY -> {
                Key12 k = st.keys.get(handle);
                if (k == null) fail(Tpm12Rc.INVALID_KEYHANDLE);
                sensitive.sized32(k.marshal());
            }
            case SessionCommands.RT_AUTH -> {
                AuthSession s = st.sessions.remove(handle);
                if (s == null) fail(Tpm12Rc.INVALID_AUTHHANDLE);
                sensitive.u32(s.protocolId).bytes(s.nonceEven).u32(s.entityType).u32(s.entityValue)
                        .sized32(s.sharedSecret == null ? new byte[0] : s.sharedSecret)
                        .sized32(s.entityDigest == null ? new byte[0] : s.entityDigest).bytes(c.core.bootNonce);
            }
            default -> fail(Tpm12Rc.BAD_PARAMETER);
        }
        int count = ++st.contextCount;
        byte[] iv = c.core.random(16);
        byte[] enc = ctr(contextKey(st, "CONTEXT-ENC"), iv, sensitive.toByteArray());
        byte[] additional = iv;
        byte[] body = blobBody(resourceType, handle, label, count, additional, enc);
        byte[] integrity = Crypto12.hmac(contextKey(st, "CONTEXT-MAC"), body);
        byte[] blob = new ResponseWriter().u16(TAG_CONTEXTBLOB).u32(resourceType).u32(handle).bytes(label).u32(count).bytes(integrity)
                .sized32(additional).sized32(enc).toByteArray();
        c.out.sized32(blob);
    }

    private static byte[] blobBody(int resourceType, int handle, byte[] label, int count, byte[] additional, byte[] enc) {
        return new ResponseWriter().u16(TAG_CONTEXTBLOB).u32(resourceType).u32(handle).bytes(label).u32(count).sized32(additional)
                .sized32(enc).toByteArray();
    }

    /**
     * TPM_LoadContext (21.3): TPM_INVALID_STRUCTURE (not a TPM_CONTEXT_BLOB), TPM_BADCONTEXT (not this TPM's, altered,
     * a session of another boot), TPM_BAD_HANDLE
     * (keepHandle and the handle is in use), TPM_RESOURCES / TPM_NOSPACE. Answers the handle.
     */
    static void loadContext(Command c) {
        int entityHandle = c.in.u32();
        boolean keepHandle = c.in.bool();
        byte[] blob = c.in.sized32();
        // the TPM_CONTEXT_BLOB is loaded with the parameters, as libtpms does: short is TPM_BAD_PARAM_SIZE, a wrong tag
        // TPM_INVALID_STRUCTURE
        CommandReader r = new CommandReader(blob, 0, blob.length);
        if (r.u16() != TAG_CONTEXTBLOB) fail(Tpm12Rc.INVALID_STRUCTURE);
        int resourceType = r.u32();
        int handle = r.u32();
        byte[] label = r.bytes(16);
        int count = r.u32();
        byte[] integrity = r.digest();
        byte[] additional = r.sized32();
        byte[] enc = r.sized32();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        Tpm12State st = c.st;
        if (r.remaining() != 0 || additional.length != 16) fail(Tpm12Rc.BADCONTEXT);
        byte[] expect = Crypto12.hmac(contextKey(st, "CONTEXT-MAC"), blobBody(resourceType, handle, label, count, additional, enc));
        if (!MessageDigest.isEqual(expect, integrity)) fail(Tpm12Rc.BADCONTEXT);
        byte[] plain = ctr(contextKey(st, "CONTEXT-ENC"), additional, enc);
        CommandReader p = new CommandReader(plain, 0, plain.length);
        int want = keepHandle ? entityHandle : handle;
        switch (resourceType) {
            case SessionCommands.RT_KEY -> {
                Key12 k = Key12.unmarshal(p.sized32());
                if (st.keys.size() >= Tpm12State.KEY_SLOTS) fail(Tpm12Rc.NOSPACE);
                int h = keepHandle ? want : st.keys.containsKey(want) || want == 0 ? c.core.newHandle(st.keys.keySet()) : want;
                if (keepHandle && (h == 0 || st.keys.containsKey(h) || (h & 0xff000000) == 0x40000000)) fail(Tpm12Rc.BAD_HANDLE);
                st.keys.put(h, k);
                c.out.u32(h);
            }
            case SessionCommands.RT_AUTH -> {
                int pid = p.u32();
                AuthSession s0 = new AuthSession(0, pid, p.digest());
                int entityType = p.u32(), entityValue = p.u32();
                byte[] shared = p.sized32(), digest = p.sized32(), boot = p.digest();
                if (!MessageDigest.isEqual(boot, c.core.bootNonce)) fail(Tpm12Rc.BADCONTEXT);
                if (st.sessions.size() >= Tpm12State.AUTH_SLOTS) fail(Tpm12Rc.RESOURCES);
                int h = keepHandle ? want : st.sessions.containsKey(want) ? c.core.newHandle(st.sessions.keySet()) : want;
                if (keepHandle && (h == 0 || st.sessions.containsKey(h))) fail(Tpm12Rc.BAD_HANDLE);
                AuthSession s = new AuthSession(h, pid, s0.nonceEven);
                s.entityType = entityType;
                s.entityValue = entityValue;
                s.sharedSecret = shared.length == 0 ? null : shared;
                s.entityDigest = digest.length == 0 ? null : digest;
                st.sessions.put(h, s);
                c.out.u32(h);
            }
            default -> fail(Tpm12Rc.BADCONTEXT);
        }
    }
}
