package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_Write (Part 3, 31.7): authHandle TPMI_RH_NV_AUTH (USER role); data a TPM2B_MAX_NV_BUFFER. */
@CommandCode(TpmCc.NV_WRITE)
public record NvWrite(@Handle(auth = Auth.USER) @Is(Tpmi.RH_NV_AUTH) int authHandle,
                      @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex,
                      @Max(TpmaNv.MAX_NV_BUFFER_SIZE) Bytes data, @U16 int offset) implements TpmCommand<EmptyResponse> {}
