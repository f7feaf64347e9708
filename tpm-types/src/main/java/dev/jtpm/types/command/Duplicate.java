package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Duplicate (Part 3, 13.1): wraps a loaded object for a new parent; objectHandle is TPMI_DH_OBJECT
 * (DUP role: a policy session), newParentHandle TPMI_DH_OBJECT+ (no authorization). encryptionKeyIn is a
 * TPM2B_DATA, symmetricAlg a TPMT_SYM_DEF_OBJECT+.
 */
@CommandCode(TpmCc.DUPLICATE)
public record Duplicate(@Handle(auth = Auth.DUP) @Is(Tpmi.DH_OBJECT) int objectHandle,
                        @Handle @Is(Tpmi.DH_OBJECT_OR_NULL) int newParentHandle,
                        @Max(Limits.DATA_SIZE) Bytes encryptionKeyIn,
                        TpmtSymDefObject symmetricAlg) implements TpmCommand<DuplicateResponse> {}
