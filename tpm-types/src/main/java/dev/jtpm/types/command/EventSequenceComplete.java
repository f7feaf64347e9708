package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_EventSequenceComplete (Part 3, 17.6); pcrHandle is TPMI_DH_PCR+, sequenceHandle TPMI_DH_OBJECT. */
@CommandCode(TpmCc.EVENT_SEQUENCE_COMPLETE)
public record EventSequenceComplete(@Handle(auth = Auth.USER) @Is(Tpmi.DH_PCR_OR_NULL) int pcrHandle, @Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int sequenceHandle, @Max(1024) Bytes buffer) implements TpmCommand<EventSequenceCompleteResponse> {}
