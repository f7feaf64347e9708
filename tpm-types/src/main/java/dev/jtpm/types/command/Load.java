package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Load (Part 3, 12.2): loads an object created by TPM2_Create under its parent; parentHandle is
 * TPMI_DH_OBJECT (USER role).
 */
@CommandCode(TpmCc.LOAD)
public record Load(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int parentHandle,
                   @Max(Limits.PRIVATE_SIZE) Bytes inPrivate,
                   @Sized TpmtPublic inPublic) implements TpmCommand<LoadResponse> {}
