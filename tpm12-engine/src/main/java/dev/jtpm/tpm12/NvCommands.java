package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.CHECK_NV_NOAUTH;
import static dev.jtpm.tpm12.Command.fail;

import java.util.Arrays;

/**
 * TPM Main Part 3 chapter 20 (NV Storage): TPM_NV_DefineSpace, TPM_NV_WriteValue, TPM_NV_WriteValueAuth,
 * TPM_NV_ReadValue, TPM_NV_ReadValueAuth, after libtpms: while nvLocked is FALSE (a new TPM) no authorization is
 * checked; once TPM_NV_INDEX_LOCK was defined the attributes rule (owner, index authValue, physical presence, the
 * WRITEDEFINE / WRITE_STCLEAR / READ_STCLEAR / GLOBALLOCK locks, WRITEALL, and pcrInfoRead / pcrInfoWrite:
 * the selection's composite digest and localityAtRelease, checked where libtpms checks them).
 */
final class NvCommands {
    private NvCommands() {}

    /** libtpms' NV space for indices (TPM_CAP_PROP_MAX_NV_AVAILABLE on a new TPM). */
    static final int NV_SPACE = 0x6ffa;

    private static NvIndex12 find(Command c, int index) {
        NvIndex12 n = c.st.nv.get(index);
        if (n == null) fail(Tpm12Rc.BADINDEX);
        return n;
    }

    /** What libtpms counts per index besides its data (its serialized NV entry), measured against swtpm 0.7.1. */
    static final int INDEX_OVERHEAD = 53;

    static int used(Tpm12State st) {
        int u = 0;
        for (NvIndex12 n : st.nv.values()) u += INDEX_OVERHEAD + n.dataSize;
        return u;
    }

    /**
     * TPM_NV_DefineSpace (20.1): AUTH1 owner (OSAP; the index secret by ADIP) or, without an owner, physical presence;
     * TPM_BADINDEX (index 0, the D bit, an absent index to delete), TPM_AUTH_CONFLICT / TPM_PER_NOWRITE (attributes),
     * TPM_AREA_LOCKED, TPM_NOSPACE. dataSize 0 deletes; TPM_NV_INDEX_LOCK sets nvLocked.
     */
    static void defineSpace(Command c) {
        c.paramsStartHere();
        NvIndex12 n = NvIndex12.read(c.in);
        byte[] encAuth = c.in.digest();
        c.checkState(CHECK_ALLOW_NO_OWNER | CHECK_NV_NOAUTH);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Tpm12State st = c.st;
        if (n.index == NvIndex12.INDEX_LOCK) {
            if (n.dataSize != 0) fail(Tpm12Rc.BADINDEX);
            if (a != null) OwnershipCommands.ownerAuthorize(c, a);
            st.pf[Tpm12State.PF_NV_LOCKED] = true;
            c.permanentChanged = true;
            return;
        }
        boolean ignoreAuth = !st.pf[Tpm12State.PF_NV_LOCKED];
        if (n.index == NvIndex12.INDEX0) fail(Tpm12Rc.BADINDEX);
        if (!ignoreAuth && (n.index & NvIndex12.D_BIT) != 0) fail(Tpm12Rc.BADINDEX);
        byte[] indexAuth = new byte[20];
        if (a != null) {
            byte[] nonceEven = c.session(a).nonceEven;
            OwnershipCommands.ownerAuthorize(c, a);
            indexAuth = StorageCommands.adip(a.session, encAuth, nonceEven);
            a.continueSession = false;
        } else if (!ignoreAuth) {
            if (!OwnershipCommands.physicalPresence(c)) fail(Tpm12Rc.BAD_PRESENCE);
            if (st.ownerInstalled) fail(Tpm12Rc.OWNER_SET);
            if (n.dataSize == 0) fail(Tpm12Rc.BAD_DATASIZE);
        }
        NvIndex12 old = st.nv.get(n.index);
        if (old != null && !ignoreAuth) {
            if ((old.attributes & NvIndex12.PER_GLOBALLOCK) != 0 && st.sfGlobalLock) fail(Tpm12Rc.AREA_LOCKED);
            if ((old.attributes & NvIndex12.PER_WRITE_STCLEAR) != 0 && old.bWriteSTClear) fail(Tpm12Rc.AREA_LOCKED);
        }
        if (old != null) {
            st.nv.remove(n.index);
            c.permanentChanged = true;
            if (n.dataSize == 0) return;
        }
        int at = n.attributes;
        if ((at & NvIndex12.PER_OWNERWRITE) != 0 && (at & NvIndex12.PER_AUTHWRITE) != 0) fail(Tpm12Rc.AUTH_CONFLICT);
        if ((at & NvIndex12.PER_OWNERREAD) != 0 && (at & NvIndex12.PER_AUTHREAD) != 0) fail(Tpm12Rc.AUTH_CONFLICT);
        // a write PCR selection does not make an index writable (libtpms: TPM_PER_NOWRITE all the same)
        if ((at & (NvIndex12.PER_OWNERWRITE | NvIndex12.PER_AUTHWRITE | NvIndex12.PER_WRITEDEFINE | NvIndex12.PER_PPWRITE)) == 0) {
            fail(Tpm12Rc.PER_NOWRITE);
        }
        if (n.dataSize == 0) fail(Tpm12Rc.BAD_PARAM_SIZE);
        if (Integer.toUnsignedLong(n.dataSize) + INDEX_OVERHEAD > NV_SPACE - used(st)) fail(Tpm12Rc.NOSPACE);
        n.bReadSTClear = false;
        n.bWriteSTClear = false;
        n.bWriteDefine = false;
        n.authValue = indexAuth;
        n.data = new byte[n.dataSize];
        Arrays.fill(n.data, (byte) 0xff);
        st.nv.put(n.index, n);
        c.permanentChanged = true;
    }

