package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_PolicyAuthorizeNV (Part 3, 23.22): authHandle TPMI_RH_NV_AUTH (USER role), nvIndex, policySession. */
@CommandCode(TpmCc.POLICY_AUTHORIZE_NV)
public record PolicyAuthorizeNv(@Handle(auth = Auth.USER) @Is(Tpmi.RH_NV_AUTH) int authHandle,
                                @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex,
                                @Handle @Is(Tpmi.SH_POLICY) int policySession) implements TpmCommand<EmptyResponse> {}
