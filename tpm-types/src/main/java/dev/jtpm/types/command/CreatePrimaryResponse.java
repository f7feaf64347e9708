package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * Response of TPM2_CreatePrimary (Part 3, 24.1). objectHandle is the transient handle of the new object
 * (TPM_HANDLE).
 */
public record CreatePrimaryResponse(@Handle int objectHandle,
                                    @Sized TpmtPublic outPublic,
                                    @Sized TpmsCreationData creationData,
                                    @Max(Limits.MAX_DIGEST_SIZE) Bytes creationHash,
                                    TpmtTkCreation creationTicket,
                                    @Max(Limits.NAME_SIZE) Bytes name) {}
