package dev.jtpm.engine.session;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRh;

/** The authValue and authPolicy of an entity (Part 1, 19.6 and 19.7). */
public final class AuthValues {
    private AuthValues() {}

    /** The entity's authValue (empty for PCRs, which have no PCR_SetAuthValue group here). */
    public static Secret of(TpmState s, int handle) {
        return switch (TpmHt.of(handle)) {
            case TpmHt.PERMANENT -> switch (handle) {
                case TpmRh.OWNER -> s.persistent.ownerAuth;
                case TpmRh.ENDORSEMENT -> s.persistent.endorsementAuth;
                case TpmRh.LOCKOUT -> s.persistent.lockoutAuth;
                case TpmRh.PLATFORM -> s.platformAuth;
                default -> Secret.EMPTY;
            };
            case TpmHt.TRANSIENT -> {
                TransientObject o = s.objects.get(handle);
                yield o == null ? Secret.EMPTY : o.authValue();
            }
            default -> Secret.EMPTY;
        };
    }

    /** The entity's authPolicy: empty for every entity this TPM has so far (no SetPrimaryPolicy yet). */
    public static Bytes policyOf(TpmState s, int handle) {
        return Bytes.EMPTY;
    }
}