    /** TPM_NV_WriteValue (20.2) and TPM_NV_WriteValueAuth (20.3). */
    static void writeValue(Command c) {
        boolean indexAuth = c.ordinal == Ordinal.NV_WriteValueAuth;
        int index = c.in.u32();
        int offset = c.in.u32();
        byte[] data = c.in.sized32();
        c.checkState(CHECK_ALLOW_NO_OWNER | CHECK_NV_NOAUTH);
        if (indexAuth) c.tag(1);
        else c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Tpm12State st = c.st;
        if (index == NvIndex12.INDEX0) { // TPM_NV_INDEX0: sets bGlobalLock
            if (data.length != 0) fail(Tpm12Rc.BADINDEX);
            st.sfGlobalLock = true;
            return;
        }
        NvIndex12 n = find(c, index);
        boolean ignoreAuth = !st.pf[Tpm12State.PF_NV_LOCKED];
        if (indexAuth) {
            if ((n.attributes & NvIndex12.PER_AUTHWRITE) == 0) fail(Tpm12Rc.AUTH_CONFLICT);
            c.authorize(a, 0, n.authValue, Tpm12Rc.AUTHFAIL);
        } else if ((n.attributes & NvIndex12.PER_AUTHWRITE) != 0) {
            fail(Tpm12Rc.AUTH_CONFLICT); // also while nvLocked is FALSE (as reads, libtpms)
        } else if (!ignoreAuth) {
            if ((n.attributes & NvIndex12.PER_OWNERWRITE) != 0) {
                if (a == null) fail(Tpm12Rc.AUTH_CONFLICT);
                OwnershipCommands.ownerAuthorize(c, a);
            } else if (a != null) {
                OwnershipCommands.ownerAuthorize(c, a);
            }
        } else if (a != null) {
            OwnershipCommands.ownerAuthorize(c, a);
        }
        if (!ignoreAuth) {
            if ((n.attributes & NvIndex12.PER_PPWRITE) != 0 && !OwnershipCommands.physicalPresence(c)) fail(Tpm12Rc.BAD_PRESENCE);
            if (indexAuth) NvIndex12.checkPcrs(c, n.pcrInfoWrite); // NV_WriteValueAuth: before the locks (libtpms)
            if (n.bWriteDefine) fail(Tpm12Rc.AREA_LOCKED);
            if ((n.attributes & NvIndex12.PER_GLOBALLOCK) != 0 && st.sfGlobalLock) fail(Tpm12Rc.AREA_LOCKED);
            if ((n.attributes & NvIndex12.PER_WRITE_STCLEAR) != 0 && n.bWriteSTClear) fail(Tpm12Rc.AREA_LOCKED);
            if (!indexAuth) NvIndex12.checkPcrs(c, n.pcrInfoWrite);
        } else if (indexAuth) {
            NvIndex12.checkPcrs(c, n.pcrInfoWrite);
        }
        if (data.length == 0) { // a write of size 0 locks
            if ((n.attributes & NvIndex12.PER_WRITEDEFINE) != 0) n.bWriteDefine = true;
            if ((n.attributes & NvIndex12.PER_WRITE_STCLEAR) != 0) n.bWriteSTClear = true;
            c.permanentChanged = true;
            return;
        }
        long end = Integer.toUnsignedLong(offset) + data.length;
        if (end > n.dataSize) fail(Tpm12Rc.NOSPACE);
        if ((n.attributes & NvIndex12.PER_WRITEALL) != 0 && data.length != n.dataSize) fail(Tpm12Rc.NOT_FULLWRITE);
        System.arraycopy(data, 0, n.data, offset, data.length);
        c.permanentChanged = true;
    }

