package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U8;

/**
 * TPM2_PolicyLocality (Part 3, 23.8): locality is TPMA_LOCALITY (one octet: bits 0-4 for localities 0-4,
 * or an extended locality 32..255).
 */
@CommandCode(TpmCc.POLICY_LOCALITY)
public record PolicyLocality(@Handle @Is(Tpmi.SH_POLICY) int policySession, @U8 int locality)
        implements TpmCommand<EmptyResponse> {}
