package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;
import dev.jtpm.types.structure.TpmlPcrSelection;

/**
 * TPM2_PolicyPCR (Part 3, 23.7): gates a policy on PCR values; pcrDigest is TPM2B_DIGEST (empty: the
 * current values), pcrs a TPML_PCR_SELECTION.
 */
@CommandCode(TpmCc.POLICY_PCR)
public record PolicyPcr(@Handle @Is(Tpmi.SH_POLICY) int policySession, @Max(Limits.MAX_DIGEST_SIZE) Bytes pcrDigest,
                        TpmlPcrSelection pcrs) implements TpmCommand<EmptyResponse> {}
