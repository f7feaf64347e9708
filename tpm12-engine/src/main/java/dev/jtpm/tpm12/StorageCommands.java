package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.fail;

/** Key handles and the storage commands of TPM Main Part 3 chapters 10 and 27 (filled in by later slices). */
final class StorageCommands {
    private StorageCommands() {}

    /** The SRK (TPM_KH_SRK); TPM_INVALID_KEYHANDLE without an owner. */
    static Key12 srk(Command c) {
        if (c.st.srkBlob == null) fail(Tpm12Rc.INVALID_KEYHANDLE);
        Key12 k = c.st.srkCache;
        if (k == null) k = c.st.srkCache = Key12.unmarshal(c.st.srkBlob);
        return k;
    }

    /** A loaded key or the SRK; TPM_INVALID_KEYHANDLE otherwise. */
    static Key12 key(Command c, int handle) {
        if (handle == OwnershipCommands.KH_SRK) return srk(c);
        Key12 k = c.st.keys.get(handle);
        if (k == null) fail(Tpm12Rc.INVALID_KEYHANDLE);
        return k;
    }
}
