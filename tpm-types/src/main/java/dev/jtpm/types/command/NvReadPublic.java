package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** TPM2_NV_ReadPublic (Part 3, 31.6): no authorization. */
@CommandCode(TpmCc.NV_READ_PUBLIC)
public record NvReadPublic(@Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex) implements TpmCommand<NvReadPublicResponse> {}
