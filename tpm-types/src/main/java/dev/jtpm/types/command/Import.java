package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Import (Part 3, 13.3): re-wraps a duplicated object for its new parent; parentHandle is
 * TPMI_DH_OBJECT (USER role). encryptionKey is a TPM2B_DATA, duplicate a TPM2B_PRIVATE, inSymSeed a
 * TPM2B_ENCRYPTED_SECRET, symmetricAlg a TPMT_SYM_DEF_OBJECT+.
 */
@CommandCode(TpmCc.IMPORT)
public record Import(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int parentHandle,
                     @Max(Limits.DATA_SIZE) Bytes encryptionKey,
                     @Sized TpmtPublic objectPublic,
                     @Max(Limits.PRIVATE_SIZE) Bytes duplicate,
                     @Max(Limits.ENCRYPTED_SECRET_SIZE) Bytes inSymSeed,
                     TpmtSymDefObject symmetricAlg) implements TpmCommand<ImportResponse> {}
