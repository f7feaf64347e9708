package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_UndefineSpaceSpecial (Part 3, 31.5): nvIndex (ADMIN role), platform TPMI_RH_PLATFORM (USER role). */
@CommandCode(TpmCc.NV_UNDEFINE_SPACE_SPECIAL)
public record NvUndefineSpaceSpecial(@Handle(auth = Auth.ADMIN) @Is(Tpmi.RH_NV_INDEX) int nvIndex,
                                     @Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int platform)
        implements TpmCommand<EmptyResponse> {}
