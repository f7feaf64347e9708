package dev.jtpm.engine.state;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmsNvPublic;
import java.nio.ByteBuffer;

/**
 * One NV index (ms-tpm's NV_INDEX and its data): the public area, the authValue (trailing zeros removed at
 * TPM2_NV_DefineSpace and TPM2_NV_ChangeAuth) and the data, always {@code dataSize} octets (zeros until written).
 * Immutable; {@link NvIndices} replaces it as a whole.
 */
public record NvIndex(TpmsNvPublic publicArea, Secret authValue, Bytes data) {
    public int handle() { return publicArea.nvIndex(); }

    public int attributes() { return publicArea.attributes(); }

    public boolean has(int bit) { return publicArea.has(bit); }

    public int type() { return publicArea.type(); }

    /** The Name: nameAlg || H_nameAlg(TPMS_NV_PUBLIC) (Part 1, 16; ms-tpm NvGetIndexName). */
    public Bytes name() {
        byte[] digest = Hashes.digest(publicArea.nameAlg()).digest(TpmCodec.encode(publicArea));
        return Bytes.wrap(ByteBuffer.allocate(2 + digest.length).putShort((short) publicArea.nameAlg()).put(digest).array());
    }

    /**
     * True when the index is one this TPM could have made: an implemented nameAlg, data of {@code dataSize} octets,
     * 8 octets for counter, bit-field and PIN indices, the nameAlg's digest size for extend indices. Stored state that
     * fails this is corrupt (found by fuzzing the state loaders: docs/robustness.md).
     */
    public boolean consistent() {
        int alg = publicArea.nameAlg();
        if (!dev.jtpm.types.structure.TpmiAlgHash.isImplemented(alg) || data.size() != publicArea.dataSize()) return false;
        return switch (type()) {
            case TpmaNv.NT_COUNTER, TpmaNv.NT_BITS, TpmaNv.NT_PIN_FAIL, TpmaNv.NT_PIN_PASS -> data.size() == 8;
            case TpmaNv.NT_EXTEND -> data.size() == dev.jtpm.types.TpmAlg.digestSize(alg);
            default -> true;
        };
    }

    /** The data as a big-endian UINT64 (counter, bit field and PIN indices). */
    public long u64() { return ByteBuffer.wrap(data.unsafeArray()).getLong(); }

    public NvIndex withAttributes(int attributes) { return new NvIndex(publicArea.withAttributes(attributes), authValue, data); }

    public NvIndex withData(Bytes d) { return new NvIndex(publicArea, authValue, d); }

    public NvIndex withAuth(Secret auth) { return new NvIndex(publicArea, auth, data); }

    /** This index with {@code value} as its UINT64 data, and WRITTEN. */
    public NvIndex withU64(long value) {
        return new NvIndex(publicArea.withAttributes(attributes() | TpmaNv.WRITTEN), authValue,
                Bytes.wrap(ByteBuffer.allocate(8).putLong(value).array()));
    }
}
