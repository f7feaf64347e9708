package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_NV_ReadPublic (Part 3, 31.6). */
public record NvReadPublicResponse(@Sized TpmsNvPublic nvPublic, @Max(Limits.NAME_SIZE) Bytes nvName) {}
