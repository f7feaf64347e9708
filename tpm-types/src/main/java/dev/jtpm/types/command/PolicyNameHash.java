package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;

/** TPM2_PolicyNameHash (Part 3, 23.14): nameHash is TPM2B_DIGEST. */
@CommandCode(TpmCc.POLICY_NAME_HASH)
public record PolicyNameHash(@Handle @Is(Tpmi.SH_POLICY) int policySession, @Max(Limits.MAX_DIGEST_SIZE) Bytes nameHash)
        implements TpmCommand<EmptyResponse> {}
