package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_GetCommandAuditDigest (Part 3, 18.6): signs the command audit digest; privacyHandle is
 * TPMI_RH_ENDORSEMENT (USER role), signHandle TPMI_DH_OBJECT+ (USER role).
 */
@CommandCode(TpmCc.GET_COMMAND_AUDIT_DIGEST)
public record GetCommandAuditDigest(@Handle(auth = Auth.USER) @Is(Tpmi.RH_ENDORSEMENT) int privacyHandle,
                                    @Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                                    @Max(Limits.DATA_SIZE) Bytes qualifyingData,
                                    TpmtSigScheme inScheme) implements TpmCommand<GetCommandAuditDigestResponse> {}
