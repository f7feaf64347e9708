package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMU_PUBLIC_ID (Part 2, 12.2.3.2): the unique identifier of an object, selected by its type. In a
 * template it is the caller's entropy for a primary key (the EK templates fill it with zeros). The
 * {@code derive} member of Part 2 is not an arm here: TPMS_DERIVE appears only in a derivation
 * template, chosen by the parent, not by the type ({@link TpmuTemplate}).
 */
public sealed interface TpmuPublicId permits TpmuPublicId.KeyedHash, TpmuPublicId.Sym, TpmuPublicId.Rsa, TpmsEccPoint {

    /** keyedHash: TPM2B_DIGEST, the hash of the obfuscation value and the sensitive data. */
    @Arm(TpmAlg.KEYEDHASH)
    record KeyedHash(@Max(Limits.MAX_DIGEST_SIZE) Bytes digest) implements TpmuPublicId {
        public static final KeyedHash EMPTY = new KeyedHash(Bytes.EMPTY);
    }

    /** sym: TPM2B_DIGEST, the hash of the obfuscation value and the key. */
    @Arm(TpmAlg.SYMCIPHER)
    record Sym(@Max(Limits.MAX_DIGEST_SIZE) Bytes digest) implements TpmuPublicId {
        public static final Sym EMPTY = new Sym(Bytes.EMPTY);
    }

    /** rsa: TPM2B_PUBLIC_KEY_RSA, the modulus. */
    @Arm(TpmAlg.RSA)
    record Rsa(@Max(Limits.MAX_RSA_KEY_BYTES) Bytes n) implements TpmuPublicId {
        public static final Rsa EMPTY = new Rsa(Bytes.EMPTY);
    }

    /** The empty identifier of an object type (size-zero TPM2Bs; for ECC both coordinates empty). */
    static TpmuPublicId empty(int type) {
        return switch (type) {
            case TpmAlg.RSA -> Rsa.EMPTY;
            case TpmAlg.KEYEDHASH -> KeyedHash.EMPTY;
            case TpmAlg.SYMCIPHER -> Sym.EMPTY;
            case TpmAlg.ECC -> TpmsEccPoint.EMPTY;
            default -> throw new IllegalArgumentException("not an object type: " + type);
        };
    }
}
