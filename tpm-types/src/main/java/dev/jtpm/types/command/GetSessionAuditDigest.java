package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_GetSessionAuditDigest (Part 3, 18.5): signs the audit digest of a session; privacyAdminHandle is
 * TPMI_RH_ENDORSEMENT (USER role), signHandle TPMI_DH_OBJECT+ (USER role), sessionHandle TPMI_SH_HMAC (no
 * authorization).
 */
@CommandCode(TpmCc.GET_SESSION_AUDIT_DIGEST)
public record GetSessionAuditDigest(@Handle(auth = Auth.USER) @Is(Tpmi.RH_ENDORSEMENT) int privacyAdminHandle,
                                    @Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                                    @Handle @Is(Tpmi.SH_HMAC) int sessionHandle,
                                    @Max(Limits.DATA_SIZE) Bytes qualifyingData,
                                    TpmtSigScheme inScheme) implements TpmCommand<GetSessionAuditDigestResponse> {}
