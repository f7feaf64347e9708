package dev.jtpm.engine.session;

import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRh;

/** The authValue and authPolicy of an entity (Part 1, 19.6 and 19.7). */
public final class AuthValues {
    private AuthValues() {}

    /**
     * The entity's authValue: a PCR of the authorization group (20..22) has the group's (TPM2_PCR_SetAuthValue),
     * any other PCR an empty one.
     */
    public static Secret of(TpmState s, int handle) {
        return switch (TpmHt.of(handle)) {
            case TpmHt.PERMANENT -> switch (handle) {
                case TpmRh.OWNER -> s.persistent.ownerAuth;
                case TpmRh.ENDORSEMENT -> s.persistent.endorsementAuth;
                case TpmRh.LOCKOUT -> s.persistent.lockoutAuth;
                case TpmRh.PLATFORM -> s.stateClear.platformAuth();
                default -> Secret.EMPTY;
            };
            case TpmHt.TRANSIENT, TpmHt.PERSISTENT -> {
                TransientObject o = s.objects.get(handle);
                yield o == null ? Secret.EMPTY : o.authValue();
            }
            case TpmHt.PCR -> PcrAttributes.authGroup(handle) ? s.pcrAuthValue : Secret.EMPTY;
            case TpmHt.NV_INDEX -> {
                dev.jtpm.engine.state.NvIndex nv = dev.jtpm.engine.state.NvIndices.get(s, handle);
                yield nv == null ? Secret.EMPTY : nv.authValue();
            }
            default -> Secret.EMPTY;
        };
    }

    /**
     * The entity's authPolicy (hierarchy policies from TPM2_SetPrimaryPolicy, an object's authPolicy, the policy
     * of a PCR's policy group from TPM2_PCR_SetAuthPolicy), or empty.
     */
    public static Bytes policyOf(TpmState s, int handle) {
        if (s.objects.get(handle) instanceof dev.jtpm.engine.state.TpmObject o) return o.publicArea().authPolicy();
        if (TpmHt.of(handle) == TpmHt.PCR) return PcrAttributes.policyGroup(handle) ? s.persistent.pcrPolicy : Bytes.EMPTY;
        if (TpmHt.of(handle) == TpmHt.NV_INDEX) {
            dev.jtpm.engine.state.NvIndex nv = dev.jtpm.engine.state.NvIndices.get(s, handle);
            return nv == null ? Bytes.EMPTY : nv.publicArea().authPolicy();
        }
        return switch (handle) {
            case TpmRh.OWNER -> s.persistent.ownerPolicy;
            case TpmRh.ENDORSEMENT -> s.persistent.endorsementPolicy;
            case TpmRh.LOCKOUT -> s.persistent.lockoutPolicy;
            case TpmRh.PLATFORM -> s.stateClear.platformPolicy();
            default -> Bytes.EMPTY;
        };
    }

    /** The hash of the entity's authPolicy, or TPM_ALG_NULL. */
    public static int policyAlgOf(TpmState s, int handle) {
        if (s.objects.get(handle) instanceof dev.jtpm.engine.state.TpmObject o) return o.publicArea().nameAlg();
        if (TpmHt.of(handle) == TpmHt.PCR) return PcrAttributes.policyGroup(handle) ? s.persistent.pcrPolicyAlg : dev.jtpm.types.TpmAlg.NULL;
        if (TpmHt.of(handle) == TpmHt.NV_INDEX) {
            dev.jtpm.engine.state.NvIndex nv = dev.jtpm.engine.state.NvIndices.get(s, handle);
            return nv == null ? dev.jtpm.types.TpmAlg.NULL : nv.publicArea().nameAlg();
        }
        return switch (handle) {
            case TpmRh.OWNER -> s.persistent.ownerAlg;
            case TpmRh.ENDORSEMENT -> s.persistent.endorsementAlg;
            case TpmRh.LOCKOUT -> s.persistent.lockoutAlg;
            case TpmRh.PLATFORM -> s.stateClear.platformAlg();
            default -> dev.jtpm.types.TpmAlg.NULL;
        };
    }
}
