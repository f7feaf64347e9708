package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_CreatePrimary (Part 3, 24.1): creates a primary object under a hierarchy (deterministic from the
 * hierarchy seed and the template); primaryHandle is TPMI_RH_HIERARCHY+ (USER role).
 */
@CommandCode(TpmCc.CREATE_PRIMARY)
public record CreatePrimary(@Handle(auth = Auth.USER) @Is(Tpmi.RH_HIERARCHY_OR_NULL) int primaryHandle,
                            @Sized TpmsSensitiveCreate inSensitive,
                            @Sized TpmtPublic inPublic,
                            @Max(Limits.DATA_SIZE) Bytes outsideInfo,
                            TpmlPcrSelection creationPCR) implements TpmCommand<CreatePrimaryResponse> {}
