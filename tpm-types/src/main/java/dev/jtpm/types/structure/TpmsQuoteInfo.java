package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_QUOTE_INFO (Part 2, 10.12.4): the {@code TPM_ST_ATTEST_QUOTE} arm of TPMU_ATTEST.
 *
 * @param pcrSelect the quoted PCRs
 * @param pcrDigest the digest of their values (hash of the signing scheme)
 */
@Arm(TpmSt.ATTEST_QUOTE)
public record TpmsQuoteInfo(TpmlPcrSelection pcrSelect, @Max(Limits.MAX_DIGEST_SIZE) Bytes pcrDigest) implements TpmuAttest {}
