package dev.jtpm.tpm12;

import java.util.Arrays;

/**
 * A TPM 1.2 NV index (TPM_NV_DATA_SENSITIVE, Part 2, 19.3): its TPM_NV_DATA_PUBLIC as given (PCR infos kept as
 * octets), the attributes, the lock flags, authValue and data.
 */
final class NvIndex12 {
    static final int TAG_NV_DATA_PUBLIC = 0x0018, TAG_NV_ATTRIBUTES = 0x0017;
    static final int PER_PPWRITE = 0x1, PER_OWNERWRITE = 0x2, PER_AUTHWRITE = 0x4, PER_WRITEALL = 0x1000,
            PER_WRITEDEFINE = 0x2000, PER_WRITE_STCLEAR = 0x4000, PER_GLOBALLOCK = 0x8000, PER_PPREAD = 0x10000,
            PER_OWNERREAD = 0x20000, PER_AUTHREAD = 0x40000, PER_READ_STCLEAR = 0x80000000;
    static final int INDEX_LOCK = 0xFFFFFFFF, INDEX0 = 0, INDEX_DIR = 0x10000001, D_BIT = 0x10000000;

    int index;
    byte[] pcrInfoRead, pcrInfoWrite;
    int attributes;
    boolean bReadSTClear, bWriteSTClear, bWriteDefine;
    int dataSize;
    byte[] authValue = new byte[20];
    byte[] data;

    /** Reads TPM_NV_DATA_PUBLIC. */
    static NvIndex12 read(CommandReader in) {
        NvIndex12 n = new NvIndex12();
        if (in.u16() != TAG_NV_DATA_PUBLIC) throw new Tpm12Failure(Tpm12Rc.BAD_PARAMETER);
        n.index = in.u32();
        n.pcrInfoRead = pcrInfoShort(in);
        n.pcrInfoWrite = pcrInfoShort(in);
        if (in.u16() != TAG_NV_ATTRIBUTES) throw new Tpm12Failure(Tpm12Rc.BAD_PARAMETER);
        n.attributes = in.u32();
        n.bReadSTClear = in.bool();
        n.bWriteSTClear = in.bool();
        n.bWriteDefine = in.bool();
        n.dataSize = in.u32();
        return n;
    }

    /** TPM_PCR_INFO_SHORT: selection, localityAtRelease (none, or any above 0x1F: TPM_INVALID_STRUCTURE), digestAtRelease. */
    private static byte[] pcrInfoShort(CommandReader in) {
        int start = in.position();
        PcrCommands.readSelection(in);
        int locality = in.u8();
        if (locality == 0 || (locality & ~0x1F) != 0) throw new Tpm12Failure(Tpm12Rc.INVALID_STRUCTURE);
        in.digest();
        return in.slice(start, in.position());
    }

    /**
     * libtpms' TPM_PCRInfoShort_CheckDigest for pcrInfoRead / pcrInfoWrite: a selection's composite digest must equal
     * digestAtRelease (TPM_WRONGPCRVAL), then the command's locality must be in localityAtRelease (TPM_BAD_LOCALITY).
     */
    static void checkPcrs(Command c, byte[] info) {
        CommandReader in = new CommandReader(info, 0, info.length);
        boolean[] sel = PcrCommands.readSelection(in);
        int selectionEnd = in.position();
        int locality = in.u8();
        byte[] digestAtRelease = in.digest();
        if (selectsPcrs(info)) {
            byte[] digest = StorageCommands.compositeDigest(c.st, java.util.Arrays.copyOf(info, selectionEnd), sel);
            if (!java.security.MessageDigest.isEqual(digest, digestAtRelease)) Command.fail(Tpm12Rc.WRONGPCRVAL);
        }
        if (locality != 0x1F) PcrCommands.checkLocality(locality, c.locality);
    }

    /** The PCR selection of a TPM_PCR_INFO_SHORT selects at least one PCR. */
    static boolean selectsPcrs(byte[] info) {
        int size = (info[0] & 0xff) << 8 | info[1] & 0xff;
        for (int i = 0; i < size; i++) if (info[2 + i] != 0) return true;
        return false;
    }

    /** TPM_NV_DATA_PUBLIC as TPM_GetCapability(TPM_CAP_NV_INDEX) answers it. */
    byte[] publicArea() {
        return new ResponseWriter().u16(TAG_NV_DATA_PUBLIC).u32(index).bytes(pcrInfoRead).bytes(pcrInfoWrite)
                .u16(TAG_NV_ATTRIBUTES).u32(attributes).bool(bReadSTClear).bool(bWriteSTClear).bool(bWriteDefine).u32(dataSize)
                .toByteArray();
    }

    /** For the permanent blob. */
    byte[] marshal() {
        return new ResponseWriter().sized32(publicArea()).bytes(authValue).sized32(data).toByteArray();
    }

    static NvIndex12 unmarshal(CommandReader in) {
        byte[] pub = in.sized32();
        NvIndex12 n = read(new CommandReader(pub, 0, pub.length));
        n.authValue = in.digest();
        n.data = in.sized32();
        return n;
    }

    @Override
    public String toString() { return "NvIndex12[0x" + Integer.toHexString(index) + ", " + dataSize + " octets]"; }

    NvIndex12 withData(byte[] d) {
        data = Arrays.copyOf(d, d.length);
        return this;
    }
}
