package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.Min;
import dev.jtpm.types.structure.Limits;
import java.util.List;

/**
 * TPM2_PolicyOR (Part 3, 23.6): pHashList is a TPML_DIGEST, which ms-tpm's TPML_DIGEST_Unmarshal takes with
 * two to eight TPM2B_DIGESTs (else TPM_RC_SIZE). It is a list here rather than {@code TpmlDigest}, which
 * PCR_Read answers with fewer than two.
 */
@CommandCode(TpmCc.POLICY_OR)
public record PolicyOr(@Handle @Is(Tpmi.SH_POLICY) int policySession,
                       @Min(2) @Max(8) List<@Max(Limits.MAX_DIGEST_SIZE) Bytes> pHashList)
        implements TpmCommand<EmptyResponse> {}
