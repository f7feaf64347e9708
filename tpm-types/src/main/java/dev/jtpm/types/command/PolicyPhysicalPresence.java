package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyPhysicalPresence (Part 3, 23.12). */
@CommandCode(TpmCc.POLICY_PHYSICAL_PRESENCE)
public record PolicyPhysicalPresence(@Handle @Is(Tpmi.SH_POLICY) int policySession) implements TpmCommand<EmptyResponse> {}
