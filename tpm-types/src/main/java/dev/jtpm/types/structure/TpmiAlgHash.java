package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;

/** TPMI_ALG_HASH: the hash algorithms this TPM implements (Part 2, 9.27). */
public final class TpmiAlgHash {
    private TpmiAlgHash() {}

    /** The implemented hash algorithms, in the order GetCapability reports them. */
    public static final int[] IMPLEMENTED = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512};

    public static boolean isImplemented(int alg) {
        return alg == TpmAlg.SHA1 || alg == TpmAlg.SHA256 || alg == TpmAlg.SHA384 || alg == TpmAlg.SHA512;
    }

    /** Checks a TPMI_ALG_HASH value ({@code +} allows TPM_ALG_NULL); else TPM_RC_HASH. */
    public static int check(int alg, boolean nullAllowed) {
        if (isImplemented(alg) || (nullAllowed && alg == TpmAlg.NULL)) return alg;
        throw new TpmFailure(TpmRc.HASH);
    }
}
