package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALL;
import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.fail;

/**
 * TPM Main Part 3 chapter 25 (Monotonic Counters): TPM_CreateCounter, TPM_IncrementCounter, TPM_ReadCounter,
 * TPM_ReleaseCounter, TPM_ReleaseCounterOwner. As libtpms: countID is the slot index, a new counter starts one above the
 * largest count ever given, and only one counter may be incremented between two Startup(ST_CLEAR)s.
 */
final class CounterCommands {
    private CounterCommands() {}

    static final int TAG_COUNTER_VALUE = 0x000E;
    static final int SLOTS = 8; // what swtpm 0.7.1 reports (TPM_CAP_PROP_MAX_COUNTERS)
    /** TPM_STCLEAR_DATA.countID: none active yet, or the active one released. */
    static final int COUNT_ID_NULL = 0xFFFFFFFF, COUNT_ID_ILLEGAL = 0xFFFFFFFE;

    /** One counter: label, value, authData (the value outlives a release: {@link Tpm12State#counterMax}). */
    record Counter(byte[] label, int value, byte[] auth) {}

    static byte[] value(Counter k) { return new ResponseWriter().u16(TAG_COUNTER_VALUE).bytes(k.label()).u32(k.value()).toByteArray(); }

    private static Counter find(Command c, int countId) {
        Counter k = countId >= 0 && countId < SLOTS ? c.st.counters[countId] : null;
        if (k == null) fail(Tpm12Rc.BAD_COUNTER);
        return k;
    }

    /** TPM_CreateCounter (25.1): owner OSAP, the counter's secret by ADIP; TPM_RESOURCES when every slot is used. */
    static void createCounter(Command c) {
        byte[] encAuth = c.in.digest();
        byte[] label = c.in.bytes(4);
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        byte[] nonceEven = c.session(a).nonceEven;
        if (a.session.protocolId != AuthSession.PID_OSAP) fail(Tpm12Rc.BAD_MODE);
        OwnershipCommands.ownerAuthorize(c, a);
        byte[] auth = StorageCommands.adip(a.session, encAuth, nonceEven);
        Tpm12State st = c.st;
        int slot = -1;
        for (int i = 0; i < SLOTS && slot < 0; i++) if (st.counters[i] == null) slot = i;
        if (slot < 0) fail(Tpm12Rc.RESOURCES);
        Counter k = new Counter(label, st.counterMax + 1, auth);
        st.counterMax = k.value();
        st.counters[slot] = k;
        c.permanentChanged = true;
        c.out.u32(slot).bytes(value(k));
    }

    /** TPM_IncrementCounter (25.2): the counter's secret; TPM_BAD_COUNTER for another than this boot's counter. */
    static void incrementCounter(Command c) {
        int countId = c.in.u32();
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        Tpm12State st = c.st;
        if (st.activeCounter != COUNT_ID_NULL && st.activeCounter != countId) fail(Tpm12Rc.BAD_COUNTER);
        Counter k = find(c, countId);
        c.authorize(a, 0, k.auth(), Tpm12Rc.AUTHFAIL);
        st.activeCounter = countId;
        Counter n = new Counter(k.label(), k.value() + 1, k.auth());
        st.counters[countId] = n;
        st.counterMax = Math.max(st.counterMax, n.value());
        c.permanentChanged = true;
        c.out.bytes(value(n));
    }

    /** TPM_ReadCounter (25.3). */
    static void readCounter(Command c) {
        int countId = c.in.u32();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        c.out.bytes(value(find(c, countId)));
    }

    /** TPM_ReleaseCounter (25.4): the counter's secret. */
    static void releaseCounter(Command c) {
        int countId = c.in.u32();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        Counter k = find(c, countId);
        c.authorize(a, 0, k.auth(), Tpm12Rc.AUTHFAIL);
        release(c, countId);
    }

    /** TPM_ReleaseCounterOwner (25.5): the owner's secret. */
    static void releaseCounterOwner(Command c) {
        int countId = c.in.u32();
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        OwnershipCommands.ownerAuthorize(c, a);
        find(c, countId);
        release(c, countId);
    }

    private static void release(Command c, int countId) {
        c.st.counters[countId] = null;
        if (c.st.activeCounter == countId) c.st.activeCounter = COUNT_ID_ILLEGAL;
        c.permanentChanged = true;
    }
}
