package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_Read (Part 3, 31.13): authHandle TPMI_RH_NV_AUTH (USER role); size and offset UINT16. */
@CommandCode(TpmCc.NV_READ)
public record NvRead(@Handle(auth = Auth.USER) @Is(Tpmi.RH_NV_AUTH) int authHandle,
                     @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex, @U16 int size, @U16 int offset)
        implements TpmCommand<NvReadResponse> {}
