package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_ReadPublic (Part 3, 12.4): returns the public area and Name of a loaded object; objectHandle is
 * TPMI_DH_OBJECT (no authorization).
 */
@CommandCode(TpmCc.READ_PUBLIC)
public record ReadPublic(@Handle @Is(Tpmi.DH_OBJECT) int objectHandle) implements TpmCommand<ReadPublicResponse> {}