    /** TPM_NV_ReadValue (20.4) and TPM_NV_ReadValueAuth (20.5). */
    static void readValue(Command c) {
        boolean indexAuth = c.ordinal == Ordinal.NV_ReadValueAuth;
        int index = c.in.u32();
        int offset = c.in.u32();
        int size = c.in.u32();
        c.checkState(CHECK_ALLOW_NO_OWNER | CHECK_NV_NOAUTH);
        if (indexAuth) c.tag(1);
        else c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Tpm12State st = c.st;
        NvIndex12 n = find(c, index);
        boolean ignoreAuth = !st.pf[Tpm12State.PF_NV_LOCKED];
        if (indexAuth) {
            if ((n.attributes & NvIndex12.PER_AUTHREAD) == 0) fail(Tpm12Rc.AUTH_CONFLICT);
            c.authorize(a, 0, n.authValue, Tpm12Rc.AUTHFAIL);
        } else if ((n.attributes & NvIndex12.PER_AUTHREAD) != 0) {
            fail(Tpm12Rc.AUTH_CONFLICT); // also while nvLocked is FALSE (libtpms)
        } else if (!ignoreAuth) {
            if ((n.attributes & NvIndex12.PER_OWNERREAD) != 0 && a == null) fail(Tpm12Rc.AUTH_CONFLICT);
            if (a != null) OwnershipCommands.ownerAuthorize(c, a);
        } else if (a != null) {
            OwnershipCommands.ownerAuthorize(c, a);
        }
        if (!ignoreAuth) {
            if ((n.attributes & NvIndex12.PER_PPREAD) != 0 && !OwnershipCommands.physicalPresence(c)) fail(Tpm12Rc.BAD_PRESENCE);
            if (indexAuth) NvIndex12.checkPcrs(c, n.pcrInfoRead); // NV_ReadValueAuth: before READ_STCLEAR (libtpms)
            if ((n.attributes & NvIndex12.PER_READ_STCLEAR) != 0 && n.bReadSTClear) fail(Tpm12Rc.DISABLED_CMD);
            if (!indexAuth) NvIndex12.checkPcrs(c, n.pcrInfoRead);
        } else if (indexAuth) {
            NvIndex12.checkPcrs(c, n.pcrInfoRead);
        }
        if (size == 0) {
            if ((n.attributes & NvIndex12.PER_READ_STCLEAR) != 0) n.bReadSTClear = true;
            c.out.u32(0);
            return;
        }
        long end = Integer.toUnsignedLong(offset) + Integer.toUnsignedLong(size);
        if (end > n.dataSize) fail(Tpm12Rc.NOSPACE);
        c.out.sized32(Arrays.copyOfRange(n.data, offset, offset + size));
    }
}
