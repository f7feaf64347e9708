package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Rewrap (Part 3, 13.2): moves a duplication blob's outer wrapper from one parent to another (the TPM as
 * a migration authority); oldParent is TPMI_DH_OBJECT+ (USER role), newParent TPMI_DH_OBJECT+. inDuplicate is
 * a TPM2B_PRIVATE, name a TPM2B_NAME, inSymSeed a TPM2B_ENCRYPTED_SECRET.
 */
@CommandCode(TpmCc.REWRAP)
public record Rewrap(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int oldParent,
                     @Handle @Is(Tpmi.DH_OBJECT_OR_NULL) int newParent,
                     @Max(Limits.PRIVATE_SIZE) Bytes inDuplicate,
                     @Max(Limits.NAME_SIZE) Bytes name,
                     @Max(Limits.ENCRYPTED_SECRET_SIZE) Bytes inSymSeed) implements TpmCommand<RewrapResponse> {}
