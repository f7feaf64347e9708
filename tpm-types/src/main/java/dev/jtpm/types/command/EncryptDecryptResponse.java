package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * Response of TPM2_EncryptDecrypt (Part 3, 15.2). Shared by TPM2_EncryptDecrypt2, whose response is the
 * same.
 */
public record EncryptDecryptResponse(@Max(Limits.MAX_DIGEST_BUFFER) Bytes outData,
                                     @Max(Limits.MAX_SYM_BLOCK_SIZE) Bytes ivOut) {}
