package dev.jtpm.types.command;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_HierarchyChangeAuth (Part 3, 24.8): sets the authValue of a hierarchy or lockout; authHandle is
 * TPMI_RH_HIERARCHY_AUTH (USER role).
 */
@CommandCode(TpmCc.HIERARCHY_CHANGE_AUTH)
public record HierarchyChangeAuth(@Handle(auth = Auth.USER) @Is(Tpmi.RH_HIERARCHY_AUTH) int authHandle,
                                  @Max(Limits.MAX_DIGEST_SIZE) Secret newAuth) implements TpmCommand<EmptyResponse> {}
