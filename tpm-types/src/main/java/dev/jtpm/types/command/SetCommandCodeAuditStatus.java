package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import java.util.List;

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3, 21.2): changes the audit hash, or the set of audited commands;
 * auth is TPMI_RH_PROVISION (USER role), auditAlg TPMI_ALG_HASH+, setList and clearList TPML_CC (at most
 * MAX_CAP_CC = 254 codes, else TPM_RC_SIZE).
 */
@CommandCode(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS)
public record SetCommandCodeAuditStatus(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int auth,
                                        @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int auditAlg,
                                        @Max(MAX_CAP_CC) List<Integer> setList,
                                        @Max(MAX_CAP_CC) List<Integer> clearList) implements TpmCommand<EmptyResponse> {
    /** MAX_CAP_CC: (MAX_CAP_BUFFER 1024 - capability - count) / 4. */
    public static final int MAX_CAP_CC = 254;
}
