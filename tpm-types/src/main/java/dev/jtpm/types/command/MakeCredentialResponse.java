package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * Response of TPM2_MakeCredential (Part 3, 12.6). credentialBlob is a TPM2B_ID_OBJECT and secret a
 * TPM2B_ENCRYPTED_SECRET, both opaque.
 */
public record MakeCredentialResponse(@Max(Limits.ID_OBJECT_SIZE) Bytes credentialBlob,
                                     @Max(Limits.ENCRYPTED_SECRET_SIZE) Bytes secret) {}
