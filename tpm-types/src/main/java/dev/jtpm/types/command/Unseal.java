package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_Unseal (Part 3, 12.7): returns the data of a sealed keyed-hash object; itemHandle is TPMI_DH_OBJECT
 * (USER role).
 */
@CommandCode(TpmCc.UNSEAL)
public record Unseal(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int itemHandle)
        implements TpmCommand<UnsealResponse> {}
