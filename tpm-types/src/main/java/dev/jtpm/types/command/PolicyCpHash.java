package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;

/** TPM2_PolicyCpHash (Part 3, 23.13): cpHashA is TPM2B_DIGEST. */
@CommandCode(TpmCc.POLICY_CP_HASH)
public record PolicyCpHash(@Handle @Is(Tpmi.SH_POLICY) int policySession, @Max(Limits.MAX_DIGEST_SIZE) Bytes cpHashA)
        implements TpmCommand<EmptyResponse> {}
