package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyNvWritten (Part 3, 23.20): writtenSet is TPMI_YES_NO. */
@CommandCode(TpmCc.POLICY_NV_WRITTEN)
public record PolicyNvWritten(@Handle @Is(Tpmi.SH_POLICY) int policySession, boolean writtenSet)
        implements TpmCommand<EmptyResponse> {}
