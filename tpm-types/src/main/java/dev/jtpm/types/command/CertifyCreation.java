package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_CertifyCreation (Part 3, 18.3): signs the association of an object with its creation data;
 * signHandle is TPMI_DH_OBJECT+ (USER role), objectHandle TPMI_DH_OBJECT (no authorization).
 */
@CommandCode(TpmCc.CERTIFY_CREATION)
public record CertifyCreation(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                              @Handle @Is(Tpmi.DH_OBJECT) int objectHandle,
                              @Max(Limits.DATA_SIZE) Bytes qualifyingData,
                              @Max(Limits.MAX_DIGEST_SIZE) Bytes creationHash,
                              TpmtSigScheme inScheme,
                              TpmtTkCreation creationTicket) implements TpmCommand<CertifyCreationResponse> {}
