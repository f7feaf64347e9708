package dev.jtpm.types.command;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_ObjectChangeAuth (Part 3, 12.8): returns the private area of an object re-wrapped with a new
 * authValue; objectHandle (ADMIN role) and parentHandle are TPMI_DH_OBJECT.
 */
@CommandCode(TpmCc.OBJECT_CHANGE_AUTH)
public record ObjectChangeAuth(@Handle(auth = Auth.ADMIN) @Is(Tpmi.DH_OBJECT) int objectHandle,
                               @Handle @Is(Tpmi.DH_OBJECT) int parentHandle,
                               @Max(Limits.MAX_DIGEST_SIZE) Secret newAuth)
        implements TpmCommand<ObjectChangeAuthResponse> {}
