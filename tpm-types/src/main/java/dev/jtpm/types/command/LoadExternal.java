package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_LoadExternal (Part 3, 12.3): loads a public area, with or without its sensitive area in clear
 * (TPM2B_SENSITIVE may be empty); hierarchy is TPMI_RH_HIERARCHY+. No handles.
 */
@CommandCode(TpmCc.LOAD_EXTERNAL)
public record LoadExternal(@Sized(nullAllowed = true) TpmtSensitive inPrivate,
                           @Sized TpmtPublic inPublic,
                           @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy) implements TpmCommand<LoadExternalResponse> {}
