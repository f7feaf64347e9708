package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_NV_DefineSpace (Part 3, 31.3): authHandle is TPMI_RH_PROVISION (USER role); auth the index's authValue;
 * publicInfo a TPM2B_NV_PUBLIC.
 */
@CommandCode(TpmCc.NV_DEFINE_SPACE)
public record NvDefineSpace(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int authHandle,
                            @Max(Limits.MAX_DIGEST_SIZE) Secret auth,
                            @Sized TpmsNvPublic publicInfo) implements TpmCommand<EmptyResponse> {}
