package dev.jtpm.cros;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code NvReadPublicCommand} (reference §3.5): the synthesized public area of the certificate index — nameAlg
 * SHA-256, attributes 0x42042001, empty policy, dataSize = the certificate's length — and its Name; a session tag is
 * TPM_RC_BAD_TAG, another index TPM_RC_NV_SPACE.
 */
final class NvReadPublicCommand implements VtpmCommand {
    static final int CC = 0x169;

    private final NvSpaceManager nv;

    NvReadPublicCommand(NvSpaceManager nv) { this.nv = nv; }

    @Override
    public byte[] run(byte[] command) {
        try {
            CommandReader r = new CommandReader(command);
            CommandReader.Header h = r.parseHeader();
            if (h.cc() != CC) throw new VtpmException(VtpmRc.COMMAND_CODE);
            if (h.tag() != CommandReader.ST_NO_SESSIONS) throw new VtpmException(VtpmRc.BAD_TAG);
            int index = r.u32();
            r.requireEnd();
            int dataSize = nv.dataSize(index);
            int attributes = nv.attributes(index);
            int nameAlg = nv.nameAlgorithm(index);
            byte[] nvPublic = nvPublic(index, nameAlg, attributes, dataSize);
            byte[] name = name(nameAlg, nvPublic);
            return new Responses.Builder(CommandReader.ST_NO_SESSIONS).tpm2b(nvPublic).tpm2b(name).build();
        } catch (VtpmException e) {
            return Responses.headerOnly(e.rc());
        }
    }

    /** TPMS_NV_PUBLIC: index, nameAlg, attributes, an empty authPolicy, dataSize (14 octets). */
    static byte[] nvPublic(int index, int nameAlg, int attributes, int dataSize) {
        byte[] b = new byte[14];
        CommandReader.putU32(b, 0, index);
        b[4] = (byte) (nameAlg >>> 8);
        b[5] = (byte) nameAlg;
        CommandReader.putU32(b, 6, attributes);
        b[12] = (byte) (dataSize >>> 8);
        b[13] = (byte) dataSize;
        return b;
    }

    /** {@code ComputeNvName}: nameAlg || SHA-256(TPMS_NV_PUBLIC); TPM_RC_HASH for any other nameAlg. */
    static byte[] name(int nameAlg, byte[] nvPublic) throws VtpmException {
        if (nameAlg != NvSpaceManager.NAME_ALG_SHA256) throw new VtpmException(VtpmRc.HASH);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(nvPublic);
            byte[] name = new byte[2 + d.length];
            name[0] = (byte) (nameAlg >>> 8);
            name[1] = (byte) nameAlg;
            System.arraycopy(d, 0, name, 2, d.length);
            return name;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
