package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_PCR_SetAuthPolicy (Part 3, 22.7): sets the authPolicy of the policy group a PCR belongs to;
 * authHandle is TPMI_RH_PLATFORM (USER role), hashAlg TPMI_ALG_HASH+, pcrNum TPMI_DH_PCR (a parameter).
 */
@CommandCode(TpmCc.PCR_SET_AUTH_POLICY)
public record PcrSetAuthPolicy(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int authHandle,
                               @Max(Limits.MAX_DIGEST_SIZE) Bytes authPolicy,
                               @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int hashAlg,
                               @Is(Tpmi.DH_PCR) int pcrNum) implements TpmCommand<EmptyResponse> {}
