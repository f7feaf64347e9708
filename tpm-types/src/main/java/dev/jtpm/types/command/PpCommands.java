package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import java.util.List;

/**
 * TPM2_PP_Commands (Part 3, 26.2): adds the codes of setList to the commands that need physical presence when
 * authorized with platformAuth/platformPolicy, and removes those of clearList; auth is TPMI_RH_PLATFORM (USER
 * role), setList and clearList TPML_CC (at most MAX_CAP_CC = 254 codes, else TPM_RC_SIZE).
 */
@CommandCode(TpmCc.PP_COMMANDS)
public record PpCommands(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int auth,
                         @Max(SetCommandCodeAuditStatus.MAX_CAP_CC) List<Integer> setList,
                         @Max(SetCommandCodeAuditStatus.MAX_CAP_CC) List<Integer> clearList)
        implements TpmCommand<EmptyResponse> {}
