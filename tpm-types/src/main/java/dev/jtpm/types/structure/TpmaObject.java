package dev.jtpm.types.structure;

import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import java.util.ArrayList;
import java.util.List;

/**
 * TPMA_OBJECT (Part 2, 8.3): the attributes of an object, a value type over the 32-bit word with
 * named accessors. Every bit is kept, reserved ones too, so that a record built in Java or read by a
 * lenient reader still shows them and the engine can reject them; a strict reader rejects them while
 * unmarshalling with TPM_RC_RESERVED_BITS ({@link Tpmi#TPMA_OBJECT}), as ms-tpm-20-ref and libtpms do.
 *
 * @param value the attribute word as it travels on the wire
 */
public record TpmaObject(@Is(Tpmi.TPMA_OBJECT) int value) {
    /** Bit 1: the hierarchy of the object may not change (and it cannot be duplicated). */
    public static final int FIXED_TPM = 1 << 1;
    /** Bit 2: saved contexts of the object cannot be loaded after Startup(CLEAR). */
    public static final int ST_CLEAR = 1 << 2;
    /** Bit 4: the parent of the object may not change. */
    public static final int FIXED_PARENT = 1 << 4;
    /** Bit 5: the TPM generated all of the sensitive data other than the authValue. */
    public static final int SENSITIVE_DATA_ORIGIN = 1 << 5;
    /** Bit 6: USER role actions may be authorized with the authValue or an HMAC session. */
    public static final int USER_WITH_AUTH = 1 << 6;
    /** Bit 7: ADMIN role actions need a policy session. */
    public static final int ADMIN_WITH_POLICY = 1 << 7;
    /** Bit 10: the object is not subject to dictionary-attack protection. */
    public static final int NO_DA = 1 << 10;
    /** Bit 11: duplication needs an inner wrapper and a symmetric seed. */
    public static final int ENCRYPTED_DUPLICATION = 1 << 11;
    /** Bit 16: key usage is restricted to structures the TPM made (or to storage, with decrypt). */
    public static final int RESTRICTED = 1 << 16;
    /** Bit 17: the private part may decrypt. */
    public static final int DECRYPT = 1 << 17;
    /** Bit 18: the private part may sign (sign / encrypt for symmetric keys). */
    public static final int SIGN_ENCRYPT = 1 << 18;
    /** Bit 19: the private part may sign X.509 certificates (TPM2_CertifyX509). */
    public static final int X509_SIGN = 1 << 19;
    /** The reserved bits: 0, 3, 8, 9, 12..15, 20..31. */
    public static final int RESERVED = 0xFFF0F309;

    /** An attribute word with the given bits (OR of the constants above). */
    public static TpmaObject of(int... bits) {
        int v = 0;
        for (int b : bits) v |= b;
        return new TpmaObject(v);
    }

    /** True if every bit of {@code bits} is set. */
    public boolean has(int bits) { return (value & bits) == bits; }

    /** This word with {@code bits} set as well. */
    public TpmaObject with(int bits) { return new TpmaObject(value | bits); }

    /** This word with {@code bits} cleared. */
    public TpmaObject without(int bits) { return new TpmaObject(value & ~bits); }

    public boolean fixedTpm() { return has(FIXED_TPM); }

    public boolean stClear() { return has(ST_CLEAR); }

    public boolean fixedParent() { return has(FIXED_PARENT); }

    public boolean sensitiveDataOrigin() { return has(SENSITIVE_DATA_ORIGIN); }

    public boolean userWithAuth() { return has(USER_WITH_AUTH); }

    public boolean adminWithPolicy() { return has(ADMIN_WITH_POLICY); }

    public boolean noDa() { return has(NO_DA); }

    public boolean encryptedDuplication() { return has(ENCRYPTED_DUPLICATION); }

    public boolean restricted() { return has(RESTRICTED); }

    public boolean decrypt() { return has(DECRYPT); }

    /** TPMA_OBJECT.sign (asymmetric keys) or .encrypt (symmetric keys): the same bit. */
    public boolean signEncrypt() { return has(SIGN_ENCRYPT); }

    public boolean x509Sign() { return has(X509_SIGN); }

    /** The reserved bits that are set (0 when none). */
    public int reservedBits() { return value & RESERVED; }

    /** True if any reserved bit is set: the engine answers TPM_RC_RESERVED_BITS. */
    public boolean hasReservedBits() { return reservedBits() != 0; }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        if (fixedTpm()) names.add("fixedTPM");
        if (stClear()) names.add("stClear");
        if (fixedParent()) names.add("fixedParent");
        if (sensitiveDataOrigin()) names.add("sensitiveDataOrigin");
        if (userWithAuth()) names.add("userWithAuth");
        if (adminWithPolicy()) names.add("adminWithPolicy");
        if (noDa()) names.add("noDA");
        if (encryptedDuplication()) names.add("encryptedDuplication");
        if (restricted()) names.add("restricted");
        if (decrypt()) names.add("decrypt");
        if (signEncrypt()) names.add("sign");
        if (x509Sign()) names.add("x509sign");
        if (hasReservedBits()) names.add(String.format("reserved=0x%08x", reservedBits()));
        return String.format("TpmaObject[0x%08x %s]", value, String.join("|", names));
    }
}
