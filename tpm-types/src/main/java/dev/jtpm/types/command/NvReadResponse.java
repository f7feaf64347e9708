package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_NV_Read (Part 3, 31.13): a TPM2B_MAX_NV_BUFFER. */
public record NvReadResponse(@Max(TpmaNv.MAX_NV_BUFFER_SIZE) Bytes data) {}
