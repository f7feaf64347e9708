package dev.jtpm.tpm12;

import java.security.MessageDigest;

/**
 * The PCR info of a key (Part 2, 10.2/10.3): TPM_PCR_INFO for a TPM_KEY, TPM_PCR_INFO_LONG for a TPM_KEY12. Parsed
 * when the key is read, as libtpms' TPM_Key_LoadPubData does; {@link #atCreation} fills the creation values
 * (TPM_CreateWrapKey), {@link #check} enforces the release values at use (libtpms' TPM_Key_CheckPCRDigest).
 *
 * @param isLong            TPM_PCR_INFO_LONG
 * @param localityAtRelease TPM_LOCALITY_SELECTION (0x1f for TPM_PCR_INFO)
 * @param creationSelection the TPM_PCR_SELECTION structure digestAtCreation covers (TPM_PCR_INFO: its only one)
 * @param releaseSelection  the TPM_PCR_SELECTION structure digestAtRelease covers
 */
record KeyPcrInfo(boolean isLong, int localityAtCreation, int localityAtRelease, byte[] creationSelection,
                  boolean[] creation, byte[] releaseSelection, boolean[] release, byte[] digestAtCreation,
                  byte[] digestAtRelease) {
    static final int TAG_PCR_INFO_LONG = 0x0006, LOC_ALL = 0x1f;

    /**
     * Parses a key's non-empty pcrInfo: TPM_INVALID_PCR_INFO (a selection too large), TPM_INVALID_STRUCTURE (wrong tag,
     * an illegal locality selection), TPM_BAD_PARAM_SIZE (cut short). Octets after the structure are ignored, as in
     * libtpms (which serializes the parsed structure again).
     */
    static KeyPcrInfo parse(byte[] info, boolean isLong) {
        CommandReader r = new CommandReader(info, 0, info.length);
        if (!isLong) {
            int start = r.position();
            boolean[] sel = PcrCommands.readSelection(r);
            byte[] selStruct = r.slice(start, r.position());
            byte[] atRelease = r.digest();
            byte[] atCreation = r.digest();
            return new KeyPcrInfo(false, 0, LOC_ALL, selStruct, sel, selStruct, sel, atCreation, atRelease);
        }
        if (r.u16() != TAG_PCR_INFO_LONG) throw new Tpm12Failure(Tpm12Rc.INVALID_STRUCTURE);
        int locCreation = legalLocality(r.u8());
        int locRelease = legalLocality(r.u8());
        int s1 = r.position();
        boolean[] creation = PcrCommands.readSelection(r);
        byte[] creationSel = r.slice(s1, r.position());
        int s2 = r.position();
        boolean[] release = PcrCommands.readSelection(r);
        byte[] releaseSel = r.slice(s2, r.position());
        byte[] atCreation = r.digest();
        byte[] atRelease = r.digest();
        return new KeyPcrInfo(true, locCreation, locRelease, creationSel, creation, releaseSel, release, atCreation, atRelease);
    }

    private static int legalLocality(int loc) {
        if (loc == 0 || (loc & ~LOC_ALL) != 0) throw new Tpm12Failure(Tpm12Rc.INVALID_STRUCTURE);
        return loc;
    }

    /**
     * This info with digestAtCreation over the creation selection now (all zeros when it selects nothing, Part 2 5.4.1
     * as libtpms) and, in the long form, localityAtCreation = the command's locality.
     */
    KeyPcrInfo atCreation(Tpm12State st, int locality) {
        boolean any = false;
        for (boolean b : creation) any |= b;
        byte[] now = any ? StorageCommands.compositeDigest(st, creationSelection, creation) : new byte[20];
        return new KeyPcrInfo(isLong, isLong ? 1 << locality : 0, localityAtRelease, creationSelection, creation,
                releaseSelection, release, now, digestAtRelease);
    }

    /** Whether the release selection names a PCR from octet {@code fromOctet} on (libtpms' TPM_Key_GetPCRUsage). */
    boolean releaseUses(int fromOctet) {
        for (int i = fromOctet * 8; i < release.length; i++) if (release[i]) return true;
        return false;
    }

    /** TPM_PCR_INFO as TPM_CertifyKey reports it: the release selection and digest, digestAtCreation zero. */
    byte[] certifyPcrInfo() {
        return new ResponseWriter().bytes(releaseSelection).bytes(digestAtRelease).bytes(new byte[20]).toByteArray();
    }

    /** TPM_PCR_INFO_SHORT of the release values, as TPM_CertifyKey2 (and TPM_CertifyKey's 1.2 form) report them. */
    byte[] certifyPcrInfoShort() {
        return new ResponseWriter().bytes(releaseSelection).u8(localityAtRelease).bytes(digestAtRelease).toByteArray();
    }

    /** The structure's octets (TPM_PCR_INFO or TPM_PCR_INFO_LONG). */
    byte[] encode() {
        ResponseWriter w = new ResponseWriter();
        if (!isLong) return w.bytes(releaseSelection).bytes(digestAtRelease).bytes(digestAtCreation).toByteArray();
        return w.u16(TAG_PCR_INFO_LONG).u8(localityAtCreation).u8(localityAtRelease).bytes(creationSelection)
                .bytes(releaseSelection).bytes(digestAtCreation).bytes(digestAtRelease).toByteArray();
    }

    /**
     * Key use (Part 1, 25.1): with a release selection the composite digest must equal digestAtRelease, and the long
     * form's localityAtRelease must include the command's locality. libtpms answers TPM_WRONGPCRVAL for both
     * (TPM_Key_CheckPCRDigest maps every failure to it).
     */
    void check(Tpm12State st, int locality) {
        boolean any = false;
        for (boolean b : release) any |= b;
        if (any && !MessageDigest.isEqual(StorageCommands.compositeDigest(st, releaseSelection, release), digestAtRelease)) {
            throw new Tpm12Failure(Tpm12Rc.WRONGPCRVAL);
        }
        if (isLong && localityAtRelease != LOC_ALL && (localityAtRelease & 1 << locality) == 0) {
            throw new Tpm12Failure(Tpm12Rc.WRONGPCRVAL);
        }
    }

    @Override
    public String toString() {
        return "KeyPcrInfo[long=" + isLong + ", localityAtRelease=" + localityAtRelease + "]";
    }
}
