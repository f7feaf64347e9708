package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_UndefineSpace (Part 3, 31.4): authHandle is TPMI_RH_PROVISION (USER role). */
@CommandCode(TpmCc.NV_UNDEFINE_SPACE)
public record NvUndefineSpace(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int authHandle,
                              @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex) implements TpmCommand<EmptyResponse> {}
