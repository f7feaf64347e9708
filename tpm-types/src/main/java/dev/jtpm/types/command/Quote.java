package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Quote (Part 3, 18.4): signs the digest of selected PCRs; signHandle is TPMI_DH_OBJECT+ (USER role).
 */
@CommandCode(TpmCc.QUOTE)
public record Quote(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                    @Max(Limits.DATA_SIZE) Bytes qualifyingData,
                    TpmtSigScheme inScheme,
                    TpmlPcrSelection pcrSelect) implements TpmCommand<QuoteResponse> {}
