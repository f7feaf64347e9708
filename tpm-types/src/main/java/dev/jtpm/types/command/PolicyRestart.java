package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyRestart (Part 3, 11.2): returns a policy session to its initial state. */
@CommandCode(TpmCc.POLICY_RESTART)
public record PolicyRestart(@Handle @Is(Tpmi.SH_POLICY) int sessionHandle) implements TpmCommand<EmptyResponse> {}
