package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_ChangeAuth (Part 3, 31.15): nvIndex (ADMIN role: a policy session); newAuth a TPM2B_AUTH. */
@CommandCode(TpmCc.NV_CHANGE_AUTH)
public record NvChangeAuth(@Handle(auth = Auth.ADMIN) @Is(Tpmi.RH_NV_INDEX) int nvIndex,
                           @Max(Limits.MAX_DIGEST_SIZE) Secret newAuth) implements TpmCommand<EmptyResponse> {}
