package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * Response of TPM2_Duplicate (Part 3, 13.1): encryptionKeyOut (TPM2B_DATA: the inner key the TPM made, else
 * empty), duplicate (TPM2B_PRIVATE) and outSymSeed (TPM2B_ENCRYPTED_SECRET), the last two opaque.
 */
public record DuplicateResponse(@Max(Limits.DATA_SIZE) Bytes encryptionKeyOut,
                                @Max(Limits.PRIVATE_SIZE) Bytes duplicate,
                                @Max(Limits.ENCRYPTED_SECRET_SIZE) Bytes outSymSeed) {}
