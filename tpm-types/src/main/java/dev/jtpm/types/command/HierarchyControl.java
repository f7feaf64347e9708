package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_HierarchyControl (Part 3, 24.2): enables or disables a hierarchy; authHandle is TPMI_RH_HIERARCHY
 * (USER role), enable TPMI_RH_ENABLES.
 */
@CommandCode(TpmCc.HIERARCHY_CONTROL)
public record HierarchyControl(@Handle(auth = Auth.USER) @Is(Tpmi.RH_HIERARCHY) int authHandle,
                               @Is(Tpmi.RH_ENABLES) int enable,
                               boolean state) implements TpmCommand<EmptyResponse> {}
