package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Create (Part 3, 12.1): creates an ordinary object under a storage parent and returns it wrapped;
 * parentHandle is TPMI_DH_OBJECT (USER role).
 */
@CommandCode(TpmCc.CREATE)
public record Create(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int parentHandle,
                     @Sized TpmsSensitiveCreate inSensitive,
                     @Sized TpmtPublic inPublic,
                     @Max(Limits.DATA_SIZE) Bytes outsideInfo,
                     TpmlPcrSelection creationPCR) implements TpmCommand<CreateResponse> {}
