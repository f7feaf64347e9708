package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_ECDH_ZGen (Part 3, 14.5): multiplies a point by the private scalar of an ECC key; keyHandle is
 * TPMI_DH_OBJECT (USER role).
 */
@CommandCode(TpmCc.ECDH_ZGEN)
public record EcdhZGen(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyHandle,
                       @Sized TpmsEccPoint inPoint) implements TpmCommand<EcdhZGenResponse> {}
