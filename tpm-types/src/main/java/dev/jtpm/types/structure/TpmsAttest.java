package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_ATTEST (Part 2, 10.12.12): the structure the TPM signs in TPM2_Certify, TPM2_Quote,
 * TPM2_GetTime and the other attestation commands. TPM2B_ATTEST (10.12.13) is a
 * {@code @Sized TpmsAttest} component: the signature covers exactly its marshalled octets, which
 * the codec reproduces.
 *
 * @param magic {@link #TPM_GENERATED_VALUE} when the TPM made the structure
 * @param type TPMI_ST_ATTEST, the selector of {@code attested}
 * @param qualifiedSigner the Qualified Name of the signing key
 * @param extraData the caller's qualifyingData (TPM2B_DATA)
 * @param clockInfo Clock, resetCount, restartCount, safe (obfuscated outside the endorsement and platform hierarchies)
 * @param firmwareVersion the TPM vendor firmware version (obfuscated likewise)
 * @param attested the arm of {@code type}
 */
public record TpmsAttest(int magic, @U16 int type, @Max(Limits.NAME_SIZE) Bytes qualifiedSigner,
                         @Max(Limits.DATA_SIZE) Bytes extraData, TpmsClockInfo clockInfo, long firmwareVersion,
                         @SelectedBy("type") TpmuAttest attested) {
    /** TPM_GENERATED_VALUE (Part 2, 6.2): "\xffTCG". */
    public static final int TPM_GENERATED_VALUE = 0xff544347;

    public TpmsAttest {
        UnionArms.check(type, attested, TpmRc.SELECTOR);
    }

    /** An attestation made by this TPM: the magic value and the type of the arm. */
    public static TpmsAttest of(Bytes qualifiedSigner, Bytes extraData, TpmsClockInfo clockInfo, long firmwareVersion,
                                TpmuAttest attested) {
        return new TpmsAttest(TPM_GENERATED_VALUE, UnionArms.selectorOf(attested), qualifiedSigner, extraData,
                clockInfo, firmwareVersion, attested);
    }
}
