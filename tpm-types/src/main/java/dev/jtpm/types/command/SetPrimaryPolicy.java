package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_SetPrimaryPolicy (Part 3, 24.3): sets the authPolicy of a hierarchy; authHandle is
 * TPMI_RH_HIERARCHY_POLICY (USER role), hashAlg TPMI_ALG_HASH+.
 */
@CommandCode(TpmCc.SET_PRIMARY_POLICY)
public record SetPrimaryPolicy(@Handle(auth = Auth.USER) @Is(Tpmi.RH_HIERARCHY_POLICY) int authHandle,
                               @Max(Limits.MAX_DIGEST_SIZE) Bytes authPolicy,
                               @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int hashAlg) implements TpmCommand<EmptyResponse> {}
