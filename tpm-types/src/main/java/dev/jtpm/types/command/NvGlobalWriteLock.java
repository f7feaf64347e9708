package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_GlobalWriteLock (Part 3, 31.12): authHandle TPMI_RH_PROVISION (USER role). */
@CommandCode(TpmCc.NV_GLOBAL_WRITE_LOCK)
public record NvGlobalWriteLock(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int authHandle)
        implements TpmCommand<EmptyResponse> {}
