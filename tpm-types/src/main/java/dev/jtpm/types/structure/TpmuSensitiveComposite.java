package dev.jtpm.types.structure;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/** TPMU_SENSITIVE_COMPOSITE (Part 2, 12.3.2.3): the private part of an object, selected by its type. */
public sealed interface TpmuSensitiveComposite permits TpmuSensitiveComposite.Rsa, TpmuSensitiveComposite.Ecc,
        TpmuSensitiveComposite.Bits, TpmuSensitiveComposite.Sym {

    /** rsa: TPM2B_PRIVATE_KEY_RSA, one prime factor of the modulus. */
    @Arm(TpmAlg.RSA)
    record Rsa(@Max(Limits.RSA_PRIVATE_SIZE) Secret prime) implements TpmuSensitiveComposite {}

    /** ecc: TPM2B_ECC_PARAMETER, the private scalar d. */
    @Arm(TpmAlg.ECC)
    record Ecc(@Max(Limits.MAX_ECC_KEY_BYTES) Secret d) implements TpmuSensitiveComposite {}

    /** bits: TPM2B_SENSITIVE_DATA, the HMAC key or the sealed data of a keyed-hash object. */
    @Arm(TpmAlg.KEYEDHASH)
    record Bits(@Max(Limits.MAX_SYM_DATA) Secret bits) implements TpmuSensitiveComposite {}

    /** sym: TPM2B_SYM_KEY, the key of a symmetric cipher object. */
    @Arm(TpmAlg.SYMCIPHER)
    record Sym(@Max(Limits.MAX_SYM_KEY_BYTES) Secret key) implements TpmuSensitiveComposite {}
}
