package dev.jtpm.cros;

/**
 * {@code NvReadCommand} (reference §3.6): TPM2_NV_Read of the certificate index with a password session. Checks in
 * the reference's order: not TPM_RS_PW → HANDLE; authHandle neither the index nor TPM_RH_OWNER → NV_AUTHORIZATION;
 * size over 1024 → VALUE; the NV manager (NV_SPACE, BAD_AUTH for a non-empty password, the certificate's rc); range →
 * NV_RANGE. The answer carries one password-session response (empty nonce, continueSession, empty HMAC).
 */
final class NvReadCommand implements VtpmCommand {
    static final int CC = 0x14E;
    static final int MAX_NV_BUFFER_SIZE = 1024;
    private static final int RS_PW = 0x40000009, RH_OWNER = 0x40000001;

    private final NvSpaceManager nv;

    NvReadCommand(NvSpaceManager nv) { this.nv = nv; }

    @Override
    public byte[] run(byte[] command) {
        try {
            CommandReader r = new CommandReader(command);
            CommandReader.Header h = r.parseHeader();
            if (h.cc() != CC) throw new VtpmException(VtpmRc.COMMAND_CODE);
            if (h.tag() == CommandReader.ST_NO_SESSIONS) throw new VtpmException(VtpmRc.AUTH_MISSING);
            int authHandle = r.u32();
            int nvIndex = r.u32();
            int authSize = r.u32();
            if (Integer.compareUnsigned(authSize, r.remaining()) > 0) throw new VtpmException(VtpmRc.AUTHSIZE);
            int areaEnd = r.position() + authSize;
            byte[] area = r.bytes(authSize);
            CommandReader a = new CommandReader(area);
            int sessionHandle = a.u32();
            a.tpm2b(CommandReader.DIGEST_BUFFER); // nonce
            a.u8(); // attributes
            byte[] hmac = a.tpm2b(CommandReader.DIGEST_BUFFER);
            assert r.position() == areaEnd;
            int size = r.u16();
            int offset = r.u16();
            r.requireEnd();

            if (sessionHandle != RS_PW) throw new VtpmException(VtpmRc.HANDLE);
            if (authHandle != nvIndex && authHandle != RH_OWNER) throw new VtpmException(VtpmRc.NV_AUTHORIZATION);
            if (size > MAX_NV_BUFFER_SIZE) throw new VtpmException(VtpmRc.VALUE);
            byte[] data = nv.read(nvIndex, hmac);
            if (data.length < offset + size) throw new VtpmException(VtpmRc.NV_RANGE);
            byte[] out = java.util.Arrays.copyOfRange(data, offset, offset + size);
            return new Responses.Builder(CommandReader.ST_SESSIONS)
                    .u32(2 + out.length).tpm2b(out)
                    .u16(0).u8(1).u16(0)
                    .build();
        } catch (VtpmException e) {
            return Responses.headerOnly(e.rc());
        }
    }
}
