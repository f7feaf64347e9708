package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.fail;

import java.util.Arrays;

/**
 * TPM Main Part 3 chapter 16 (Integrity Collection and Reporting): TPM_Extend, TPM_PCRRead, TPM_PCR_Reset, with the
 * PC Client PCR attributes libtpms uses (24 SHA-1 PCRs; 16 and 23 resettable anywhere, 17..22 by locality).
 */
final class PcrCommands {
    private PcrCommands() {}

    /** TPM_Extend (16.1): TPM_BADINDEX, TPM_BAD_LOCALITY (pcrExtendLocal; PCR 17 at 0 only from locality 4). */
    static void extend(Command c) {
        int pcr = c.in.u32();
        byte[] inDigest = c.in.digest();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        c.out.bytes(extendCommon(c, pcr, inDigest));
    }

    /** libtpms' TPM_ExtendCommon: the index and locality checks, then the extend; answers the new value. */
    static byte[] extendCommon(Command c, int pcr, byte[] inDigest) {
        if (pcr < 0 || pcr >= Tpm12State.NUM_PCR) fail(Tpm12Rc.BADINDEX);
        checkLocality(Tpm12State.extendLocalities(pcr), c.locality);
        byte[] current = c.st.pcrs[pcr];
        if (pcr == 17 && c.locality != 4 && Arrays.equals(current, new byte[20])) fail(Tpm12Rc.BAD_LOCALITY);
        byte[] v = Crypto12.sha1(current, inDigest);
        c.st.pcrs[pcr] = v;
        return v;
    }

    /** TPM_PCRRead (16.2): TPM_BADINDEX. */
    static void pcrRead(Command c) {
        int pcr = c.in.u32();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        if (pcr < 0 || pcr >= Tpm12State.NUM_PCR) fail(Tpm12Rc.BADINDEX);
        c.out.bytes(c.st.pcrs[pcr]);
    }

    /** Reads a TPM_PCR_SELECTION: sizeOfSelect above 3 is TPM_INVALID_PCR_INFO while loading. */
    static boolean[] readSelection(CommandReader in) {
        int size = in.u16();
        if (size > Tpm12State.NUM_PCR / 8) fail(Tpm12Rc.INVALID_PCR_INFO);
        byte[] bits = in.bytes(size);
        boolean[] sel = new boolean[Tpm12State.NUM_PCR];
        for (int i = 0; i < size * 8; i++) sel[i] = (bits[i / 8] >> (i % 8) & 1) != 0;
        return sel;
    }

    /**
     * TPM_PCR_Reset (16.4): TPM_INVALID_PCR_INFO (no PCR selected), TPM_NOTRESETABLE, TPM_NOTLOCAL; every selected PCR
     * is checked before any is reset.
     */
    static void pcrReset(Command c) {
        boolean[] sel = readSelection(c.in);
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        boolean any = false;
        for (boolean b : sel) any |= b;
        if (!any) fail(Tpm12Rc.INVALID_PCR_INFO);
        for (int i = 0; i < sel.length; i++) {
            if (!sel[i]) continue;
            if (!Tpm12State.resettable(i)) fail(Tpm12Rc.NOTRESETABLE);
            if ((Tpm12State.resetLocalities(i) & 1 << c.locality) == 0) fail(Tpm12Rc.NOTLOCAL);
        }
        for (int i = 0; i < sel.length; i++) {
            if (sel[i]) c.st.pcrs[i] = i == 16 || i == 23 ? new byte[20] : Tpm12State.resetValue(i, c.st.tosPresent);
        }
    }

    /** TPM_Locality_Check: the locality's bit must be set in the map. */
    static void checkLocality(int map, int locality) {
        if (locality < 0 || locality > 4 || (map & 1 << locality) == 0) fail(Tpm12Rc.BAD_LOCALITY);
    }
}
