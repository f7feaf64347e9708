package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyCommandCode (Part 3, 23.11): code is a TPM_CC. */
@CommandCode(TpmCc.POLICY_COMMAND_CODE)
public record PolicyCommandCode(@Handle @Is(Tpmi.SH_POLICY) int policySession, int code)
        implements TpmCommand<EmptyResponse> {}
