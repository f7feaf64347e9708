package dev.jtpm.types.command;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_PCR_SetAuthValue (Part 3, 22.8): sets the authValue of the authorization group a PCR belongs to;
 * pcrHandle is TPMI_DH_PCR (USER role).
 */
@CommandCode(TpmCc.PCR_SET_AUTH_VALUE)
public record PcrSetAuthValue(@Handle(auth = Auth.USER) @Is(Tpmi.DH_PCR) int pcrHandle,
                              @Max(Limits.MAX_DIGEST_SIZE) Secret auth) implements TpmCommand<EmptyResponse> {}
