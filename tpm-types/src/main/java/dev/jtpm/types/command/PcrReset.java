package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_PCR_Reset (Part 3, 22.8); pcrHandle is TPMI_DH_PCR. */
@CommandCode(TpmCc.PCR_RESET)
public record PcrReset(@Handle(auth = Auth.USER) @Is(Tpmi.DH_PCR) int pcrHandle) implements TpmCommand<EmptyResponse> {}
