package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Rewrap (Part 3, 13.2): the blob under the new parent and its seed. */
public record RewrapResponse(@Max(Limits.PRIVATE_SIZE) Bytes outDuplicate,
                             @Max(Limits.ENCRYPTED_SECRET_SIZE) Bytes outSymSeed) {}
