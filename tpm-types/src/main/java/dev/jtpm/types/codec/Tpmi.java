package dev.jtpm.types.codec;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * TPMI_* interface types (Part 2): the values an {@code int} component may take, checked while
 * unmarshalling so that a failure carries the component's parameter index. Use with {@link Wire.Is}.
 */
public enum Tpmi {
    /** TPMI_ALG_HASH: an implemented hash (TPM_RC_HASH). */
    ALG_HASH { void check(int v) { TpmiAlgHash.check(v, false); } },
    /** TPMI_ALG_HASH+: an implemented hash or TPM_ALG_NULL (TPM_RC_HASH). */
    ALG_HASH_OR_NULL { void check(int v) { TpmiAlgHash.check(v, true); } },
    /** TPMI_RH_HIERARCHY+: owner, endorsement, platform or null (TPM_RC_VALUE). */
    RH_HIERARCHY_OR_NULL {
        void check(int v) {
            if (v != TpmRh.OWNER && v != TpmRh.ENDORSEMENT && v != TpmRh.PLATFORM && v != TpmRh.NULL)
                throw new TpmFailure(TpmRc.VALUE);
        }
    };

    /** Throws {@link TpmFailure} with the type's response code when {@code v} is not allowed. */
    abstract void check(int v);
}
