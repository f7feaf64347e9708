package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Create (Part 3, 12.1). outPrivate is the TPM2B_PRIVATE, opaque outside the engine. */
public record CreateResponse(@Max(Limits.PRIVATE_SIZE) Bytes outPrivate,
                             @Sized TpmtPublic outPublic,
                             @Sized TpmsCreationData creationData,
                             @Max(Limits.MAX_DIGEST_SIZE) Bytes creationHash,
                             TpmtTkCreation creationTicket) {}
