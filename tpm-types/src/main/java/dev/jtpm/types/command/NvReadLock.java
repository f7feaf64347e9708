package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_ReadLock (Part 3, 31.14): authHandle TPMI_RH_NV_AUTH (USER role). */
@CommandCode(TpmCc.NV_READ_LOCK)
public record NvReadLock(@Handle(auth = Auth.USER) @Is(Tpmi.RH_NV_AUTH) int authHandle,
                         @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex) implements TpmCommand<EmptyResponse> {}
