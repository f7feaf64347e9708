package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyPassword (Part 3, 23.18). */
@CommandCode(TpmCc.POLICY_PASSWORD)
public record PolicyPassword(@Handle @Is(Tpmi.SH_POLICY) int policySession) implements TpmCommand<EmptyResponse> {}
