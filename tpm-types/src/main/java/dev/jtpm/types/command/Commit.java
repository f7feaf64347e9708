package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Commit (Part 3, 19.2): performs the first part of an ECC anonymous signing operation (ECDAA);
 * signHandle is TPMI_DH_OBJECT (USER role). p1 is TPM2B_ECC_POINT (an empty point has two empty
 * coordinates), s2 TPM2B_SENSITIVE_DATA, y2 TPM2B_ECC_PARAMETER.
 */
@CommandCode(TpmCc.COMMIT)
public record Commit(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int signHandle,
                     @Sized TpmsEccPoint p1,
                     @Max(Limits.MAX_SYM_DATA) Bytes s2,
                     @Max(Limits.MAX_ECC_KEY_BYTES) Bytes y2) implements TpmCommand<CommitResponse> {}
