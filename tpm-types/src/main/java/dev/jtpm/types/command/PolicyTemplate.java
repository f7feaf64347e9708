package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;

/** TPM2_PolicyTemplate (Part 3, 23.21): templateHash is TPM2B_DIGEST. */
@CommandCode(TpmCc.POLICY_TEMPLATE)
public record PolicyTemplate(@Handle @Is(Tpmi.SH_POLICY) int policySession,
                             @Max(Limits.MAX_DIGEST_SIZE) Bytes templateHash) implements TpmCommand<EmptyResponse> {}
