package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_PolicyGetDigest (Part 3, 23.19): the current policyDigest of a policy or trial session. */
@CommandCode(TpmCc.POLICY_GET_DIGEST)
public record PolicyGetDigest(@Handle @Is(Tpmi.SH_POLICY) int policySession) implements TpmCommand<PolicyGetDigestResponse> {}
