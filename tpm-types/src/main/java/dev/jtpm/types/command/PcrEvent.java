package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_PCR_Event (Part 3, 22.3); pcrHandle is TPMI_DH_PCR+. */
@CommandCode(TpmCc.PCR_EVENT)
public record PcrEvent(@Handle(auth = Auth.USER) @Is(Tpmi.DH_PCR_OR_NULL) int pcrHandle, @Max(1024) Bytes eventData) implements TpmCommand<PcrEventResponse> {}
