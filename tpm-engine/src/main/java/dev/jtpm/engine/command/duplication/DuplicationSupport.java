package dev.jtpm.engine.command.duplication;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.SensitiveProtection;
import dev.jtpm.crypto.Unwrapped;
import dev.jtpm.engine.command.object.ObjectSupport;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.structure.TpmtSymDefObject;
import java.util.Arrays;

/**
 * The duplication blob (Part 1, 23.3.2), ms-tpm's SensitiveToDuplicate and DuplicateToSensitive: the marshalled
 * TPM2B_SENSITIVE (authValue padded to the object's nameAlg digest), optionally inside the inner wrapper
 * ({@code CFB(symmetricAlg, encryptionKey, IV 0, size(d) || d || TPM2B_SENSITIVE)}, d = H_nameAlg(TPM2B_SENSITIVE
 * || Name)), optionally inside the outer wrapper of the new parent ({@code size(HMAC) || HMAC || CFB(...)}, keys
 * KDFa(parent nameAlg, seed, "STORAGE", Name) and KDFa(parent nameAlg, seed, "INTEGRITY"), the parent's symmetric
 * definition, IV 0). No seed: no outer wrapper; TPM_ALG_NULL: no inner wrapper.
 */
final class DuplicationSupport {
    private DuplicationSupport() {}

    /** Key size in octets of an inner wrapper's symmetric definition. */
    static int innerKeySize(TpmtSymDefObject symmetricAlg) {
        return (ObjectSupport.symKeyBits(symmetricAlg) + 7) / 8;
    }

    /**
     * SensitiveToDuplicate.
     *
     * @param parent the new parent (ignored when {@code seed} is empty)
     * @param innerKey the inner wrapper's key (ignored when {@code symmetricAlg} is TPM_ALG_NULL)
     */
    static Bytes sensitiveToDuplicate(TpmtSensitive sensitive, Bytes name, int nameAlg, TpmObject parent, Secret seed,
                                      TpmtSymDefObject symmetricAlg, Secret innerKey) {
        byte[] marshalled = ObjectSupport.marshalSensitive(nameAlg, sensitive);
        byte[] content = new byte[2 + marshalled.length];
        content[0] = (byte) (marshalled.length >>> 8);
        content[1] = (byte) marshalled.length;
        System.arraycopy(marshalled, 0, content, 2, marshalled.length);
        Arrays.fill(marshalled, (byte) 0);
        if (symmetricAlg.algorithm() != TpmAlg.NULL) {
            byte[] inner = SensitiveProtection.innerWrapSized(nameAlg, symmetricAlg.algorithm(), innerKey, name.unsafeArray(),
                    content).toArray();
            Arrays.fill(content, (byte) 0);
            content = inner;
        }
        if (seed.isEmpty()) return Bytes.wrap(content);
        TpmtSymDefObject sym = ObjectSupport.symmetricOf(parent.publicArea());
        return SensitiveProtection.outerWrap(parent.publicArea().nameAlg(), seed, sym.algorithm(), ObjectSupport.symKeyBits(sym),
                name.unsafeArray(), content);
    }

    /**
     * DuplicateToSensitive, failing without an index, in ms-tpm's order: the outer wrapper (integrity field larger
     * than a digest: TPM_RC_SIZE, cut short: TPM_RC_INSUFFICIENT, HMAC wrong: TPM_RC_INTEGRITY), the inner wrapper
     * (the same three for its digest), then the TPM2B_SENSITIVE (cut short: TPM_RC_INSUFFICIENT; its size not the
     * rest's, or octets left after the TPMT_SENSITIVE: TPM_RC_SIZE; the TPMT_SENSITIVE's own unmarshalling codes).
     */
    static TpmtSensitive duplicateToSensitive(Bytes duplicate, Bytes name, int nameAlg, TpmObject parent, Secret seed,
                                              TpmtSymDefObject symmetricAlg, Secret innerKey) {
        byte[] data = duplicate.toArray();
        if (!seed.isEmpty()) {
            TpmtSymDefObject sym = ObjectSupport.symmetricOf(parent.publicArea());
            data = plain(SensitiveProtection.outerUnwrap(parent.publicArea().nameAlg(), seed, sym.algorithm(),
                    ObjectSupport.symKeyBits(sym), name.unsafeArray(), data));
        }
        if (symmetricAlg.algorithm() != TpmAlg.NULL) {
            data = plain(SensitiveProtection.innerUnwrapSized(nameAlg, symmetricAlg.algorithm(), innerKey, name.unsafeArray(), data));
        }
        try {
            if (data.length < 2) throw new TpmFailure(TpmRc.INSUFFICIENT);
            int size = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
            if (size + 2 != data.length) throw new TpmFailure(TpmRc.SIZE);
            return TpmCodec.decode(TpmtSensitive.class, Arrays.copyOfRange(data, 2, data.length));
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    private static byte[] plain(Unwrapped u) {
        return switch (u) {
            case Unwrapped.Refused r -> throw new TpmFailure(ObjectSupport.refusal(r.failure()));
            case Unwrapped.Ok ok -> ok.plain().toArray();
        };
    }

    /** The size of a TPM2B_PRIVATE's buffer ({@code sizeof(_PRIVATE)}). */
    static final int PRIVATE_BUFFER = dev.jtpm.types.structure.Limits.PRIVATE_SIZE;

    /** The size of an outer integrity field with the nameAlg of {@code parent}. */
    static int outerIntegritySize(TpmObject parent) {
        return 2 + Hashes.digestSize(parent.publicArea().nameAlg());
    }
}
