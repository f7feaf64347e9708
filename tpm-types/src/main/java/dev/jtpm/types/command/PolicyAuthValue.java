package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyAuthValue (Part 3, 23.17). */
@CommandCode(TpmCc.POLICY_AUTH_VALUE)
public record PolicyAuthValue(@Handle @Is(Tpmi.SH_POLICY) int policySession) implements TpmCommand<EmptyResponse> {}
